// Customer 360 desk page: route customer-360/<customer>.
// The page only renders what the server returns; masking is decided by the API, never here.
frappe.pages["customer-360"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Customer 360"),
		single_column: true,
	});
	wrapper.c360 = new Customer360Page(page, wrapper);
};

frappe.pages["customer-360"].on_page_show = function (wrapper) {
	const customer = frappe.get_route()[1];
	wrapper.c360.show(customer ? decodeURIComponent(customer) : null);
};

class Customer360Page {
	constructor(page, wrapper) {
		this.page = page;
		this.wrapper = wrapper;
		this.$body = $(`<div class="c360-page"></div>`).appendTo(page.main);
	}

	show(customer) {
		if (!customer) {
			this.customer = null;
			this.page.set_title(__("Customer 360"));
			this.$body.html(`<div class="text-muted c360-empty">${__("Open a Customer and press \"Customer 360\".")}</div>`);
			return;
		}
		if (customer === this.customer) return;
		this.customer = customer;
		this.$body.html(`<div class="text-muted">${__("Loading…")}</div>`);
		frappe
			.xcall("customer_360.api.overview.get_profile", { customer })
			.then((profile) => this.render_header(profile))
			.catch(() => {
				this.$body.html(
					`<div class="text-danger c360-error">${__("Could not load customer {0}.", [frappe.utils.escape_html(customer)])}</div>`
				);
			});
	}

	render_header(p) {
		const esc = frappe.utils.escape_html;
		this.page.set_title(p.customer_name || p.name);
		const meta = [p.customer_type, p.customer_group, p.territory].filter(Boolean).map(esc).join(" · ");
		this.$body.html(`
			<div class="c360-header frappe-card p-3 mb-3">
				<h3 class="c360-customer-name">${esc(p.customer_name || p.name)}</h3>
				<div class="text-muted c360-meta">${meta}</div>
				<div class="c360-contact text-muted">${[p.email_id, p.mobile_no].filter(Boolean).map(esc).join(" · ")}</div>
			</div>
			<div class="c360-sections"></div>
		`);
		this.page.clear_actions_menu();
		this.page.set_secondary_action(__("Open Customer"), () => frappe.set_route("Form", "Customer", p.name));
	}
}

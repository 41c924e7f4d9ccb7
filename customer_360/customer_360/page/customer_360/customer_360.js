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
		this.timeline = new Customer360Timeline(this.$body.find(".c360-sections"), p.name);
		this.timeline.refresh();
	}
}

// Timeline: filter chips with counts, search, newest first, keyset paging with infinite scroll.
const C360_TYPE_LABELS = {
	money: __("Money"),
	sales: __("Sales"),
	support: __("Support"),
	message: __("Messages"),
	note: __("Notes"),
	interaction: __("Interactions"),
	task: __("Tasks"),
	file: __("Files"),
	system: __("System"),
};

class Customer360Timeline {
	constructor($parent, customer) {
		this.customer = customer;
		this.types = [];
		this.search = "";
		this.$el = $(`
			<div class="c360-timeline frappe-card p-3">
				<div class="c360-timeline-toolbar d-flex flex-wrap align-items-center mb-3" style="gap: 6px">
					<div class="c360-chips d-flex flex-wrap" style="gap: 6px"></div>
					<input type="search" class="form-control form-control-sm c360-search ml-auto"
						style="max-width: 220px" placeholder="${__("Search timeline")}">
				</div>
				<div class="c360-events"></div>
				<div class="c360-more text-muted text-center small p-2"></div>
			</div>`).appendTo($parent);
		this.$events = this.$el.find(".c360-events");
		this.$more = this.$el.find(".c360-more");
		this.$el.find(".c360-search").on(
			"input",
			frappe.utils.debounce((e) => {
				this.search = e.target.value.trim();
				this.refresh();
			}, 300)
		);
		// Infinite scroll: the "more" marker entering the viewport loads the next page.
		this.observer = new IntersectionObserver((entries) => {
			if (entries.some((e) => e.isIntersecting) && this.cursor && !this.loading) this.load();
		});
		this.observer.observe(this.$more[0]);
	}

	args(cursor) {
		return {
			customer: this.customer,
			cursor: cursor || null,
			limit: 30,
			event_types: this.types.length ? this.types.join(",") : null,
			search: this.search || null,
		};
	}

	refresh() {
		this.cursor = null;
		this.$events.empty();
		this.load(true);
	}

	load(first = false) {
		this.loading = true;
		this.$more.text(__("Loading…"));
		const request_id = (this.request_id = (this.request_id || 0) + 1);
		frappe
			.xcall("customer_360.api.timeline.get_timeline", this.args(first ? null : this.cursor))
			.then((r) => {
				if (request_id !== this.request_id) return; // a newer filter won
				if (r.counts) this.render_chips(r.counts);
				r.events.forEach((ev) => this.$events.append(this.render_event(ev)));
				this.cursor = r.next_cursor;
				this.$more.text(this.cursor ? "" : this.$events.children().length ? __("Beginning of history") : __("Nothing here yet"));
			})
			.catch(() => this.$more.html(`<span class="text-danger c360-timeline-error">${__("Could not load the timeline.")}</span>`))
			.finally(() => {
				this.loading = false;
			});
	}

	render_chips(counts) {
		const $chips = this.$el.find(".c360-chips").empty();
		Object.entries(counts).forEach(([type, n]) => {
			if (!n && !this.types.includes(type)) return;
			const active = this.types.includes(type);
			$(`<button class="btn btn-xs ${active ? "btn-primary" : "btn-default"} c360-chip" data-type="${type}">
					${C360_TYPE_LABELS[type] || type} <span class="c360-chip-count">${n}</span>
				</button>`)
				.on("click", () => {
					this.types = active ? this.types.filter((t) => t !== type) : [...this.types, type];
					this.refresh();
				})
				.appendTo($chips);
		});
	}

	render_event(ev) {
		const esc = frappe.utils.escape_html;
		let amount = "";
		if (ev.masked) {
			amount = `<span class="text-muted c360-masked" title="${__("Hidden for your role")}">•••</span>`;
		} else if (ev.amount !== null && ev.amount !== undefined) {
			amount = `<span class="c360-amount">${format_currency(ev.amount, ev.currency)}</span>`;
		}
		const link = frappe.utils.get_form_link(ev.source_doctype, ev.source_name);
		return $(`
			<div class="c360-event d-flex py-2 border-bottom ${ev.cancelled ? "text-muted" : ""}" data-type="${esc(ev.event_type)}"
				data-kind="${esc(ev.kind)}">
				<div class="flex-grow-1">
					<div>
						<span class="indicator-pill gray small mr-1">${esc(C360_TYPE_LABELS[ev.event_type] || ev.event_type)}</span>
						<a href="${link}" class="c360-event-title">${esc(ev.title || ev.source_name)}</a>
						${ev.cancelled ? `<span class="indicator-pill red small ml-1">${__("Cancelled")}</span>` : ""}
					</div>
					<div class="small text-muted">${esc(ev.summary || "")}</div>
				</div>
				<div class="text-right small" style="min-width: 120px">
					<div>${amount}</div>
					<div class="text-muted" title="${esc(ev.event_time)}">${frappe.datetime.comment_when(ev.event_time)}</div>
				</div>
			</div>`);
	}
}

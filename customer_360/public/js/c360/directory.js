// Customer directory: search by name, email or phone (the Customer's own fields and its contacts'), badges on
// each row, a click opens the 360. Rows are what the API lets this user read.
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const { desk_url, esc, get, pill } = customer_360.c360;

	class CustomerDirectory {
		constructor(page) {
			this.page = page;
			this.$body = $(`
				<div class="c360-directory frappe-card p-3">
					<input type="search" class="form-control c360-dir-search mb-3"
						placeholder="${esc(__("Search customers by name, email or phone"))}">
					<div class="c360-dir-results"></div>
					<div class="text-center p-2"><button class="btn btn-xs btn-default c360-dir-more" style="display:none">${__("More")}</button></div>
				</div>`).appendTo(page.main);
			this.$results = this.$body.find(".c360-dir-results");
			this.$more = this.$body.find(".c360-dir-more").on("click", () => this.load(false));
			this.$search = this.$body.find(".c360-dir-search").on(
				"input",
				frappe.utils.debounce(() => this.load(true), 300)
			);
			this.$results.on("click", ".c360-dir-row", (e) => {
				if ($(e.target).closest("a").length) return;
				const name = $(e.currentTarget).attr("data-name");
				customer_360.c360.prefetch_first_screen(name); // with the click, while the desk changes views
				frappe.set_route("customer-360", name);
			});
		}

		// `?query=` in the URL (or frappe.route_options) starts a search: a link can point at a search.
		show(options = {}) {
			this.$search.trigger("focus");
			if (options.query !== undefined && options.query !== null) {
				this.$search.val(String(options.query));
				this.load(true);
			} else if (!this.loaded) this.load(true);
		}

		async load(reset) {
			this.loaded = true;
			const query = this.$search.val().trim();
			const request_id = (this.request_id = (this.request_id || 0) + 1);
			if (reset) this.start = 0;
			try {
				const r = await get("directory.search_customers", {
					query,
					start: this.start,
					limit: 20,
				});
				if (request_id !== this.request_id) return;
				if (reset) this.$results.empty();
				if (reset && !r.customers.length) {
					this.$results.html(
						`<div class="text-muted c360-dir-empty">${esc(__("No customer matches."))}</div>`
					);
				}
				r.customers.forEach((c) => this.$results.append(row(c)));
				this.start = r.next_start;
				this.$more.toggle(Boolean(r.more));
			} catch (e) {
				if (request_id !== this.request_id) return;
				this.$results.html(
					`<div class="text-danger c360-panel-error">${esc(__("Search failed."))} ${esc(e.message || "")}</div>`
				);
			}
		}
	}

	function row(c) {
		const meta = [c.customer_type, c.customer_group, c.territory]
			.filter(Boolean)
			.map((v) => esc(__(v)))
			.join(" · ");
		const contact = [c.email_id, c.mobile_no].filter(Boolean).map(esc).join(" · ");
		return `
			<div class="c360-dir-row d-flex flex-wrap align-items-center py-2 border-bottom" data-name="${esc(c.name)}" style="gap: 8px">
				<div class="flex-grow-1" style="min-width: 200px">
					<a href="${esc(desk_url("customer-360", c.name))}" class="c360-dir-name font-weight-bold">${esc(c.customer_name || c.name)}</a>
					${c.customer_name && c.customer_name !== c.name ? `<span class="text-muted small">${esc(c.name)}</span>` : ""}
					<div class="small text-muted">${meta}</div>
					<div class="small c360-dir-contact">${contact}</div>
				</div>
				<div class="c360-dir-badges">${c.badges.map((b) => pill(b.label, b.color, `c360-badge c360-badge-${b.key}`)).join(" ")}</div>
			</div>`;
	}

	Object.assign(customer_360.c360, { CustomerDirectory });
})();

// Money tab (finance roles only; the API masks it anyway): balance, overdue, ageing, invoices, payments,
// refunds, credit notes, portal links per company, and the monthly sales trend chart.
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const { date, empty, esc, form_link, get, in_panel, masked, money, safe_href, table } =
		customer_360.c360;

	const AGEING = {
		not_due: __("Not due"),
		"0_30": "0–30",
		"31_60": "31–60",
		"61_90": "61–90",
		"90_plus": "90+",
	};

	async function load_money($body, page) {
		const customer = page.customer;
		$body.html(`
			<h6 class="text-muted">${__("Monthly sales, last 12 months")}</h6>
			<div class="c360-sales-trend mb-3"></div>
			<div class="c360-money-companies"></div>`);
		await Promise.all([
			in_panel($body.find(".c360-sales-trend"), async ($b) =>
				render_trend($b, await get("directory.get_sales_trend", { customer }))
			),
			in_panel($body.find(".c360-money-companies"), async ($b) =>
				render_companies($b, await get("overview.get_money", { customer }))
			),
		]);
	}

	function render_trend($b, t) {
		if (t.masked || !t.values) {
			$b.html(masked());
			return;
		}
		if (!t.values.some((v) => v)) {
			$b.html(empty(__("No invoices in the last 12 months.")));
			return;
		}
		$b.empty();
		const $chart = $(`<div class="c360-chart c360-sales-chart"></div>`).appendTo($b);
		new frappe.Chart($chart[0], {
			type: "bar",
			height: 200,
			colors: ["blue"],
			data: {
				labels: t.months.map((m) =>
					frappe.datetime.str_to_user(`${m}-01`).replace(/^\d+[-/.]/, "")
				),
				datasets: [{ name: __("Net sales"), values: t.values }],
			},
			axisOptions: { xIsSeries: 1, shortenYAxisNumbers: 1 },
			tooltipOptions: { formatTooltipY: (v) => format_currency(v) },
		});
	}

	function render_companies($b, m) {
		if (m.masked) {
			$b.html(
				`<div class="text-muted">${masked()} ${esc(__("Financial figures are hidden for your role."))}</div>`
			);
			return;
		}
		if (!m.companies.length) {
			$b.html(empty(__("No invoices, orders or payments yet.")));
			return;
		}
		$b.html(m.companies.map((c) => company(c, m.companies.length > 1)).join(""));
	}

	function company(c, titled) {
		const head = titled ? `<h5 class="mt-3">${esc(c.company)}</h5>` : "";
		if (c.error)
			return `${head}<div class="text-danger small c360-panel-error">${esc(c.error)}</div>`;
		const cur = c.currency;
		const fig = (label, html) =>
			`<div class="c360-figure"><div class="c360-figure-label">${esc(label)}</div><div class="c360-figure-value">${html}</div></div>`;
		const figures = [
			fig(__("Outstanding"), money(c.outstanding, cur)),
			fig(__("Overdue"), money(c.overdue, cur)),
			fig(__("Unallocated advances"), money(c.unallocated_advances, cur)),
			fig(__("Lifetime value"), money(c.lifetime_value, cur)),
			fig(
				__("Average days to pay"),
				c.average_days_to_pay === null ? "–" : esc(c.average_days_to_pay)
			),
			c.credit_limit
				? fig(
						__("Credit used"),
						`${money(c.credit_used, cur)} / ${money(c.credit_limit, cur)}`
					)
				: "",
			fig(
				__("Open quotations"),
				`${esc(c.open_quotations?.count || 0)} · ${money(c.open_quotations?.amount || 0, cur)}`
			),
			fig(
				__("Orders to deliver"),
				`${esc(c.orders_to_deliver?.count || 0)} · ${money(c.orders_to_deliver?.amount || 0, cur)}`
			),
			fig(
				__("Orders to bill"),
				`${esc(c.orders_to_bill?.count || 0)} · ${money(c.orders_to_bill?.amount || 0, cur)}`
			),
		].join("");
		const ageing = Object.entries(c.ageing || {})
			.map(([k, v]) => fig(AGEING[k] || k, money(v, cur)))
			.join("");
		const doc = (doctype) => (r) => form_link(doctype, r.name);
		const amt = (field) => (r) => money(r[field], r.currency || cur);
		return `${head}
			<div class="c360-figures mb-3">${figures}</div>
			<h6 class="text-muted">${__("Ageing")}</h6><div class="c360-figures mb-3 c360-ageing">${ageing}</div>
			<div class="c360-grid-2">
				<div><h6 class="text-muted">${__("Invoices")}</h6>${table(
					[
						{ label: __("Invoice"), html: doc("Sales Invoice") },
						{ label: __("Date"), html: (r) => date(r.posting_date) },
						{ label: __("Due"), html: (r) => date(r.due_date) },
						{ label: __("Total"), html: amt("grand_total"), cls: "text-right" },
						{
							label: __("Outstanding"),
							html: amt("outstanding_amount"),
							cls: "text-right",
						},
						{ label: __("Status"), html: (r) => esc(__(r.status)) },
					],
					c.invoices || []
				)}</div>
				<div><h6 class="text-muted">${__("Payments")}</h6>${table(
					[
						{ label: __("Payment"), html: doc("Payment Entry") },
						{ label: __("Date"), html: (r) => date(r.posting_date) },
						{ label: __("Mode"), html: (r) => esc(r.mode_of_payment || "") },
						{ label: __("Amount"), html: amt("paid_amount"), cls: "text-right" },
					],
					c.payments || []
				)}</div>
				<div><h6 class="text-muted">${__("Refunds")}</h6>${table(
					[
						{ label: __("Refund"), html: doc("Payment Entry") },
						{ label: __("Date"), html: (r) => date(r.posting_date) },
						{ label: __("Amount"), html: amt("paid_amount"), cls: "text-right" },
					],
					c.refunds || []
				)}</div>
				<div><h6 class="text-muted">${__("Credit notes")}</h6>${table(
					[
						{ label: __("Credit note"), html: doc("Sales Invoice") },
						{ label: __("Date"), html: (r) => date(r.posting_date) },
						{
							label: __("Against"),
							html: (r) =>
								r.return_against
									? form_link("Sales Invoice", r.return_against)
									: "",
						},
						{ label: __("Total"), html: amt("grand_total"), cls: "text-right" },
					],
					c.credit_notes || []
				)}</div>
			</div>
			${
				(c.portal_links || []).length
					? `<h6 class="text-muted mt-2">${__("Portal links for open invoices")}</h6>${c.portal_links
							.map(
								(l) =>
									`<div class="small"><a href="${esc(safe_href(l.url))}" target="_blank" rel="noopener">${esc(l.invoice)}</a></div>`
							)
							.join("")}`
					: ""
			}`;
	}

	Object.assign(customer_360.c360, { load_money });
})();

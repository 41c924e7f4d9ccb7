// Money tab (finance roles only; the API masks it anyway): balance, overdue, ageing, invoices, payments,
// refunds, credit notes, portal links per company, and the monthly sales trend chart.
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const {
		date,
		empty,
		esc,
		form_link,
		get,
		in_panel,
		masked,
		money,
		post,
		safe_href,
		table,
		text_to_html,
	} = customer_360.c360;

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
			<div class="c360-money-companies"></div>
			<h6 class="text-muted mt-3">${__("Ledger")}</h6>
			<div class="c360-ledger"></div>`);
		await Promise.all([
			in_panel($body.find(".c360-ledger"), async ($b) => load_ledger($b, customer)),
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
			// The party account's own currency, beside (never added to) the company's.
			...(c.in_party_currency || []).map((p) =>
				fig(
					__("Outstanding in {0}", [p.currency]),
					`${money(p.outstanding, p.currency)} · ${esc(__("overdue"))} ${money(p.overdue, p.currency)}`
				)
			),
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

	const KINDS = {
		invoice: __("Invoice"),
		credit_note: __("Credit note"),
		payment: __("Payment"),
		refund: __("Refund"),
		journal_receipt: __("Receipt (journal)"),
		journal_refund: __("Refund (journal)"),
		write_off: __("Write-off"),
		journal_entry: __("Journal entry"),
	};

	// The ledger: every GL row of the customer's party account, newest first, paged with the server's cursor
	// (the running balance continues in it), filtered on the server; dues over all open invoices beside it.
	async function load_ledger($b, customer) {
		const first = await get("ledger.get_ledger", { customer });
		if (first.masked || !first.rows) {
			$b.html(masked());
			return;
		}
		if (!first.companies.length) {
			$b.html(empty(__("No ledger entries yet.")));
			return;
		}
		const options = (values, labels) =>
			values.map((v, i) => `<option value="${esc(v)}">${esc(labels[i])}</option>`).join("");
		$b.html(`
			<div class="c360-ledger-filters form-inline small mb-2">
				<select class="form-control input-xs c360-ledger-company mr-1">${options(first.companies, first.companies)}</select>
				<select class="form-control input-xs c360-ledger-status mr-1">${options(
					["", "open", "overdue", "paid"],
					[__("All"), __("Open"), __("Overdue"), __("Paid")]
				)}</select>
				<input type="date" class="form-control input-xs c360-ledger-from mr-1" title="${esc(__("From Date"))}">
				<input type="date" class="form-control input-xs c360-ledger-to mr-1" title="${esc(__("To Date"))}">
				<input type="number" class="form-control input-xs c360-ledger-min mr-1" placeholder="${esc(__("Min amount"))}">
				<input type="number" class="form-control input-xs c360-ledger-max mr-1" placeholder="${esc(__("Max amount"))}">
			</div>
			<div class="c360-ledger-dues mb-2"></div>
			<div class="c360-ledger-rows"></div>
			<button class="btn btn-xs btn-default c360-ledger-more mt-2">${esc(__("Load more"))}</button>
			<button class="btn btn-xs btn-default c360-ledger-statement mt-2 ml-1">${esc(__("Statement"))}</button>`);
		const filters = () => ({
			customer,
			company: $b.find(".c360-ledger-company").val(),
			status: $b.find(".c360-ledger-status").val(),
			from_date: $b.find(".c360-ledger-from").val(),
			to_date: $b.find(".c360-ledger-to").val(),
			min_amount: $b.find(".c360-ledger-min").val(),
			max_amount: $b.find(".c360-ledger-max").val(),
		});
		let rows = [];
		let cursor = null;
		const show = (page, append) => {
			rows = append ? rows.concat(page.rows) : page.rows;
			cursor = page.next_cursor;
			$b.find(".c360-ledger-rows").html(ledger_table(rows, page.running_balance));
			$b.find(".c360-ledger-more").toggle(!!cursor);
		};
		// Dues over every open invoice of the company: their own call (a ledger page stays a cheap keyset read).
		const load_dues = () =>
			get("ledger.get_dues", { customer, company: filters().company }).then((out) =>
				$b.find(".c360-ledger-dues").html(dues(out.dues))
			);
		show(first, false);
		load_dues();
		const reload = () =>
			in_panel($b.find(".c360-ledger-rows"), async () =>
				show(await get("ledger.get_ledger", filters()), false)
			);
		$b.find(".c360-ledger-company").on("change", load_dues);
		$b.find(".c360-ledger-filters").on("change", "select, input", reload);
		$b.find(".c360-ledger-statement").on("click", () => statement_dialog(filters()));
		$b.find(".c360-ledger-more").on("click", () =>
			get("ledger.get_ledger", { ...filters(), cursor }).then((page) => show(page, true))
		);
	}

	// Statement of account for a range: a PDF download, or a draft in the desk's composer with the PDF
	// attached (the user sends it, or not).
	function statement_dialog(f) {
		const d = new frappe.ui.Dialog({
			title: __("Statement of account"),
			fields: [
				{
					fieldname: "from_date",
					fieldtype: "Date",
					label: __("From Date"),
					reqd: 1,
					default:
						f.from_date || frappe.datetime.add_months(frappe.datetime.get_today(), -3),
				},
				{
					fieldname: "to_date",
					fieldtype: "Date",
					label: __("To Date"),
					reqd: 1,
					default: f.to_date || frappe.datetime.get_today(),
				},
			],
			primary_action_label: __("Download PDF"),
			primary_action: (v) => {
				const args = { customer: f.customer, company: f.company, ...v };
				window.open(
					`/api/method/customer_360.api.ledger.download_statement?${new URLSearchParams(args)}`
				);
			},
			secondary_action_label: __("Email draft"),
			secondary_action: async () => {
				const v = d.get_values();
				if (!v) return;
				const draft = await post("ledger.statement_email_draft", {
					customer: f.customer,
					company: f.company,
					...v,
				});
				d.hide();
				const composer = new StatementComposer({
					doc: { doctype: "Customer", name: f.customer },
					subject: draft.subject,
					recipients: draft.recipients,
					message: text_to_html(draft.message),
					attachments: [draft.attachment],
				});
				// The statement is what this draft is for: attached unless the user unticks it.
				composer.dialog.$wrapper
					.find(`input[data-file-name="${CSS.escape(draft.attachment.name)}"]`)
					.prop("checked", true);
			},
		});
		d.show();
	}

	// As the quick actions' composer: no Email Account signature lookup for roles that may not read one.
	class StatementComposer extends frappe.views.CommunicationComposer {
		async get_signature(sender_email) {
			if (frappe.boot.user.email_signature || frappe.model.can_read("Email Account")) {
				return super.get_signature(sender_email);
			}
			return "";
		}
	}

	function dues(d) {
		if (!d) return "";
		return [d, ...(d.in_party_currency || [])].map(due_line).join("");
	}

	function due_line(d) {
		const cur = d.currency;
		return `<div class="small">
			${esc(__("Overdue"))}: ${money(d.overdue_total, cur)} (${esc(d.overdue_count)} · ${esc(
				__("oldest {0} days", [d.oldest_overdue_days])
			)} · ${esc(__("largest"))} ${money(d.largest_overdue, cur)})
			· ${esc(__("Due in {0} days", [d.due_soon_days]))}: ${money(d.due_soon_total, cur)} (${esc(d.due_soon_count)})
		</div>`;
	}

	function ledger_table(rows, with_balance) {
		const amount = (v, r) => (v ? money(v, r.currency) : "");
		return table(
			[
				{ label: __("Date"), html: (r) => date(r.posting_date) },
				{ label: __("Type"), html: (r) => esc(KINDS[r.kind] || __(r.voucher_type)) },
				{ label: __("Document"), html: (r) => form_link(r.voucher_type, r.voucher_no) },
				{
					label: __("Against"),
					html: (r) =>
						r.against_voucher && r.against_voucher !== r.voucher_no
							? form_link(r.against_voucher_type, r.against_voucher)
							: "",
				},
				{ label: __("Due"), html: (r) => date(r.due_date) },
				{ label: __("Status"), html: (r) => (r.status ? esc(__(r.status)) : "") },
				{ label: __("Debit"), html: (r) => amount(r.debit, r), cls: "text-right" },
				{ label: __("Credit"), html: (r) => amount(r.credit, r), cls: "text-right" },
				{
					label: __("Balance"),
					html: (r) => (with_balance ? money(r.balance, r.currency) : "–"),
					cls: "text-right",
				},
			],
			rows
		);
	}

	Object.assign(customer_360.c360, { load_money });
})();

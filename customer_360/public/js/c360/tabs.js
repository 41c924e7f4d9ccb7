// The tabs of the 360 page, in order. load($body, page) renders into the tab's pane and may return an object
// (the timeline returns its EventList so live updates can add events in place). `depends` lists the changes
// after which a loaded tab reloads; `visible(caps)` hides a tab from roles that may not use it.
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const {
		EventList,
		load_overview,
		load_money,
		load_files,
		load_interactions,
		load_notes,
		load_referrals,
		load_risk_health,
		load_people,
		load_group,
		load_related,
		load_account_audit,
		load_ask,
	} = customer_360.c360;

	const QUOTE_DOCTYPES = ["Quotation", "Sales Order"];
	// Service: the server's `service` type (installations, maintenance, warranty claims, serial numbers),
	// support cases, and deliveries (sales events of the Delivery Note).
	const SERVICE_TYPES = ["service", "support"];
	const SERVICE_DOCTYPES = ["Delivery Note"];

	const TABS = [
		{
			key: "overview",
			label: () => __("Overview"),
			load: load_overview,
			depends: ["events", "tasks", "flags", "interactions"],
		},
		// Questions about the customer, answered from what the user may see (customer_360.api.ask).
		{ key: "ask", label: () => __("Ask"), load: load_ask, depends: [] },
		{
			key: "timeline",
			label: () => __("Timeline"),
			load: async ($body, page) => {
				$body.empty();
				const list = new EventList($body, {
					customer: page.customer,
					toolbar: true,
					limit: 30,
				});
				await list.refresh();
				return list;
			},
		},
		{
			key: "money",
			label: () => __("Money"),
			visible: (caps) => caps.see_finance,
			load: load_money,
			depends: ["events"],
		},
		{
			key: "quotes",
			label: () => __("Quotes & Orders"),
			depends: ["events"],
			load: async ($body, page) => {
				$body.empty();
				const list = new EventList($body, {
					customer: page.customer,
					types: ["sales"],
					keep: (ev) => QUOTE_DOCTYPES.includes(ev.source_doctype),
					empty_text: __("No quotations or orders yet"),
				});
				await list.refresh();
				return list;
			},
		},
		{
			key: "service",
			label: () => __("Service"),
			depends: ["events"],
			load: async ($body, page) => {
				$body.empty();
				const list = new EventList($body, {
					customer: page.customer,
					types: [...SERVICE_TYPES, "sales"],
					keep: (ev) =>
						SERVICE_TYPES.includes(ev.event_type) ||
						SERVICE_DOCTYPES.includes(ev.source_doctype),
					empty_text: __("No deliveries or service cases yet"),
				});
				await list.refresh();
				return list;
			},
		},
		{
			key: "people",
			label: () => __("People"),
			load: load_people,
			depends: ["interactions", "events"],
		},
		{ key: "related", label: () => __("Related"), load: load_related, depends: ["events"] },
		{ key: "group", label: () => __("Group"), load: load_group, depends: ["events"] },
		{ key: "notes", label: () => __("Notes"), load: load_notes, depends: ["notes"] },
		{
			key: "interactions",
			label: () => __("Interactions"),
			load: load_interactions,
			depends: ["interactions"],
		},
		{ key: "referrals", label: () => __("Referrals"), load: load_referrals, depends: [] },
		{
			key: "risk",
			label: () => __("Risk & Health"),
			visible: (caps) => caps.see_risk,
			load: load_risk_health,
			depends: ["flags"],
		},
		{ key: "files", label: () => __("Files"), load: load_files, depends: ["events"] },
		{
			key: "audit",
			label: () => __("Audit"),
			load: load_account_audit,
			depends: ["notes", "interactions", "flags", "tasks"],
		},
	];

	Object.assign(customer_360.c360, { TABS });
})();

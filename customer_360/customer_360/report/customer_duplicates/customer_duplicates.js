// {% include "customer_360/customer_360/report/report_text.js" %}
// Customer Duplicates: likely duplicate groups; "Merge Tool" opens the merge page on the chosen group.
frappe.query_reports["Customer Duplicates"] = {
	filters: [
		{
			fieldname: "threshold",
			label: __("Minimum Score"),
			fieldtype: "Int",
			default: 60,
		},
		{
			fieldname: "rescan",
			label: __("Scan Again (skip the 10-minute cache)"),
			fieldtype: "Check",
			default: 0,
		},
	],
	onload(report) {
		report.page.add_inner_button(__("Merge Tool"), () => {
			const rows = report.data || [];
			const selected = report.datatable?.rowmanager?.getCheckedRows?.() || [];
			const first = rows[Number(selected[0])] || rows[0];
			if (first) {
				const group = rows.filter((r) => r.group === first.group);
				const survivor = group.find((r) => r.suggested_survivor) || group[0];
				frappe.route_options = {
					survivor: survivor.customer,
					duplicates: group
						.filter((r) => r.customer !== survivor.customer)
						.map((r) => r.customer)
						.join(","),
				};
			}
			frappe.set_route("customer-360-merge");
		});
	},
	// Stored text is shown as text (report_text.js).
	formatter: customer_360.report_text_formatter,
};

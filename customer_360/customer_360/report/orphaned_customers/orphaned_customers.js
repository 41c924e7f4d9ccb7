// {% include "customer_360/customer_360/report/report_text.js" %}
// Enabled customers without an account owner (nobody receives their alerts).
frappe.query_reports["Orphaned Customers"] = {
	filters: [
		{
			fieldname: "customer_group",
			label: __("Customer Group"),
			fieldtype: "Link",
			options: "Customer Group",
		},
		{
			fieldname: "territory",
			label: __("Territory"),
			fieldtype: "Link",
			options: "Territory",
		},
	],
	// Stored text is shown as text (report_text.js).
	formatter: customer_360.report_text_formatter,
};

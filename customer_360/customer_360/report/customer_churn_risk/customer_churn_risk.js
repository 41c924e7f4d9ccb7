// {% include "customer_360/customer_360/report/report_text.js" %}
// Customers by risk amount: annual revenue times a churn probability read off the health score, its trend,
// open escalations and renewals due.
frappe.query_reports["Customer Churn Risk"] = {
	filters: [
		{
			fieldname: "date",
			label: __("Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{
			fieldname: "weeks",
			label: __("Trend over (Weeks)"),
			fieldtype: "Int",
			default: 8,
		},
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

// {% include "customer_360/customer_360/report/report_text.js" %}
// Customers by risk amount: annual revenue times a churn probability read off the health score, its trend,
// open escalations and renewals due.
frappe.query_reports["Customer Churn Risk"] = {
	filters: customer_360.report_filters(customer_360.report_date_filter(), {
		fieldname: "weeks",
		label: __("Trend over (Weeks)"),
		fieldtype: "Int",
		default: 8,
	}),
	// Stored text is shown as text (report_text.js).
	formatter: customer_360.report_text_formatter,
};

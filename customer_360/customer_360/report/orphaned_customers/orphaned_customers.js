// {% include "customer_360/customer_360/report/report_text.js" %}
// Enabled customers without an account owner (nobody receives their alerts).
frappe.query_reports["Orphaned Customers"] = {
	filters: customer_360.report_filters(),
	// Stored text is shown as text (report_text.js).
	formatter: customer_360.report_text_formatter,
};

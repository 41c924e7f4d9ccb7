// {% include "customer_360/customer_360/report/report_text.js" %}
// Share of customers with an email, a phone, an account owner and an address, by customer group.
frappe.query_reports["Customer Data Completeness"] = {
	filters: customer_360.report_filters(),
	// Stored text is shown as text (report_text.js).
	formatter: customer_360.report_text_formatter,
};

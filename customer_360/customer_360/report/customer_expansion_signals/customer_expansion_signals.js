// {% include "customer_360/customer_360/report/report_text.js" %}
// Items that customers buying the same things usually also buy, which this customer has not.
frappe.query_reports["Customer Expansion Signals"] = {
	filters: customer_360.report_filters(customer_360.report_date_filter()),
	// Stored text is shown as text (report_text.js).
	formatter: customer_360.report_text_formatter,
};

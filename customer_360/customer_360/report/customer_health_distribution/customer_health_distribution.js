// {% include "customer_360/customer_360/report/report_text.js" %}
// Green, yellow and red counts of each customer's latest health score, with a histogram.
frappe.query_reports["Customer Health Distribution"] = {
	filters: customer_360.report_filters(customer_360.report_date_filter()),
	// Stored text is shown as text (report_text.js).
	formatter: customer_360.report_text_formatter,
};

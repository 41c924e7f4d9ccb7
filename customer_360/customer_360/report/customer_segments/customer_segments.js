// {% include "customer_360/customer_360/report/report_text.js" %}
// Customers by segment: VIP tier, industry and health band.
frappe.query_reports["Customer Segments"] = {
	filters: [
		{
			fieldname: "date",
			label: __("Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
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

// {% include "customer_360/customer_360/report/report_text.js" %}
// Customers by segment: VIP tier, industry and health band, or product mix (main item group by revenue).
frappe.query_reports["Customer Segments"] = {
	filters: customer_360.report_filters(
		{
			fieldname: "view",
			label: __("View"),
			fieldtype: "Select",
			// Values are the server's view names; Frappe translates the labels it shows.
			options: "Tier, Industry and Health\nProduct Mix",
			default: "Tier, Industry and Health",
		},
		customer_360.report_date_filter()
	),
	// Stored text is shown as text (report_text.js).
	formatter: customer_360.report_text_formatter,
};

// {% include "customer_360/customer_360/report/report_text.js" %}
// Weekly average health score by customer group or territory.
frappe.query_reports["Customer Health Trend"] = {
	filters: customer_360.report_filters(
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -90),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: "Customer Group\nTerritory",
			default: "Customer Group",
		}
	),
	// Stored text is shown as text (report_text.js).
	formatter: customer_360.report_text_formatter,
};

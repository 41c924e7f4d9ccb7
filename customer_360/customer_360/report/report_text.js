// Shared by the app's report scripts, which pull it in with a commented include line (Frappe expands it when
// it serves a report script, on v15 and v16; the comment keeps the report file valid JavaScript). This first
// line lands behind that comment marker, so it must stay a comment.
frappe.provide("customer_360");

// Frappe's Data formatter returns the value as HTML and the report grid renders it: stored names and reasons
// (customer names, flag reasons, duplicate evidence) are shown as text.
customer_360.report_text_formatter = function (value, row, column, data, default_formatter) {
	if (column.fieldtype === "Data" && typeof value === "string") {
		value = frappe.utils.escape_html(value);
	}
	return default_formatter(value, row, column, data);
};

// The filters the customer reports share, written once (same fieldnames, labels and defaults in every report).
// The "as of" date, today by default.
customer_360.report_date_filter = () => ({
	fieldname: "date",
	label: __("Date"),
	fieldtype: "Date",
	default: frappe.datetime.get_today(),
});

// A report's own filters, then the customer group and territory that narrow every customer report.
customer_360.report_filters = (...own) => [
	...own,
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
];

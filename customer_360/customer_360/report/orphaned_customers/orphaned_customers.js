// Enabled customers without an account owner (nobody receives their alerts).
frappe.query_reports["Orphaned Customers"] = {
	filters: [
		{ fieldname: "customer_group", label: __("Customer Group"), fieldtype: "Link", options: "Customer Group" },
		{ fieldname: "territory", label: __("Territory"), fieldtype: "Link", options: "Territory" },
	],
};

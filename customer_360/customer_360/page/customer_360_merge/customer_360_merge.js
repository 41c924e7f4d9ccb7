// Merge Customers (route customer-360-merge): the tool lives in customer_360.bundle.js (public/js/c360/merge.js);
// this file only wires the page. Options come from frappe.route_options (the 360 page, the Customer form, the
// Customer Duplicates report) or the URL's query: survivor, duplicates (comma-separated), log.
frappe.pages["customer-360-merge"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Merge Customers"),
		single_column: true,
	});
	// One bundle (esbuild, `bench build`), loaded once per desk session (public/js/page_code.js, hooks.page_js).
	customer_360.with_page_code(() => {
		wrapper.merge_tool = new customer_360.c360.MergeTool(page);
	});
};

frappe.pages["customer-360-merge"].on_page_show = function (wrapper) {
	customer_360.leave_doctype_route();
	// Read now: the route's options belong to this navigation, whenever the bundle finishes loading.
	const options = frappe.route_options || {};
	frappe.route_options = null;
	customer_360.with_page_code(() => wrapper.merge_tool.show(options));
};

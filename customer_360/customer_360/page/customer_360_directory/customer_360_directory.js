// Customer directory desk page (customer-360-directory): search, badges, a click opens the 360.
// The code lives in customer_360.bundle.js (public/js/c360/directory.js); `?query=` starts a search.
frappe.pages["customer-360-directory"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Customer Directory"),
		single_column: true,
	});
	// One bundle (esbuild, `bench build`), loaded once per desk session (public/js/page_code.js, hooks.page_js).
	customer_360.with_page_code(() => {
		wrapper.directory = new customer_360.c360.CustomerDirectory(page);
	});
};

frappe.pages["customer-360-directory"].on_page_show = function (wrapper) {
	customer_360.leave_doctype_route();
	const options = frappe.route_options || {};
	frappe.route_options = null;
	customer_360.with_page_code(() => wrapper.directory.show(options));
};

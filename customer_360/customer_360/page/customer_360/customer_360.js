// Customer 360 desk page: route customer-360/<customer>[/<tab>]. The code lives in customer_360.bundle.js
// (public/js/customer_360.bundle.js imports public/js/c360/, one concern a file); this file only wires the page.
frappe.pages["customer-360"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Customer 360"),
		single_column: true,
	});
	// One bundle (esbuild, `bench build`), loaded once per desk session (public/js/page_code.js, hooks.page_js).
	wrapper.c360_ready = customer_360.load_page_code().then(() => {
		wrapper.c360 = new customer_360.c360.Customer360Page(page, wrapper);
	});
};

frappe.pages["customer-360"].on_page_show = function (wrapper) {
	wrapper.c360_ready.then(() => {
		// The router has decoded the route's parts already.
		const [, customer, tab] = frappe.get_route();
		wrapper.c360.show(customer || null, tab || null);
	});
};

frappe.pages["customer-360"].on_page_hide = function (wrapper) {
	if (wrapper.c360) wrapper.c360.stop();
};

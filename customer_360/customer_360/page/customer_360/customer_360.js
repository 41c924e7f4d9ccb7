// Customer 360 desk page: route customer-360/<customer>[/<tab>]. The code lives in customer_360.bundle.js
// (public/js/customer_360.bundle.js imports public/js/c360/, one concern a file); this file only wires the page.
frappe.pages["customer-360"].on_page_load = function (wrapper) {
	// With the code preloaded, the first screen's request goes out before the page is built (it is not asked
	// twice: show() takes it).
	const [, customer, tab] = frappe.get_route();
	if (customer && window.customer_360.c360)
		customer_360.c360.prefetch_first_screen(customer, tab || null);
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Customer 360"),
		single_column: true,
	});
	// One bundle (esbuild, `bench build`), loaded once per desk session and usually preloaded by the Customer
	// list and form (public/js/page_code.js, hooks.page_js): the page then starts its first request at once.
	customer_360.with_page_code(() => {
		wrapper.c360 = new customer_360.c360.Customer360Page(page, wrapper);
	});
};

frappe.pages["customer-360"].on_page_show = function (wrapper) {
	customer_360.leave_doctype_route();
	// The router has decoded the route's parts already. Read now: they belong to this navigation.
	const [, customer, tab] = frappe.get_route();
	customer_360.with_page_code(() => wrapper.c360.show(customer || null, tab || null));
};

frappe.pages["customer-360"].on_page_hide = function (wrapper) {
	if (wrapper.c360) wrapper.c360.stop();
};

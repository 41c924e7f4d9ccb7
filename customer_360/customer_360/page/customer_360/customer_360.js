// Customer 360 desk page: route customer-360/<customer>[/<tab>]. The code lives in
// customer_360/public/js/c360/, one concern a file, loaded in dependency order; this file only wires the page.
const C360_SCRIPTS = [
	"util", "gauge", "timeline", "overview", "money", "relationship", "risk", "actions", "live", "tabs", "page",
].map((name) => `/assets/customer_360/js/c360/${name}.js`);

frappe.pages["customer-360"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Customer 360"),
		single_column: true,
	});
	wrapper.c360_ready = frappe.require(C360_SCRIPTS).then(() => {
		wrapper.c360 = new customer_360.c360.Customer360Page(page, wrapper);
	});
};

frappe.pages["customer-360"].on_page_show = function (wrapper) {
	wrapper.c360_ready.then(() => {
		const [, customer, tab] = frappe.get_route();
		wrapper.c360.show(customer ? decodeURIComponent(customer) : null, tab || null);
	});
};

frappe.pages["customer-360"].on_page_hide = function (wrapper) {
	if (wrapper.c360) wrapper.c360.stop();
};

// Customer directory desk page (customer-360-directory): search, badges, a click opens the 360.
frappe.pages["customer-360-directory"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Customer Directory"),
		single_column: true,
	});
	wrapper.c360_ready = frappe.require(["util", "directory"].map((name) => `/assets/customer_360/js/c360/${name}.js`)).then(() => {
		wrapper.directory = new customer_360.c360.CustomerDirectory(page);
	});
};

frappe.pages["customer-360-directory"].on_page_show = function (wrapper) {
	wrapper.c360_ready.then(() => wrapper.directory.show());
};

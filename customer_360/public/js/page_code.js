// The desk pages' code (customer_360.bundle.js and .css), loaded once per desk session. The Customer list and
// form preload it while the desk is idle, since the 360 is one click away there: the page then starts its first
// request as soon as it opens, not after fetching and evaluating the bundle. Included in the pages' scripts
// (hooks.page_js) and in the Customer list and form scripts (hooks.doctype_list_js, doctype_js).
frappe.provide("customer_360");

if (!customer_360.load_page_code) {
	let loading = null;
	const add = (tag, attrs) =>
		new Promise((done) => {
			const el = Object.assign(document.createElement(tag), attrs);
			el.onload = () => done(true);
			el.onerror = () => done(false);
			document.head.appendChild(el);
		});
	const files = () => [
		frappe.assets.bundled_asset("customer_360.bundle.css", frappe.utils.is_rtl()),
		frappe.assets.bundled_asset("customer_360.bundle.js"),
	];
	// The bundle, loaded now unless it is loaded or loading already. Resolves when its code has run. A failed
	// script tag falls back to frappe.require, the framework's own loader.
	customer_360.load_page_code = () => {
		if (!loading) {
			const [css, js] = files();
			loading = Promise.all([
				add("link", { rel: "stylesheet", type: "text/css", href: css }),
				add("script", { type: "text/javascript", src: js }),
			]).then((loaded) =>
				loaded.every(Boolean) && window.customer_360.c360
					? undefined
					: frappe.require(["customer_360.bundle.js", "customer_360.bundle.css"])
			);
		}
		return loading;
	};
	// Idle time, so that the list or form the user is looking at renders first.
	customer_360.preload_page_code = () => {
		const start = () => customer_360.load_page_code();
		if (window.requestIdleCallback) window.requestIdleCallback(start, { timeout: 3000 });
		else setTimeout(start, 500);
	};
}

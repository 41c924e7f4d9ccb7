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

// Each helper is defined once per desk session, and apart: a desk open since before an update may hold an older
// copy of this file (the list's), without the helpers a newer page script calls.

// Runs `fn` once the code is here: at once when it is already (preloaded), so that a page is made and its first
// request started in the router's own task. A promise's callback would run only after the rest of that task,
// which on v16 rebuilds the workspace sidebar (50-200 ms). Calls keep their order. Returns a promise of `fn`'s
// having run.
if (!customer_360.with_page_code) {
	let pending = null; // the last call waiting for the code, if any
	customer_360.with_page_code = (fn) => {
		if (!pending && window.customer_360.c360) {
			try {
				fn();
			} catch (e) {
				return Promise.reject(e); // reported as before, and the desk's router goes on
			}
			return Promise.resolve();
		}
		// After the calls already waiting, whether they failed or not.
		const run = (pending ? pending.catch(() => {}) : customer_360.load_page_code()).then(fn);
		pending = run;
		const settled = () => pending === run && (pending = null);
		run.then(settled, settled);
		return run;
	};
}

// Called as a page shows. Frappe v16's router keeps the last DocType view's meta on a page's route, and its
// sidebar then rebuilds that DocType's module sidebar, the one already shown, before anything else runs
// (50-200 ms). A page route has no DocType; the next DocType route sets the meta again. v15 never reads it.
if (!customer_360.leave_doctype_route) {
	customer_360.leave_doctype_route = () => {
		if (frappe.router && frappe.router.meta) frappe.router.meta = null;
	};
}

// Shared helpers for the Customer 360 page, the directory and the merge tool.
// Reads go through `get`, which never opens a dialog: a failing panel shows its own error (per-panel isolation).
// Writes go through `post`, which shows a failure in a dialog as plain text (see `show_error`).
// Part of customer_360.bundle.js (built by `bench build`); shares code through the customer_360.c360 namespace.
//
// Rendering rule for every file of the bundle: a value from the server or the URL (names, notes, subjects,
// reasons, messages, model output) reaches the DOM only as text: through esc() inside an HTML template, jQuery
// .text()/.attr(), or html_to_text() when it is HTML to be read. Never through .html(value), innerHTML or
// $(value) — even a detached element built that way loads its <img> and fires its onerror.
frappe.provide("customer_360.c360");

(function () {
	const API = "customer_360.api.";

	const esc = (value) =>
		frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));

	// The text of an HTML string (a server message, a note, a ToDo description) with its line breaks, without
	// rendering it: a DOMParser document runs no script and loads no image.
	function html_to_text(html) {
		if (html === null || html === undefined || html === "") return "";
		const doc = new DOMParser().parseFromString(String(html), "text/html");
		doc.querySelectorAll("script, style, template").forEach((el) => el.remove());
		doc.querySelectorAll("br").forEach((el) => el.replaceWith("\n"));
		doc.querySelectorAll("p, div, li, tr, h1, h2, h3, h4, h5, h6").forEach((el) =>
			el.append("\n")
		);
		return doc.body.textContent.replace(/\n{3,}/g, "\n\n").trim();
	}

	// Plain text (a draft, a briefing) as HTML for an editor or a dialog: escaped, line breaks kept.
	function text_to_html(text) {
		return esc(text).replace(/\n/g, "<br>");
	}

	// A desk URL (/app/... on Frappe v15, /desk/... on v16): Frappe's router builds it, each part encoded.
	function desk_url(...parts) {
		return frappe.router.make_url(parts.map((p) => String(p)));
	}

	// A link target from stored data (a file URL): same-site paths and http(s) only, never javascript: or data:.
	function safe_href(url) {
		const value = String(url || "");
		return /^(\/(?![\/\\])|https?:\/\/)/i.test(value) ? value : "";
	}

	// Frappe renders page and dialog titles as HTML (page.set_title strips tags, which drops such a name
	// entirely): give it the escaped text, and the plain text to the browser tab and the tooltip.
	function set_page_title(page, text) {
		page.set_title(esc(text), null, false, String(text || ""));
		page.$title_area?.find(".title-text").attr("title", String(text || ""));
	}

	// The server's vocabularies (customer_360/boot.py puts them in frappe.boot.customer_360): each list holds
	// {value, label} in the server's order, the label in English, translated here. The page keeps no copy.
	function vocabulary(name) {
		return ((frappe.boot && frappe.boot.customer_360) || {})[name] || [];
	}

	// The translated label of a value of a vocabulary (the value itself when the server does not know it).
	function label_of(name, value) {
		const item = vocabulary(name).find((i) => i.value === value);
		return item ? __(item.label) : String(value === null || value === undefined ? "" : value);
	}

	// A vocabulary as Select options: [{value, label}] with the labels translated.
	function options_of(name, items = vocabulary(name)) {
		return items.map((i) => ({ value: i.value, label: __(i.label) }));
	}

	const type_label = (type) => label_of("event_types", type);
	const scope_label = (scope) => label_of("note_scopes", scope);

	class ApiError extends Error {}

	// The server's message(s) of a failed call, as plain text (they may carry HTML such as frappe.bold around
	// a value the user typed).
	function server_message(body) {
		try {
			const messages = JSON.parse(body._server_messages || "[]").map((m) => {
				try {
					const parsed = JSON.parse(m);
					return parsed && typeof parsed === "object" ? parsed.message : parsed;
				} catch (e) {
					return m;
				}
			});
			const text = messages.map(html_to_text).filter(Boolean).join(" ");
			if (text) return text;
		} catch (e) {
			// fall through
		}
		return body.exception
			? html_to_text(String(body.exception).split(":").slice(1).join(":").trim())
			: null;
	}

	async function call(http_method, method, args) {
		const params = new URLSearchParams();
		for (const [key, value] of Object.entries(args || {})) {
			if (value === null || value === undefined) continue;
			if (http_method === "GET" && value === "") continue;
			params.set(key, typeof value === "object" ? JSON.stringify(value) : String(value));
		}
		const headers = { Accept: "application/json", "X-Frappe-CSRF-Token": frappe.csrf_token };
		const init = { method: http_method, headers, credentials: "same-origin" };
		let url = `/api/method/${API}${method}`;
		if (http_method === "GET") url += `?${params}`;
		else init.body = params; // sent as application/x-www-form-urlencoded, like frappe.call
		const res = await fetch(url, init);
		const body = await res.json().catch(() => ({}));
		if (!res.ok) {
			throw new ApiError(server_message(body) || __("Request failed ({0})", [res.status]));
		}
		return body.message;
	}

	// Reads started ahead of the code that needs them (the page starts its first screen's reads together with
	// the profile instead of after it): `get` with the same method and arguments takes one, once, for a while.
	const started = new Map();
	const PREFETCH_MS = 15000;
	// Arguments as `call` sends them: null, undefined and (GET) empty values are not sent, so they are not part
	// of what makes two reads the same.
	const request_key = (method, args) =>
		`${method} ${JSON.stringify(
			Object.entries(args || {})
				.filter(([, v]) => v !== null && v !== undefined && v !== "")
				.sort(([a], [b]) => (a < b ? -1 : 1))
		)}`;

	// Reads about one customer started together, in ONE request (customer_360.api.batch.get_many): each read
	// keeps its own answer or its own error, so one failing panel leaves the others alone.
	// A read already started and still fresh (a click that prefetched before the page opened) is not asked again.
	function prefetch(customer, reads) {
		const fresh = (key) => started.has(key) && Date.now() - started.get(key).at < PREFETCH_MS;
		reads = reads.filter(([method, args]) => !fresh(request_key(method, args)));
		if (!reads.length) return;
		const args_of = (args) =>
			Object.fromEntries(
				Object.entries(args || {}).filter(
					([, v]) => v !== null && v !== undefined && v !== ""
				)
			);
		const answers = call("GET", "batch.get_many", {
			customer,
			reads: reads.map(([method, args]) => [method, args_of(args)]),
		});
		const at = Date.now();
		reads.forEach(([method, args], i) => {
			const promise = answers.then((all) => {
				const a = (all || [])[i] || {};
				if ("message" in a) return a.message;
				throw new ApiError(
					html_to_text(a.error || "") || __("Request failed ({0})", [a.status || 500])
				);
			});
			promise.catch(() => {}); // reported to whoever takes it
			started.set(request_key(method, args), { promise, at });
		});
	}

	// GET a whitelisted read method; resolves with `message`, rejects with an ApiError carrying the server's text.
	function get(method, args = {}) {
		const key = request_key(method, args);
		const hit = started.get(key);
		started.delete(key);
		if (hit && Date.now() - hit.at < PREFETCH_MS) return hit.promise;
		return call("GET", method, args);
	}

	// POST a whitelisted write method. A failure is shown in a dialog as text (not through frappe.xcall, whose
	// dialog renders the server's message as HTML) and rejects, so a form dialog stays open.
	async function post(method, args = {}) {
		try {
			return await call("POST", method, args);
		} catch (e) {
			show_error(e);
			throw e;
		}
	}

	function show_error(e) {
		frappe.msgprint({
			title: __("Error"),
			indicator: "red",
			message: esc((e && e.message) || __("Something went wrong")),
		});
	}

	// Runs `loader($body)` inside a panel; any failure is shown in that panel only.
	async function in_panel($body, loader) {
		$body.html(`<div class="text-muted small c360-loading">${__("Loading…")}</div>`);
		try {
			await loader($body);
			return true;
		} catch (e) {
			console.error(e);
			$body.html(
				`<div class="c360-panel-error text-danger small">${esc(__("This section could not be loaded."))}
					<span class="text-muted">${esc(e && e.message ? e.message : "")}</span>
					<button class="btn btn-xs btn-default ml-2 c360-retry">${__("Retry")}</button></div>`
			);
			$body.find(".c360-retry").on("click", () => in_panel($body, loader));
			return false;
		}
	}

	function when(datetime) {
		if (!datetime) return "";
		return `<span class="c360-when" title="${esc(frappe.datetime.str_to_user(datetime))}">${esc(frappe.datetime.prettyDate(datetime))}</span>`;
	}

	function date(value) {
		return value ? esc(frappe.datetime.str_to_user(value)) : "";
	}

	function money(value, currency) {
		if (value === null || value === undefined) return masked();
		return `<span class="c360-amount">${esc(format_currency(value, currency))}</span>`;
	}

	function masked() {
		return `<span class="text-muted c360-masked" title="${esc(__("Hidden for your role"))}">•••</span>`;
	}

	function form_link(doctype, name, label) {
		return `<a href="${esc(frappe.utils.get_form_link(doctype, name))}">${esc(label || name)}</a>`;
	}

	function empty(text) {
		return `<div class="text-muted small c360-empty py-2">${esc(text)}</div>`;
	}

	function pill(label, color = "gray", cls = "") {
		return `<span class="indicator-pill ${esc(color)} small ${esc(cls)}">${esc(label)}</span>`;
	}

	function table(columns, rows) {
		if (!rows.length) return empty(__("Nothing here yet."));
		const head = columns
			.map((c) => `<th class="${c.cls || ""}">${esc(c.label)}</th>`)
			.join("");
		const body = rows
			.map(
				(r) =>
					`<tr>${columns.map((c) => `<td class="${c.cls || ""}">${c.html(r)}</td>`).join("")}</tr>`
			)
			.join("");
		return `<div class="table-responsive"><table class="table table-sm c360-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
	}

	Object.assign(customer_360.c360, {
		API,
		prefetch,
		esc,
		html_to_text,
		text_to_html,
		desk_url,
		safe_href,
		set_page_title,
		vocabulary,
		label_of,
		options_of,
		type_label,
		scope_label,
		ApiError,
		get,
		post,
		show_error,
		in_panel,
		when,
		date,
		money,
		masked,
		form_link,
		empty,
		pill,
		table,
	});
})();

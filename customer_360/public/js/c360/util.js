// Shared helpers for the Customer 360 page and directory.
// Reads go through `get`, which never opens a dialog: a failing panel shows its own error (per-panel isolation).
// Writes (quick actions) use frappe.xcall, so validation messages appear the standard desk way.
// Loaded with frappe.require (no build step); shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const API = "customer_360.api.";

	const esc = (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));

	const TYPE_LABELS = {
		money: __("Money"),
		sales: __("Sales"),
		support: __("Support"),
		message: __("Messages"),
		note: __("Notes"),
		interaction: __("Interactions"),
		task: __("Tasks"),
		file: __("Files"),
		system: __("System"),
	};

	const NOTE_SCOPE_LABELS = {
		internal: __("Internal"),
		sales: __("Sales"),
		branch: __("Branch"),
		support: __("Support"),
		finance: __("Finance"),
		fulfillment: __("Fulfillment"),
		restricted: __("Restricted"),
		customer: __("Customer (portal)"),
	};

	class ApiError extends Error {}

	function server_message(body) {
		try {
			const messages = JSON.parse(body._server_messages || "[]").map((m) => JSON.parse(m).message || m);
			if (messages.length) return messages.map((m) => $("<div>").html(m).text()).join(" ");
		} catch (e) {
			// fall through
		}
		return body.exception ? String(body.exception).split(":").slice(1).join(":").trim() : null;
	}

	// GET a whitelisted read method; resolves with `message`, rejects with an ApiError carrying the server's text.
	async function get(method, args = {}) {
		const params = new URLSearchParams();
		for (const [key, value] of Object.entries(args)) {
			if (value === null || value === undefined || value === "") continue;
			params.set(key, typeof value === "object" ? JSON.stringify(value) : String(value));
		}
		const res = await fetch(`/api/method/${API}${method}?${params}`, {
			headers: { Accept: "application/json", "X-Frappe-CSRF-Token": frappe.csrf_token },
			credentials: "same-origin",
		});
		const body = await res.json().catch(() => ({}));
		if (!res.ok) throw new ApiError(server_message(body) || __("Request failed ({0})", [res.status]));
		return body.message;
	}

	function post(method, args = {}) {
		return frappe.xcall(API + method, args);
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
		return `<span class="c360-amount">${format_currency(value, currency)}</span>`;
	}

	function masked() {
		return `<span class="text-muted c360-masked" title="${esc(__("Hidden for your role"))}">•••</span>`;
	}

	function form_link(doctype, name, label) {
		return `<a href="${frappe.utils.get_form_link(doctype, name)}">${esc(label || name)}</a>`;
	}

	function empty(text) {
		return `<div class="text-muted small c360-empty py-2">${esc(text)}</div>`;
	}

	function pill(label, color = "gray", cls = "") {
		return `<span class="indicator-pill ${esc(color)} small ${cls}">${esc(label)}</span>`;
	}

	function table(columns, rows) {
		if (!rows.length) return empty(__("Nothing here yet."));
		const head = columns.map((c) => `<th class="${c.cls || ""}">${esc(c.label)}</th>`).join("");
		const body = rows
			.map((r) => `<tr>${columns.map((c) => `<td class="${c.cls || ""}">${c.html(r)}</td>`).join("")}</tr>`)
			.join("");
		return `<div class="table-responsive"><table class="table table-sm c360-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
	}

	let styled = false;
	function add_styles() {
		if (styled) return;
		styled = true;
		$("<style id='c360-styles'>").text(`
			.c360-header { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; }
			.c360-header-main { flex: 1 1 320px; min-width: 0; }
			.c360-badges .indicator-pill { margin-right: 4px; }
			.c360-gauge { width: 96px; text-align: center; }
			.c360-gauge svg { width: 96px; height: 56px; }
			.c360-tabs { overflow-x: auto; flex-wrap: nowrap; white-space: nowrap; scrollbar-width: thin; }
			.c360-tabs .nav-link { padding: 6px 12px; }
			.c360-quick-actions { display: flex; flex-wrap: wrap; gap: 6px; }
			.c360-figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 10px; }
			.c360-figure { border: 1px solid var(--border-color); border-radius: var(--border-radius); padding: 8px 10px; }
			.c360-figure .c360-figure-label { color: var(--text-muted); font-size: var(--text-sm); }
			.c360-figure .c360-figure-value { font-size: var(--text-lg); font-weight: 600; }
			.c360-event-detail { display: none; background: var(--subtle-fg); border-radius: var(--border-radius); }
			.c360-event.expanded .c360-event-detail { display: block; }
			.c360-event .c360-toggle { cursor: pointer; }
			.c360-event.c360-new { animation: c360-flash 2s ease-out; }
			@keyframes c360-flash { from { background: var(--yellow-highlight-color, #fff7d6); } to { background: transparent; } }
			.c360-grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px; }
			.c360-note.pinned { border-left: 3px solid var(--primary); padding-left: 8px; }
			.c360-dir-row { cursor: pointer; }
			@media (max-width: 640px) {
				.c360-timeline-toolbar .c360-search, .c360-timeline-toolbar .c360-dates { max-width: none !important; width: 100%; }
				.c360-event .c360-event-side { min-width: 80px !important; }
				.c360-gauge { width: 72px; }
			}
		`).appendTo(document.head);
	}

	Object.assign(customer_360.c360, { API, esc, TYPE_LABELS, NOTE_SCOPE_LABELS, ApiError, get, post, in_panel, when, date, money, masked, form_link, empty, pill, table, add_styles });
})();

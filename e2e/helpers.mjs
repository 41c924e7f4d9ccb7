import assert from "node:assert/strict";

// ---------------------------------------------------------------- the desk's URLs
// Frappe v15's desk lives under /app, v16's under /desk (where /app redirects). run.mjs asks the site once
// (detectDesk) before any test; tests build every desk URL with deskUrl() and match with deskPattern().
let desk = null;

export async function detectDesk(baseURL) {
	const res = await fetch(new URL("/app", baseURL), { redirect: "manual" });
	const location = res.headers.get("location") || "";
	desk =
		res.status >= 300 &&
		res.status < 400 &&
		/^(https?:\/\/[^/]+)?\/desk(\/|$|\?)/.test(location)
			? "/desk"
			: "/app";
	return desk;
}

// deskUrl("customer-360", name, "timeline") -> "/app/customer-360/<name encoded>/timeline" (or /desk/...).
export function deskUrl(...parts) {
	assert.ok(desk, "detectDesk() has not run");
	return [desk, ...parts.map((p) => encodeURIComponent(String(p)))].join("/");
}

// A RegExp for a desk path that starts with `path` (URL-encoded where needed), e.g. deskPattern("/sales-order/").
export function deskPattern(path = "") {
	assert.ok(desk, "detectDesk() has not run");
	const escaped = `${desk}${path}`.replace(/[.*+?^$()|[\]{}\\]/g, "\\$&");
	return new RegExp(escaped);
}

// A browser context logged in as `user` (cookies shared by page and API requests).
export async function login(
	ctx,
	user = "Administrator",
	password = ctx.adminPassword,
	viewport = { width: 1280, height: 900 }
) {
	const context = await ctx.browser.newContext({ baseURL: ctx.baseURL, viewport });
	const res = await context.request.post("/api/method/login", {
		data: { usr: user, pwd: password },
	});
	assert.equal(res.status(), 200, `login as ${user} failed: ${await res.text()}`);
	return context;
}

export async function api(context, method, path, data) {
	const send = () =>
		context.request.fetch(path, {
			method,
			data,
			headers: { "X-Frappe-CSRF-Token": "none", Accept: "application/json" },
		});
	let res;
	for (let attempt = 1; !res; attempt++) {
		try {
			res = await send();
		} catch (e) {
			// A development server restarting (code reload) drops the connection: wait for it, then retry.
			if (attempt >= 5 || !/ECONNRESET|ECONNREFUSED|socket hang up/.test(String(e))) throw e;
			await new Promise((r) => setTimeout(r, 3000));
		}
	}
	const body = await res.json().catch(() => ({}));
	assert.ok(
		res.ok(),
		`${method} ${path} -> ${res.status()} ${JSON.stringify(body).slice(0, 300)}`
	);
	return body;
}

export async function makeCustomer(context, prefix = "E2E Customer") {
	const name = `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
	const body = await api(context, "POST", "/api/resource/Customer", {
		customer_name: name,
		customer_type: "Company",
	});
	return body.data.name;
}

export async function makeUser(adminContext, roles) {
	const email = `e2e-${Math.random().toString(36).slice(2, 10)}@example.com`;
	const password = `E2e-Pass-${Math.random().toString(36).slice(2, 10)}!`;
	await api(adminContext, "POST", "/api/resource/User", {
		email,
		first_name: email.split("@")[0],
		send_welcome_email: 0,
		new_password: password,
		roles: roles.map((role) => ({ role })),
	});
	return { email, password };
}

export async function firstName(context, doctype, filters = {}) {
	const q = encodeURIComponent(JSON.stringify(filters));
	const body = await api(
		context,
		"GET",
		`/api/resource/${encodeURIComponent(doctype)}?filters=${q}&limit_page_length=1`
	);
	return body.data[0]?.name;
}

// Today in the site's time zone (between midnight UTC and the site's midnight the UTC date is tomorrow there).
export async function siteToday(admin) {
	const tz =
		(await api(admin, "GET", "/api/resource/System Settings/System Settings")).data
			.time_zone || "UTC";
	return new Intl.DateTimeFormat("en-CA", {
		timeZone: tz,
		year: "numeric",
		month: "2-digit",
		day: "2-digit",
	}).format(new Date());
}

// A non-stock item for the documents the browser tests make.
export async function serviceItem(admin) {
	const item = await firstName(admin, "Item", { item_code: "E2E-SERVICE" });
	if (item) return item;
	const group = await firstName(admin, "Item Group", { is_group: 0 });
	return (
		await api(admin, "POST", "/api/resource/Item", {
			item_code: "E2E-SERVICE",
			item_name: "E2E Service",
			item_group: group,
			stock_uom: "Nos",
			is_stock_item: 0,
		})
	).data.name;
}

// A submitted Sales Order of `rate` for a new customer (the item and company are created/found as needed).
export async function seedOrder(admin, rate, prefix = "E2E Order") {
	const customer = await makeCustomer(admin, prefix);
	const company = await firstName(admin, "Company");
	const item = await serviceItem(admin);
	const today = await siteToday(admin);
	await api(admin, "POST", "/api/resource/Sales Order", {
		customer,
		company,
		transaction_date: today,
		delivery_date: today,
		docstatus: 1,
		items: [{ item_code: item, qty: 1, rate, delivery_date: today }],
	});
	return customer;
}

// Opens customer-360/<customer>/<tab> and waits until the tab has loaded (its pane says data-state=ready).
// Indexing runs in a background job after commit, so the page is reloaded until ready(page) holds.
// Make one of the 360's reads (e.g. "interactions.get_tasks") fail: its own request answers `response` (a
// route.fulfill argument), and its part of the first screen's one request (api/batch.get_many) answers `error`,
// as the server's batch answers a read that failed.
export async function failRead(page, method, response, error) {
	await page.route(`**/api/method/customer_360.api.${method}**`, (route) =>
		route.fulfill(response)
	);
	await page.route("**/api/method/customer_360.api.batch.get_many**", async (route) => {
		const answer = await route.fetch();
		const body = await answer.json();
		const reads = JSON.parse(new URL(route.request().url()).searchParams.get("reads"));
		reads.forEach(([read], i) => {
			if (read === method) body.message[i] = error;
		});
		await route.fulfill({ response: answer, json: body });
	});
}

export async function open360(page, customer, tab = "timeline", ready = null, tries = 5) {
	for (let i = 0; i < tries; i++) {
		await page.goto(deskUrl("customer-360", customer, tab));
		// A dev server restarting under us (file sync) drops a load now and then: reload rather than fail.
		const loaded = await page
			.locator(`.c360-pane.c360-tab-${tab}[data-state=ready]`)
			.waitFor({ timeout: 30000 })
			.then(
				() => true,
				() => false
			);
		if (loaded && (!ready || (await ready(page)))) return;
		await page.waitForTimeout(1000);
	}
	throw new Error(`customer-360/${customer}/${tab} never became ready`);
}

// Every response of the 360 APIs the page receives, as text.
export function recordApiResponses(page) {
	const bodies = [];
	page.on("response", async (res) => {
		if (res.url().includes("/api/method/customer_360."))
			bodies.push({ url: res.url(), body: await res.text().catch(() => "") });
	});
	return bodies;
}

// ---------------------------------------------------------------- waiting for the state a test asserts
// The app indexes, scores and alerts in RQ jobs after each commit (an alert adds a ToDo, which adds a task
// event): a count is only worth comparing once nothing is queued or running. As Administrator.
// RQ Job is a virtual doctype (read from Redis, this site's jobs only). Its list wants filters with the doctype
// ([doctype, field, op, value]) and an order_by (v15 fails without them) and no page length (v16 adds the string
// to a number): the first 20 busy jobs say enough.
export async function busyJobs(admin) {
	const q = new URLSearchParams({
		filters: JSON.stringify([["RQ Job", "status", "in", ["queued", "started"]]]),
		order_by: "modified desc",
	});
	return (await api(admin, "GET", `/api/resource/RQ Job?${q}`)).data;
}

export async function timelineCounts(context, customer, args = {}) {
	const q = new URLSearchParams({ customer, limit: 1, ...args });
	return (await api(context, "GET", `/api/method/customer_360.api.timeline.get_timeline?${q}`))
		.message.counts;
}

// Waits until the site's queues are idle and `customer`'s timeline counts stay the same across two looks a
// moment apart (with idle queues before and after each), then returns those counts. Fails with the jobs still
// busy, or the counts still moving, after `timeout` ms.
export async function settledCounts(admin, customer, { timeout = 180000, gap = 1500 } = {}) {
	const until = Date.now() + timeout;
	let jobs = [],
		previous = null,
		counts = null;
	while (Date.now() < until) {
		jobs = await busyJobs(admin);
		if (jobs.length) {
			previous = null;
		} else {
			counts = customer ? await timelineCounts(admin, customer) : {};
			const settled =
				previous !== null && JSON.stringify(previous) === JSON.stringify(counts);
			if (settled && !(await busyJobs(admin)).length) return counts;
			previous = counts;
		}
		await new Promise((r) => setTimeout(r, gap));
	}
	const busy = jobs.map((j) => `${j.job_name || j.name} (${j.status}, ${j.queue})`).join(", ");
	throw new Error(
		`no quiet moment in ${timeout} ms: ${busy ? `jobs still busy: ${busy}` : `counts still moving: ${JSON.stringify(counts)}`}`
	);
}

// The 360 page's tabs, in order, for a user who may see all of them.
export const ALL_TABS = [
	"overview",
	"ask",
	"timeline",
	"money",
	"quotes",
	"service",
	"people",
	"related",
	"group",
	"notes",
	"interactions",
	"referrals",
	"risk",
	"files",
	"audit",
];

// ---------------------------------------------------------------- hostile input
// A context logged in as `user` whose every page reports a write to window.__x and any native dialog into `fired`.
export async function guarded(ctx, user = "Administrator", password = ctx.adminPassword) {
	const context = await login(ctx, user, password);
	const fired = [];
	await context.exposeFunction("__c360_injected", (value, where) =>
		fired.push(`window.__x=${value} on ${where}`)
	);
	await context.addInitScript(() => {
		let value;
		Object.defineProperty(window, "__x", {
			configurable: true,
			get: () => value,
			set: (v) => {
				value = v;
				window.__c360_injected(String(v), location.pathname + location.search);
			},
		});
	});
	const page = await context.newPage();
	page.on("dialog", (d) => {
		fired.push(`a native ${d.type()} dialog: ${d.message()}`);
		d.dismiss().catch(() => {});
	});
	page.on("pageerror", (e) => console.log(`  [page error] ${e.message}`));
	// Lets broken images fail (their onerror is what would run), then asserts nothing ran.
	const clean = async (where) => {
		await page.waitForTimeout(700);
		const x = await page.evaluate(() => window.__x).catch(() => undefined);
		assert.deepEqual(fired, [], `injected script ran ${where}`);
		assert.equal(x, undefined, `window.__x is set ${where}`);
	};
	// Waits for `locator`; when it never shows, an injected script that ran meanwhile is the failure reported.
	const until = async (locator, where, timeout = 30000) => {
		try {
			await locator.waitFor({ timeout });
		} catch (e) {
			await clean(where);
			throw e;
		}
	};
	return { context, page, clean, until };
}

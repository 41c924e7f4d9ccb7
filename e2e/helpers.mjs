import assert from "node:assert/strict";

// A browser context logged in as `user` (cookies shared by page and API requests).
export async function login(ctx, user = "Administrator", password = ctx.adminPassword, viewport = { width: 1280, height: 900 }) {
	const context = await ctx.browser.newContext({ baseURL: ctx.baseURL, viewport });
	const res = await context.request.post("/api/method/login", { data: { usr: user, pwd: password } });
	assert.equal(res.status(), 200, `login as ${user} failed: ${await res.text()}`);
	return context;
}

export async function api(context, method, path, data) {
	const send = () =>
		context.request.fetch(path, { method, data, headers: { "X-Frappe-CSRF-Token": "none", Accept: "application/json" } });
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
	assert.ok(res.ok(), `${method} ${path} -> ${res.status()} ${JSON.stringify(body).slice(0, 300)}`);
	return body;
}

export async function makeCustomer(context, prefix = "E2E Customer") {
	const name = `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
	const body = await api(context, "POST", "/api/resource/Customer", { customer_name: name, customer_type: "Company" });
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
	const body = await api(context, "GET", `/api/resource/${encodeURIComponent(doctype)}?filters=${q}&limit_page_length=1`);
	return body.data[0]?.name;
}

// Today in the site's time zone (between midnight UTC and the site's midnight the UTC date is tomorrow there).
export async function siteToday(admin) {
	const tz = (await api(admin, "GET", "/api/resource/System Settings/System Settings")).data.time_zone || "UTC";
	return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

// A non-stock item for the documents the browser tests make.
export async function serviceItem(admin) {
	const item = await firstName(admin, "Item", { item_code: "E2E-SERVICE" });
	if (item) return item;
	const group = await firstName(admin, "Item Group", { is_group: 0 });
	return (await api(admin, "POST", "/api/resource/Item", {
		item_code: "E2E-SERVICE", item_name: "E2E Service", item_group: group, stock_uom: "Nos", is_stock_item: 0,
	})).data.name;
}

// A submitted Sales Order of `rate` for a new customer (the item and company are created/found as needed).
export async function seedOrder(admin, rate, prefix = "E2E Order") {
	const customer = await makeCustomer(admin, prefix);
	const company = await firstName(admin, "Company");
	const item = await serviceItem(admin);
	const today = await siteToday(admin);
	await api(admin, "POST", "/api/resource/Sales Order", {
		customer, company, transaction_date: today, delivery_date: today, docstatus: 1,
		items: [{ item_code: item, qty: 1, rate, delivery_date: today }],
	});
	return customer;
}

// Opens customer-360/<customer>/<tab> and waits until the tab has loaded (its pane says data-state=ready).
// Indexing runs in a background job after commit, so the page is reloaded until ready(page) holds.
export async function open360(page, customer, tab = "timeline", ready = null, tries = 5) {
	for (let i = 0; i < tries; i++) {
		await page.goto(`/app/customer-360/${encodeURIComponent(customer)}/${tab}`);
		// A dev server restarting under us (file sync) drops a load now and then: reload rather than fail.
		const loaded = await page.locator(`.c360-pane.c360-tab-${tab}[data-state=ready]`).waitFor({ timeout: 30000 }).then(() => true, () => false);
		if (loaded && (!ready || (await ready(page)))) return;
		await page.waitForTimeout(1000);
	}
	throw new Error(`customer-360/${customer}/${tab} never became ready`);
}

// Every response of the 360 APIs the page receives, as text.
export function recordApiResponses(page) {
	const bodies = [];
	page.on("response", async (res) => {
		if (res.url().includes("/api/method/customer_360.")) bodies.push({ url: res.url(), body: await res.text().catch(() => "") });
	});
	return bodies;
}

import assert from "node:assert/strict";

// A browser context logged in as `user` (cookies shared by page and API requests).
export async function login(ctx, user = "Administrator", password = ctx.adminPassword) {
	const context = await ctx.browser.newContext({ baseURL: ctx.baseURL, viewport: { width: 1280, height: 900 } });
	const res = await context.request.post("/api/method/login", { data: { usr: user, pwd: password } });
	assert.equal(res.status(), 200, `login as ${user} failed: ${await res.text()}`);
	return context;
}

export async function api(context, method, path, data) {
	const res = await context.request.fetch(path, {
		method,
		data,
		headers: { "X-Frappe-CSRF-Token": "none", Accept: "application/json" },
	});
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

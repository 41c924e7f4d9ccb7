// Issue 18: /customer-360/<customer>, the 360's first screen without the desk (customer_360.api.web_view). It is
// complete when its HTML arrives (no request after it), it leads into the desk page, it masks what the reader may
// not see, and hostile text from a customer or a document stays text.
import assert from "node:assert/strict";
import {
	api,
	deskPattern,
	guarded,
	login,
	makeCustomer,
	makeUser,
	seedOrder,
} from "./helpers.mjs";

const HOSTILE = "<img src=x onerror=window.__x=1>";
const ENCODED = "&lt;img src=x onerror=window.__x=3&gt;";
const webUrl = (customer) => `/customer-360/${encodeURIComponent(customer)}`;

// Opens the web view, reloading until its timeline shows `text` (indexing runs in a job after the commit).
async function openUntil(page, customer, text, tries = 20) {
	for (let i = 0; i < tries; i++) {
		const res = await page.goto(webUrl(customer));
		assert.equal(res.status(), 200, `GET ${webUrl(customer)} -> ${res.status()}`);
		const rows = await page.locator(".c360-web-timeline").textContent();
		if (rows.includes(text)) return;
		await page.waitForTimeout(1500);
	}
	assert.fail(`the web view's timeline never showed ${text}`);
}

async function orderOf(admin, customer) {
	const q = encodeURIComponent(JSON.stringify({ customer }));
	return (await api(admin, "GET", `/api/resource/Sales Order?filters=${q}`)).data[0].name;
}

export const tests = {
	async "the web view is the first screen in one response, and leads into the desk page"(ctx) {
		const admin = await login(ctx);
		try {
			const customer = await seedOrder(admin, 4321.5, "E2E Web");
			const order = await orderOf(admin, customer);
			const page = await admin.newPage();
			await openUntil(page, customer, order);
			const requests = [];
			page.on(
				"request",
				(r) => ["xhr", "fetch"].includes(r.resourceType()) && requests.push(r.url())
			);
			const res = await page.reload({ waitUntil: "load" });
			// The reader's own answer (masked for them): kept by no cache, nor by the back button after a logout.
			// (Ours, "no-store, private", on v15; v16's development server sends its own no-store instead.)
			assert.match(res.headers()["cache-control"] || "", /\bno-store\b/);
			await page.locator(".c360-web[data-state=ready]").waitFor({ timeout: 5000 });
			assert.equal((await page.locator(".c360-web-title").textContent()).trim(), customer);
			assert.equal(
				await page.locator("script[src]").count(),
				0,
				"the web view loads a script"
			);
			const event = page.locator(".c360-web-event", { hasText: order });
			assert.match(await event.textContent(), /4,321\.50/);
			await page.waitForLoadState("networkidle");
			// Frappe's website script fetches its icon sprites; nothing of the 360 is asked for after the HTML.
			assert.deepEqual(
				requests.filter((u) => u.includes("/api/")),
				[],
				"the web view asked the server again"
			);
			await page.screenshot({
				path: `${ctx.artifacts}/customer-360-web.png`,
				fullPage: true,
			});
			await page.locator(".c360-web-desk").click();
			await page.waitForURL(deskPattern("/customer-360/"), { timeout: 15000 });
			await page
				.locator(".c360-pane.c360-tab-overview[data-state=ready]")
				.waitFor({ timeout: 30000 });
			assert.equal(
				(await page.locator(".c360-customer-name").textContent()).trim(),
				customer
			);
		} finally {
			await admin.close();
		}
	},

	async "the web view masks finance figures for a reader without them, and refuses a guest"(
		ctx
	) {
		const admin = await login(ctx);
		const { email, password } = await makeUser(admin, ["Sales User"]);
		const reader = await login(ctx, email, password);
		const guest = await ctx.browser.newContext({ baseURL: ctx.baseURL });
		try {
			const customer = await seedOrder(admin, 8765.25, "E2E Web Masked");
			const order = await orderOf(admin, customer);
			const page = await reader.newPage();
			await openUntil(page, customer, order);
			const body = await page.locator(".c360-web").textContent();
			assert.match(body, /Finance figures are hidden for your role\./);
			assert.doesNotMatch(
				body,
				/8,765/,
				"a finance figure reached a reader without finance"
			);
			const anon = await guest.newPage();
			await anon.goto(webUrl(customer));
			assert.match(new URL(anon.url()).pathname, /^\/login/, anon.url());
			assert.equal(await anon.locator(".c360-web").count(), 0);
		} finally {
			await Promise.all([admin.close(), reader.close(), guest.close()]);
		}
	},

	async "hostile text in the customer's name and its documents is shown as text on the web view"(
		ctx
	) {
		const { context: admin, page, clean } = await guarded(ctx);
		try {
			const customer = await makeCustomer(admin, "E2E Web Hostile");
			const name = `${HOSTILE} ${ENCODED}`;
			await api(admin, "PUT", `/api/resource/Customer/${encodeURIComponent(customer)}`, {
				customer_name: name,
			});
			const stored = (
				await api(admin, "GET", `/api/resource/Customer/${encodeURIComponent(customer)}`)
			).data.customer_name;
			const subject = `${ENCODED} zq-web-issue`;
			await api(admin, "POST", "/api/resource/Issue", { subject, customer });
			await openUntil(page, customer, "zq-web-issue");
			await clean("on the web view");
			// The name and the subject read back exactly as stored: text, not markup.
			assert.equal((await page.locator(".c360-web-title").textContent()).trim(), stored);
			assert.equal(await page.title(), `${stored} · Customer 360`);
			const event = page.locator(".c360-web-event a", { hasText: "zq-web-issue" });
			assert.equal((await event.textContent()).trim(), subject);
			assert.equal(await page.locator(".c360-web img").count(), 0);
		} finally {
			await admin.close();
		}
	},
};

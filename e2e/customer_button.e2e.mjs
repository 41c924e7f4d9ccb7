// Issue 2: the Customer form's "Customer 360" button opens customer-360/<customer>, which shows the name.
import assert from "node:assert/strict";
import { api, deskPattern, deskUrl, login, makeCustomer } from "./helpers.mjs";

export const tests = {
	async "Customer form button opens the 360 page with the customer's name, its code preloaded by the form, its first screen in one request"(
		ctx
	) {
		const context = await login(ctx);
		const customer = await makeCustomer(context);
		const page = await context.newPage();
		try {
			await page.goto(deskUrl("customer", customer));
			const button = page
				.locator(".page-actions button, .page-actions .btn")
				.filter({ hasText: "Customer 360" })
				.first();
			await button.waitFor({ state: "visible", timeout: 30000 });
			// The form preloads the page's code while the desk is idle (public/js/page_code.js).
			await page.waitForFunction(
				() =>
					window.customer_360 && customer_360.c360 && customer_360.c360.Customer360Page,
				null,
				{ timeout: 30000 }
			);
			const batches = [];
			const bundles = [];
			page.on("request", (r) => {
				if (r.url().includes("customer_360.api.batch.get_many")) batches.push(r.url());
				if (/customer_360\.bundle\.[^/]*\.js/.test(r.url())) bundles.push(r.url());
			});
			await button.click();
			await page.waitForURL(deskPattern("/customer-360/"), { timeout: 15000 });
			// The overview is the page's own URL (other tabs add theirs).
			const path = decodeURIComponent(new URL(page.url()).pathname);
			const want = decodeURIComponent(deskUrl("customer-360", customer));
			assert.equal(path, want, page.url());
			const heading = page.locator(".c360-customer-name");
			await heading.waitFor({ timeout: 15000 });
			assert.equal((await heading.textContent()).trim(), customer);
			await page
				.locator(".c360-pane.c360-tab-overview[data-state=ready]")
				.waitFor({ timeout: 15000 });
			// The click starts the first screen's request (page.js prefetch_first_screen); the page takes it, not
			// asking again.
			assert.equal(batches.length, 1, batches.join("\n"));
			assert.ok(new URL(batches[0]).searchParams.get("customer") === customer, batches[0]);
			assert.deepEqual(bundles, [], "the page's code was not fetched again");
			await page.screenshot({
				path: `${ctx.artifacts}/customer-360-page.png`,
				fullPage: true,
			});
		} finally {
			await context.close();
		}
	},

	async "from the Customer list the page starts its first request in the router's own task and leaves the sidebar alone"(
		ctx
	) {
		const context = await login(ctx);
		const [first, second, third] = [
			await makeCustomer(context),
			await makeCustomer(context),
			await makeCustomer(context),
		];
		const ready = ".c360-pane.c360-tab-overview[data-state=ready]";
		// Instruments the desk, then goes from the Customer list to the 360 page of `customer`: what had started by
		// the time the router announced the change (its "change" event, after the view is rendered; on v16 the
		// sidebar acts on it), and whether the sidebar was rebuilt.
		const go = (page, customer) =>
			page.evaluate((customer) => {
				const seen = { batches: [], at_change: null, sidebar_setups: 0 };
				const fetch = window.fetch;
				window.fetch = function (url, ...rest) {
					if (String(url).includes("customer_360.api.batch.get_many"))
						seen.batches.push(String(url));
					return fetch.call(this, url, ...rest);
				};
				const sidebar = frappe.app.sidebar;
				if (sidebar && typeof sidebar.setup === "function") {
					const setup = sidebar.setup;
					sidebar.setup = function (...args) {
						seen.sidebar_setups += 1;
						return setup.apply(this, args);
					};
				}
				frappe.router.on("change", () => {
					if (seen.at_change === null) seen.at_change = seen.batches.length;
				});
				window.__c360_seen = seen;
				frappe.set_route("customer-360", customer);
			}, customer);
		const check = async (page, customer) => {
			await page.locator(ready).waitFor({ timeout: 30000 });
			await page.waitForTimeout(300); // a late, second request would show now
			const seen = await page.evaluate(() => ({
				...window.__c360_seen,
				meta: !!frappe.router.meta,
			}));
			assert.equal(seen.batches.length, 1, seen.batches.join("\n"));
			assert.equal(
				new URL(seen.batches[0], ctx.baseURL).searchParams.get("customer"),
				customer
			);
			assert.equal(
				seen.at_change,
				1,
				"the first screen's request had started before the router's change event"
			);
			assert.equal(seen.sidebar_setups, 0, "the sidebar was rebuilt");
			assert.equal(seen.meta, false, "the router still holds the Customer list's meta");
		};
		const list = async (page) => {
			await page.waitForFunction(
				() =>
					window.customer_360 &&
					customer_360.c360 &&
					customer_360.c360.Customer360Page &&
					frappe.get_route()[0] === "List" &&
					frappe.get_route()[1] === "Customer",
				null,
				{ timeout: 30000 }
			);
			await page.waitForTimeout(500); // the list settled
		};
		const page = await context.newPage();
		try {
			// Once, so that the desk has the page's definition (the first visit of a session fetches it).
			await page.goto(deskUrl("customer-360", first));
			await page.locator(ready).waitFor({ timeout: 30000 });
			// Back on the list in the same tab: the page exists and is shown again (on_page_show).
			await page.evaluate(() => frappe.set_route("List", "Customer"));
			await list(page);
			await go(page, second);
			await check(page, second);
			// A new tab, from its list: the page is made (on_page_load, its request before the page is built).
			const other = await context.newPage();
			await other.goto(deskUrl("customer"));
			await list(other);
			await go(other, third);
			await check(other, third);
		} finally {
			await context.close();
		}
	},

	async "the page opened by URL for an unknown customer shows an error, not a blank page"(ctx) {
		const context = await login(ctx);
		const page = await context.newPage();
		try {
			await page.goto(deskUrl("customer-360", "No Such Customer E2E"));
			await page.locator(".c360-error").waitFor({ timeout: 20000 });
		} finally {
			await context.close();
		}
	},

	async "a likely duplicate is flagged on the Customer form and on the 360 page"(ctx) {
		const context = await login(ctx);
		const email = `twin-${Math.random().toString(36).slice(2, 8)}@example.com`;
		// The same company entered twice: nearly the same name, the same buyer's email and phone.
		const first = await makeCustomer(context, "E2E Twin");
		const second = (
			await api(context, "POST", "/api/resource/Customer", {
				customer_name: `${first} Ltd`,
				customer_type: "Company",
			})
		).data.name;
		const phone = `+1 555 ${Math.floor(1000000 + Math.random() * 8999999)}`;
		for (const customer of [first, second]) {
			await api(context, "POST", "/api/resource/Contact", {
				first_name: "Buyer",
				email_ids: [{ email_id: email, is_primary: 1 }],
				phone_nos: [{ phone, is_primary_mobile_no: 1 }],
				links: [{ link_doctype: "Customer", link_name: customer }],
			});
		}
		const page = await context.newPage();
		try {
			await page.goto(deskUrl("customer", first));
			const warning = page.locator(".c360-duplicates");
			await warning.waitFor({ timeout: 30000 });
			assert.match(await warning.textContent(), new RegExp(second));
			await page.goto(deskUrl("customer-360", first, "overview"));
			await page.locator(".c360-badge-duplicates").waitFor({ timeout: 30000 });
		} finally {
			await context.close();
		}
	},
};

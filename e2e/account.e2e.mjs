// The account around a customer: the People tab (contacts with their role), the lifecycle badge in the header
// with its history, and the Group tab (a child's events on the parent's page).
import assert from "node:assert/strict";
import {
	api,
	firstName,
	login,
	makeCustomer,
	open360,
	serviceItem,
	siteToday,
} from "./helpers.mjs";

async function orderFor(admin, customer, rate) {
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
}

export const tests = {
	async "people, lifecycle and the group view"(ctx) {
		const admin = await login(ctx);
		const parent = await makeCustomer(admin, "E2E Group Parent");
		const child = (
			await api(admin, "POST", "/api/resource/Customer", {
				customer_name: `E2E Group Child ${Math.random().toString(36).slice(2, 8)}`,
				customer_type: "Company",
				c360_parent_customer: parent,
			})
		).data.name;
		const person = `Pat Champion ${Math.random().toString(36).slice(2, 6)}`;
		const designation = "<b>Head</b> of buying <img src=x onerror=window.__c360xss=1>";
		const contact = (
			await api(admin, "POST", "/api/resource/Contact", {
				first_name: person,
				designation,
				email_ids: [{ email_id: `pat-${Date.now()}@example.com`, is_primary: 1 }],
				links: [{ link_doctype: "Customer", link_name: parent }],
			})
		).data.name;
		await api(admin, "POST", "/api/method/customer_360.api.people.set_account_role", {
			customer: parent,
			contact,
			role: "Champion",
		});
		await api(admin, "POST", "/api/method/customer_360.api.interactions.log_interaction", {
			customer: parent,
			interaction_type: "call",
			summary: "Renewal call with Pat",
			contact,
		});
		await orderFor(admin, parent, 120);
		await orderFor(admin, child, 340);
		// The nightly job's per-customer run records the lifecycle stage now.
		await api(admin, "POST", "/api/method/customer_360.api.health.recompute", {
			customer: parent,
		});

		const page = await admin.newPage();
		try {
			// The call is indexed by a background job: reload until the person's count shows it.
			await open360(
				page,
				parent,
				"people",
				async (p) =>
					(await p
						.locator(".c360-people .c360-person-interactions")
						.first()
						.textContent()) === "1",
				15
			);
			const row = page.locator(".c360-people tr", { hasText: "Champion" }).first();
			await row.waitFor();
			// Stored text is shown as text, never as markup.
			assert.ok((await row.textContent()).includes(person));
			assert.ok((await row.textContent()).includes("<b>Head</b> of buying"));
			assert.equal(await page.locator(".c360-people b, .c360-people img").count(), 0);
			assert.equal(await page.evaluate(() => window.__c360xss), undefined);
			assert.match(await row.locator(".c360-person-role").textContent(), /Champion/);
			// The person's activity: the timeline filtered to them.
			await row.locator(".c360-person-activity").click();
			const call = page.locator(".modal.show .c360-person-events .c360-event").first();
			await call.waitFor();
			assert.match(await call.textContent(), /Call/);
			const dialog = page.locator(".modal.show", {
				has: page.locator(".c360-person-events"),
			});
			await dialog.locator(".btn-modal-close").click();
			await dialog.waitFor({ state: "hidden" });

			const badge = page.locator(".c360-header .c360-lifecycle");
			await badge.waitFor();
			assert.match(await badge.textContent(), /First Purchase|Active|At Risk/);
			await badge.click();
			await page.locator(".c360-lifecycle-history tbody tr").first().waitFor();
			await page.keyboard.press("Escape");

			await open360(
				page,
				parent,
				"group",
				async (p) =>
					(await p
						.locator(`.c360-group-events .c360-event[data-customer="${child}"]`)
						.count()) > 0,
				10
			);
			assert.ok(
				(await page.locator(".c360-group-members").textContent()).includes(child),
				"the child is listed among the members"
			);
			await page.screenshot({
				path: `${ctx.artifacts}/customer-360-group.png`,
				fullPage: true,
			});
		} finally {
			await page.close();
			await admin.close();
		}
	},
};

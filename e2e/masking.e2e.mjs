// Masking reaches the browser as nothing: a sales user's page and network responses carry no figure that a
// finance user's page shows for the same customer.
import assert from "node:assert/strict";
import { deskUrl, login, makeUser, seedOrder as seedOrderFor } from "./helpers.mjs";

// With its decimals, so that a digit run in an icon's SVG path or in a hash cannot pass for the amount.
const RATE = 7531.29;

const seedOrder = (admin) => seedOrderFor(admin, RATE, "E2E Masking");

async function openAs(ctx, user, customer) {
	const context = await login(ctx, user.email, user.password);
	const page = await context.newPage();
	const bodies = [];
	page.on("response", async (res) => {
		if (res.url().includes("/api/method/customer_360."))
			bodies.push(await res.text().catch(() => ""));
	});
	for (let i = 0; i < 20; i++) {
		await page.goto(deskUrl("customer-360", customer, "timeline"));
		await page
			.locator(".c360-tab-timeline .c360-more")
			.filter({ hasText: /Beginning of history|Nothing here yet/ })
			.waitFor({ timeout: 15000 });
		if (await page.locator(".c360-event[data-kind=order_confirmed]").count()) break;
		await page.waitForTimeout(500);
	}
	return { context, page, bodies };
}

export const tests = {
	async "sales user's page and responses contain no amount; finance user sees it"(ctx) {
		const admin = await login(ctx);
		const customer = await seedOrder(admin);
		const sales = await makeUser(admin, ["Sales User"]);
		const finance = await makeUser(admin, ["Sales User", "Accounts User"]);

		const f = await openAs(ctx, finance, customer);
		const shown = await f.page
			.locator(".c360-event[data-kind=order_confirmed] .c360-amount")
			.textContent();
		assert.match(shown.replace(/[^0-9]/g, ""), /^7531/);
		await f.context.close();

		const s = await openAs(ctx, sales, customer);
		try {
			await s.page
				.locator(".c360-event[data-kind=order_confirmed] .c360-masked")
				.waitFor({ timeout: 10000 });
			const html = await s.page.content();
			for (const needle of ["7531.29", "7,531.29", "7.531,29"]) {
				assert.ok(!html.includes(needle), `sales user's DOM contains ${needle}`);
				for (const body of s.bodies)
					assert.ok(
						!body.includes(needle),
						`a response to the sales user contains ${needle}`
					);
			}
			assert.ok(s.bodies.length >= 2, "the page made its API calls");
			await s.page.screenshot({
				path: `${ctx.artifacts}/customer-360-sales-user.png`,
				fullPage: true,
			});
		} finally {
			await s.context.close();
			await admin.close();
		}
	},
};

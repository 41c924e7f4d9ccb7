// The timeline section of the 360 page: events appear, chips filter, items link to their source.
import assert from "node:assert/strict";
import { api, deskPattern, deskUrl, login, makeCustomer } from "./helpers.mjs";

async function openWithEvents(page, customer, minEvents) {
	// Indexing happens in a background job right after commit: reload until it has landed.
	for (let i = 0; i < 20; i++) {
		await page.goto(deskUrl("customer-360", customer, "timeline"));
		await page
			.locator(".c360-tab-timeline .c360-more")
			.filter({ hasText: /Beginning of history|Nothing here yet/ })
			.waitFor({ timeout: 15000 });
		if ((await page.locator(".c360-tab-timeline .c360-event").count()) >= minEvents) return;
		await page.waitForTimeout(500);
	}
	throw new Error(`timeline of ${customer} never showed ${minEvents} events`);
}

export const tests = {
	async "timeline lists the customer's tasks and comments, filters by chip"(ctx) {
		const context = await login(ctx);
		const customer = await makeCustomer(context, "E2E Timeline");
		for (const description of ["Send the brochure", "Book a demo"]) {
			await api(context, "POST", "/api/resource/ToDo", {
				description,
				reference_type: "Customer",
				reference_name: customer,
				allocated_to: "Administrator",
			});
		}
		await api(context, "POST", "/api/method/frappe.desk.form.utils.add_comment", {
			reference_doctype: "Customer",
			reference_name: customer,
			content: "Prefers email",
			comment_email: "Administrator",
			comment_by: "Administrator",
		});
		const page = await context.newPage();
		try {
			await openWithEvents(page, customer, 3);
			const taskChip = page.locator(".c360-chip[data-type=task]");
			assert.match(await taskChip.textContent(), /Tasks\s+\d+/);
			const noteChip = page.locator(".c360-chip[data-type=note]");
			assert.match(await noteChip.textContent(), /1/);
			await noteChip.click();
			await page.waitForFunction(
				() => {
					const types = [...document.querySelectorAll(".c360-event")].map(
						(e) => e.dataset.type
					);
					return types.length > 0 && types.every((t) => t === "note");
				},
				null,
				{ timeout: 10000 }
			);
			const href = await page
				.locator(".c360-event .c360-event-title")
				.first()
				.getAttribute("href");
			assert.match(href, deskPattern("/comment/"));
			await page.screenshot({
				path: `${ctx.artifacts}/customer-360-timeline.png`,
				fullPage: true,
			});
		} finally {
			await context.close();
		}
	},
};

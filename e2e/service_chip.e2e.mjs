// Finding things on the timeline: the service chip (installation notes, warranty claims), the actor picker
// and the search box (a word only an email's body holds, beyond its 280-character summary).
import assert from "node:assert/strict";
import {
	api,
	firstName,
	login,
	makeCustomer,
	makeUser,
	open360,
	serviceItem,
	settledCounts,
	siteToday,
} from "./helpers.mjs";

const events = (page) =>
	page.$$eval(".c360-tab-timeline .c360-event", (els) =>
		els.map((e) => ({
			type: e.dataset.type,
			doctype: e.dataset.doctype,
			name: e.dataset.name,
		}))
	);

// Waits until every listed event satisfies `check` (and at least `min` are listed).
async function listed(page, check, min = 1, timeout = 15000) {
	const until = Date.now() + timeout;
	let last = [];
	while (Date.now() < until) {
		last = await events(page);
		const state = await page
			.locator(".c360-tab-timeline .c360-more")
			.getAttribute("data-state");
		if (state !== "loading" && last.length >= min && last.every(check)) return last;
		await page.waitForTimeout(250);
	}
	throw new Error(`timeline never matched; last: ${JSON.stringify(last).slice(0, 400)}`);
}

export const tests = {
	async "service chip, actor picker and full-text search on the timeline"(ctx) {
		const admin = await login(ctx);
		const customer = await makeCustomer(admin, "E2E Service");
		const company = await firstName(admin, "Company");
		const item = await serviceItem(admin);
		const today = await siteToday(admin);
		await api(admin, "POST", "/api/resource/Installation Note", {
			customer,
			company,
			inst_date: today,
			docstatus: 1,
			items: [{ item_code: item, qty: 1 }],
		});
		await api(admin, "POST", "/api/resource/Warranty Claim", {
			customer,
			company,
			complaint_date: today,
			complaint: "Display flickers",
			status: "Open",
		});
		const word = `zq${Math.random().toString(36).slice(2, 10).replace(/\d/g, "k")}`;
		const filler = "Status update on the rollout. ".repeat(20);
		await api(admin, "POST", "/api/resource/Communication", {
			communication_type: "Communication",
			communication_medium: "Email",
			sent_or_received: "Received",
			subject: "Rollout status",
			sender: "buyer@example.com",
			content: `<p>${filler}</p><p>The ${word} part arrived broken.</p>`,
			reference_doctype: "Customer",
			reference_name: customer,
		});
		const user = await makeUser(admin, ["Sales User"]);
		const seller = await login(ctx, user.email, user.password);
		await api(seller, "POST", "/api/resource/Customer Interaction", {
			customer,
			interaction_type: "call",
			summary: "Talked about the rollout",
		});
		await seller.close();
		await settledCounts(admin, customer);

		const page = await admin.newPage();
		try {
			await open360(page, customer, "timeline", async (p) => {
				return (await p.locator(".c360-chip[data-type=service]").count()) > 0;
			});
			// The service chip: the server's `service` type, labelled from its vocabulary.
			const chip = page.locator(".c360-chip[data-type=service]");
			assert.match(await chip.textContent(), /Service\s+2/);
			await chip.click();
			const service = await listed(page, (e) => e.type === "service", 2);
			assert.deepEqual(
				new Set(service.map((e) => e.doctype)),
				new Set(["Installation Note", "Warranty Claim"])
			);
			await page.locator(".c360-chip-clear").click();
			await listed(page, () => true, 4);

			// The actor picker: only what the sales user did.
			const input = page.locator(".c360-tab-timeline .c360-actor-input");
			await input.fill(user.email);
			await page
				.locator(".c360-tab-timeline .awesomplete [role=option]", { hasText: user.email })
				.first()
				.click();
			const mine = await listed(page, (e) => e.doctype === "Customer Interaction", 1);
			assert.equal(mine.length, 1);
			await input.fill("");
			await input.blur();
			await listed(page, () => true, 4);

			// Search: a word that only the email's body holds.
			await page.locator(".c360-tab-timeline .c360-search").fill(word);
			const hits = await listed(page, (e) => e.doctype === "Communication", 1);
			assert.equal(hits.length, 1);
			const summary = await page
				.locator(".c360-event .c360-event-summary")
				.first()
				.textContent();
			assert.ok(!summary.includes(word), "the word is in the body, not the summary");
			await page.screenshot({
				path: `${ctx.artifacts}/customer-360-timeline-search.png`,
				fullPage: true,
			});
		} finally {
			await admin.close();
		}
	},
};

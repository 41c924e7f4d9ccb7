// Customer Segments, product-mix view (issue 20): a customer lands in the segment of the item group it buys
// most, the report shows that group's name as text (an item group is a stored, user-named value) and the
// revenue in its currency. Frappe refuses "<" and ">" in names, so the hostile name carries entities: shown as
// HTML they would read as a tag; shown as text (the report's Data formatter escapes) they stay as typed.
import assert from "node:assert/strict";
import { api, deskUrl, firstName, login, makeCustomer, siteToday } from "./helpers.mjs";

const ENCODED = "&lt;img src=x onerror=window.__x=1&gt;";
// With its decimals, so that no other digit run on the page passes for the amount.
const RATE = 4321.77;
const unique = () => Math.random().toString(36).slice(2, 8);

async function seed(admin) {
	const tag = unique();
	const customerGroup = (
		await api(admin, "POST", "/api/resource/Customer Group", {
			customer_group_name: `E2E Mix ${tag}`,
			parent_customer_group: "All Customer Groups",
		})
	).data.name;
	const itemGroup = (
		await api(admin, "POST", "/api/resource/Item Group", {
			item_group_name: `E2E Mix ${ENCODED} ${tag}`,
			parent_item_group: "All Item Groups",
		})
	).data.name;
	const item = (
		await api(admin, "POST", "/api/resource/Item", {
			item_code: `E2E-MIX-${tag}`,
			item_name: `E2E Mix ${tag}`,
			item_group: itemGroup,
			stock_uom: "Nos",
			is_stock_item: 0,
		})
	).data.name;
	const customer = await makeCustomer(admin, "E2E Mix");
	await api(admin, "PUT", `/api/resource/Customer/${encodeURIComponent(customer)}`, {
		customer_group: customerGroup,
	});
	const today = await siteToday(admin);
	await api(admin, "POST", "/api/resource/Sales Invoice", {
		customer,
		company: await firstName(admin, "Company"),
		posting_date: today,
		due_date: today,
		docstatus: 1,
		items: [{ item_code: item, qty: 1, rate: RATE }],
	});
	return { customerGroup, itemGroup };
}

export const tests = {
	async "product mix: the customer's main item group as text, with its revenue"(ctx) {
		const admin = await login(ctx);
		const { customerGroup, itemGroup } = await seed(admin);
		const page = await admin.newPage();
		const fired = [];
		await page.exposeFunction("__c360_injected", (v) => fired.push(`window.__x=${v}`));
		await page.addInitScript(() => {
			Object.defineProperty(window, "__x", {
				set: (v) => window.__c360_injected(String(v)),
			});
		});
		page.on("dialog", (d) => {
			fired.push(`a native ${d.type()} dialog`);
			d.dismiss().catch(() => {});
		});
		const params = new URLSearchParams({ view: "Product Mix", customer_group: customerGroup });
		await page.goto(`${deskUrl("query-report", "Customer Segments")}?${params}`);
		await page.waitForFunction(
			(group) => (frappe.query_report?.data || []).some((r) => r.segment === group),
			itemGroup,
			{ timeout: 60000 }
		);
		const row = await page.evaluate(
			(group) => frappe.query_report.data.find((r) => r.segment === group),
			itemGroup
		);
		assert.equal(row.customers, 1);
		assert.equal(row.revenue_365, RATE);
		assert.equal(row.revenue_share, 100);
		// The rendered grid: the group's name is text in its cell and the amount is shown on the same row.
		const cell = page
			.locator(".dt-scrollable .dt-cell__content")
			.filter({ hasText: itemGroup })
			.first();
		await cell.waitFor({ timeout: 30000 });
		assert.equal(
			await cell.locator("img, svg").count(),
			0,
			"the segment cell holds an element"
		);
		assert.ok(
			(await cell.innerText()).includes(ENCODED),
			"the segment cell shows the name as typed"
		);
		const rowText = await page
			.locator(".dt-scrollable .dt-row")
			.filter({ hasText: itemGroup })
			.first()
			.innerText();
		assert.ok(
			rowText.replace(/\D/g, "").includes("432177"),
			`the row shows the revenue: ${rowText}`
		);
		assert.deepEqual(fired, []);
		await admin.close();
	},
};

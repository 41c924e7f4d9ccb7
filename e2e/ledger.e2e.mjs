// The Money tab's ledger (issue 20): every invoice and the journal receipt listed with a running balance,
// filtered on the server (overdue only), paged with "Load more"; the statement's email draft opens the desk's
// composer with the PDF attached (nothing sent); a user without the finance capability gets it masked.
import assert from "node:assert/strict";
import {
	api,
	firstName,
	login,
	makeCustomer,
	makeUser,
	open360,
	settledCounts,
	serviceItem,
	siteToday,
} from "./helpers.mjs";

const shift = (day, n) => {
	const d = new Date(`${day}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
};

const ledgerRows = (page) =>
	page.$$eval(".c360-ledger-rows tbody tr", (rows) =>
		rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent.trim()))
	);

async function rowsUntil(page, check, timeout = 20000) {
	const until = Date.now() + timeout;
	let rows = [];
	while (Date.now() < until) {
		rows = await ledgerRows(page);
		if (check(rows)) return rows;
		await page.waitForTimeout(300);
	}
	throw new Error(`ledger rows never matched: ${JSON.stringify(rows)}`);
}

export const tests = {
	async "ledger on the Money tab: balance, overdue filter, paging, statement draft, masking"(
		ctx
	) {
		const admin = await login(ctx);
		try {
			const customer = await makeCustomer(admin, "E2E Ledger &amp; Co");
			// Before any page opens in this context (a desk page's session then wants its CSRF token).
			const sales = await makeUser(admin, ["Sales User"]);
			const companyName = await firstName(admin, "Company");
			const company = (
				await api(admin, "GET", `/api/resource/Company/${encodeURIComponent(companyName)}`)
			).data;
			const item = await serviceItem(admin);
			const today = await siteToday(admin);
			const invoice = async (rate, posted) =>
				(
					await api(admin, "POST", "/api/resource/Sales Invoice", {
						customer,
						company: companyName,
						posting_date: posted,
						set_posting_time: 1,
						due_date: shift(posted, 30),
						docstatus: 1,
						items: [{ item_code: item, qty: 1, rate }],
					})
				).data.name;
			const overdue = await invoice(100, shift(today, -90));
			await invoice(200, shift(today, -5));
			await invoice(300, today);
			await api(admin, "POST", "/api/resource/Journal Entry", {
				company: companyName,
				posting_date: today,
				voucher_type: "Journal Entry",
				docstatus: 1,
				accounts: [
					{
						account: company.default_receivable_account,
						party_type: "Customer",
						party: customer,
						credit_in_account_currency: 50,
						cost_center: company.cost_center,
					},
					{
						account: company.default_cash_account,
						debit_in_account_currency: 50,
						cost_center: company.cost_center,
					},
				],
			});

			// The documents' index jobs done first: a live update arriving later reloads the open Money tab, and
			// with it the ledger (its filters too), in the middle of the steps below.
			await settledCounts(admin, customer);
			const page = await admin.newPage();
			page.on("pageerror", (e) => console.log(`  [page error] ${e.message}`));
			await open360(page, customer, "money");
			const all = await rowsUntil(page, (rows) => rows.length === 4);
			// Newest first: the first row's balance is what the customer owes now (600 - 50).
			assert.match(all[0][8], /550/);
			assert.ok(
				all.some((r) => /Receipt \(journal\)/.test(r[1])),
				JSON.stringify(all)
			);
			const dues = await page.locator(".c360-ledger-dues").textContent();
			assert.match(dues, /100/, dues); // the overdue invoice, computed on the server

			await page.locator(".c360-ledger-status").selectOption("overdue");
			const filtered = await rowsUntil(page, (rows) => rows.length === 1);
			assert.equal(filtered[0][2], overdue);
			assert.equal(filtered[0][8], "–"); // a filtered view has no running balance
			await page.locator(".c360-ledger-status").selectOption("");
			await rowsUntil(page, (rows) => rows.length === 4);

			// The statement's email draft: the composer opens with the PDF attached; the user sends it or not.
			await page.locator(".c360-ledger-statement").click();
			const dialog = page.locator(".modal.show", { hasText: "Statement of account" });
			await dialog.locator("button", { hasText: "Email draft" }).click();
			const composer = page.locator(".modal.show", { hasText: "Send" }).last();
			await composer.waitFor({ timeout: 20000 });
			assert.match(
				await composer.locator("[data-fieldname=subject] input").inputValue(),
				/Statement/
			);
			assert.ok(
				(await composer.locator(".attach-list").textContent()).includes("Statement"),
				"the PDF is offered"
			);
			assert.ok(
				await composer.locator(".attach-list input[type=checkbox]").first().isChecked(),
				"and ticked"
			);
			await page.screenshot({
				path: `${ctx.artifacts}/customer-360-ledger.png`,
				fullPage: true,
			});

			// A sales user has no Money tab; asked directly, the server sends no rows and no figures.
			const other = await login(ctx, sales.email, sales.password);
			try {
				const q = new URLSearchParams({ customer });
				const out = (
					await api(other, "GET", `/api/method/customer_360.api.ledger.get_ledger?${q}`)
				).message;
				assert.equal(out.masked, true);
				assert.equal(out.rows, null);
				const dues = (
					await api(other, "GET", `/api/method/customer_360.api.ledger.get_dues?${q}`)
				).message;
				assert.equal(dues.masked, true);
				assert.equal(dues.dues, null);
			} finally {
				await other.close();
			}
		} finally {
			await admin.close();
		}
	},
};

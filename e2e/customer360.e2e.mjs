// The Customer 360 page end to end (issue 7): a finance user and a sales user open the same customer.
// Tabs, filter chip counts, infinite scroll, a quick action round trip, the live update, masking in the DOM and
// in every network response, per-panel error isolation, the email composer, a narrow window, the directory.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import {
	ALL_TABS,
	api,
	deskPattern,
	deskUrl,
	failRead,
	login,
	makeUser,
	open360,
	recordApiResponses,
	seedOrder,
	settledCounts,
} from "./helpers.mjs";

// The order's amount: a finance figure the sales user must never receive. Written with its decimals so that a
// digit run inside an icon's SVG path or a hash cannot pass for it.
const RATE = 86421.37;
const NEEDLES = ["86421.37", "86,421.37", "86.421,37", "86 421,37"];
const TASKS = 35; // more than one timeline page (30) of events

let seeded;
function seed(ctx) {
	seeded ??= (async () => {
		const admin = await login(ctx);
		const customer = await seedOrder(admin, RATE, "E2E 360");
		// One at a time: concurrent ToDo inserts deadlock on the assignment bookkeeping.
		const todos = new Set();
		for (let i = 1; i <= TASKS; i++) {
			const r = await api(admin, "POST", "/api/resource/ToDo", {
				description: `Seeded task ${i}`,
				reference_type: "Customer",
				reference_name: customer,
				allocated_to: "Administrator",
			});
			todos.add(r.data.name);
		}
		// Indexing runs in background jobs (a long job, such as the install's backfill, can hold the worker for a
		// while): wait until every task and the order are in the index, rather than for a quiet moment.
		let counts = {},
			done = false;
		for (let i = 0; i < 180 && !done; i++) {
			const q = new URLSearchParams({ customer, limit: 200, event_types: "task" });
			const r = (
				await api(admin, "GET", `/api/method/customer_360.api.timeline.get_timeline?${q}`)
			).message;
			const indexed = new Set(r.events.map((e) => e.source_name));
			counts = (
				await api(
					admin,
					"GET",
					`/api/method/customer_360.api.timeline.get_timeline?${new URLSearchParams({ customer, limit: 1 })}`
				)
			).message.counts;
			done = [...todos].every((t) => indexed.has(t)) && counts.sales >= 1;
			if (!done) await new Promise((r) => setTimeout(r, 1000));
		}
		assert.ok(done, `the index never caught up: ${JSON.stringify(counts)}`);
		const finance = await makeUser(admin, ["Sales User", "Accounts User"]);
		const sales = await makeUser(admin, ["Sales User"]);
		return { admin, customer, finance, sales };
	})();
	return seeded;
}

async function as(ctx, user, viewport) {
	const context = await login(ctx, user.email, user.password, viewport);
	const page = await context.newPage();
	page.on("pageerror", (e) => console.log(`  [page error] ${e.message}`));
	return { context, page };
}

const chipCount = async (page, type) =>
	Number(
		(
			await page
				.locator(`.c360-tab-timeline .c360-chip[data-type=${type}] .c360-chip-count`)
				.textContent()
		).trim()
	);
const events = (page) => page.locator(".c360-tab-timeline .c360-event");
const tabsShown = (page) =>
	page.locator(".c360-tab").evaluateAll((els) => els.map((e) => e.dataset.tab));

async function scrollToEnd(page) {
	const more = page.locator(".c360-tab-timeline .c360-more");
	for (let i = 0; i < 20 && (await more.getAttribute("data-state")) !== "end"; i++) {
		await more.scrollIntoViewIfNeeded();
		await page.waitForTimeout(400);
	}
	assert.equal(
		await more.getAttribute("data-state"),
		"end",
		"infinite scroll never reached the beginning of history"
	);
}

export const tests = {
	async "finance user: every tab, chip counts, infinite scroll, date range, money and health"(
		ctx
	) {
		const { admin, customer, finance } = await seed(ctx);
		const { context, page } = await as(ctx, finance);
		try {
			// The app's own jobs still add events after the seed (alerts create ToDos): count once they are done.
			const counts = await settledCounts(admin, customer);
			await open360(page, customer, "timeline");
			assert.deepEqual(await tabsShown(page), ALL_TABS);
			assert.equal(await chipCount(page, "task"), counts.task);
			const chips = await page
				.locator(".c360-tab-timeline .c360-chip")
				.evaluateAll((els) =>
					els.map((e) => Number(e.querySelector(".c360-chip-count").textContent))
				);
			const total = chips.reduce((a, b) => a + b, 0);

			// First page only, then infinite scroll to the end: every counted event arrives exactly once.
			assert.equal(await events(page).count(), 30);
			await scrollToEnd(page);
			assert.equal(await events(page).count(), total);
			const names = await events(page).evaluateAll((els) => els.map((e) => e.dataset.name));
			assert.equal(new Set(names).size, names.length, "an event was listed twice");

			// A chip filters to its type; its count is what the list then holds.
			await page.locator(".c360-tab-timeline .c360-chip[data-type=sales]").click();
			await page.waitForFunction(
				() => {
					const more = document.querySelector(".c360-tab-timeline .c360-more");
					const types = [
						...document.querySelectorAll(".c360-tab-timeline .c360-event"),
					].map((e) => e.dataset.type);
					return (
						more.dataset.state === "end" &&
						types.length > 0 &&
						types.every((t) => t === "sales")
					);
				},
				null,
				{ timeout: 15000 }
			);
			assert.equal(await events(page).count(), await chipCount(page, "sales"));

			// An item expands to its details and links to its source document.
			const order = page.locator(
				".c360-tab-timeline .c360-event[data-kind=order_confirmed]"
			);
			await order.locator(".c360-event-summary").click();
			await order.locator(".c360-event-detail").waitFor({ state: "visible" });
			assert.match(
				await order.locator(".c360-event-detail a").first().getAttribute("href"),
				deskPattern("/sales-order/")
			);
			const shown = await order.locator(".c360-amount").textContent();
			assert.ok(
				NEEDLES.some((n) => shown.includes(n)),
				`the finance user sees the amount (${shown})`
			);

			// A date range in the future holds nothing.
			const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
			await page.locator(".c360-tab-timeline .c360-from").fill(tomorrow);
			await page.locator(".c360-tab-timeline .c360-from").dispatchEvent("change");
			await page
				.locator(".c360-tab-timeline .c360-more[data-state=end]")
				.filter({ hasText: "Nothing here yet" })
				.waitFor({ timeout: 15000 });
			assert.equal(await events(page).count(), 0);

			// Money: the finance figures, and the sales trend chart container.
			await page.locator(".c360-tab[data-tab=money]").click();
			await page
				.locator(".c360-pane.c360-tab-money[data-state=ready]")
				.waitFor({ timeout: 30000 });
			assert.equal(await page.locator(".c360-tab-money .c360-panel-error").count(), 0);
			const moneyText = await page.locator(".c360-tab-money").textContent();
			assert.ok(
				NEEDLES.some((n) => moneyText.includes(n)),
				"the Money tab shows the order's amount"
			);
			await page.screenshot({
				path: `${ctx.artifacts}/360-finance-money.png`,
				fullPage: true,
			});

			// Risk & Health loads for a role with the see_risk capability.
			await page.locator(".c360-tab[data-tab=risk]").click();
			await page
				.locator(".c360-pane.c360-tab-risk[data-state=ready]")
				.waitFor({ timeout: 30000 });
			assert.equal(await page.locator(".c360-tab-risk .c360-panel-error").count(), 0);
			assert.equal(await page.locator(".c360-tab-risk .c360-masked").count(), 0);

			await page.locator(".c360-tab[data-tab=overview]").click();
			await page
				.locator(".c360-pane.c360-tab-overview[data-state=ready]")
				.waitFor({ timeout: 30000 });
			await page
				.locator(".c360-ov-figures .c360-figure")
				.first()
				.waitFor({ timeout: 15000 });
			await page.screenshot({
				path: `${ctx.artifacts}/360-finance-overview.png`,
				fullPage: true,
			});
			try {
				mkdirSync(new URL("../docs/", import.meta.url), { recursive: true });
				copyFileSync(
					`${ctx.artifacts}/360-finance-overview.png`,
					new URL("../docs/screenshot-360.png", import.meta.url)
				);
			} catch (e) {
				console.log(`  (screenshot not copied to docs/: ${e.message})`);
			}
		} finally {
			await context.close();
		}
	},

	async "sales user: no Money or Risk & Health tab, and no finance figure in any tab's DOM or response"(
		ctx
	) {
		const { admin, customer, sales } = await seed(ctx);
		const { context, page } = await as(ctx, sales);
		const bodies = recordApiResponses(page);
		try {
			const counts = await settledCounts(admin, customer);
			await open360(page, customer, "timeline");
			const tabs = await tabsShown(page);
			assert.deepEqual(
				tabs,
				ALL_TABS.filter((t) => t !== "money" && t !== "risk")
			);
			assert.equal(
				await chipCount(page, "task"),
				counts.task,
				"the sales user counts the same tasks"
			);
			await scrollToEnd(page);
			await page
				.locator(".c360-tab-timeline .c360-event[data-kind=order_confirmed] .c360-masked")
				.waitFor();
			const html = [];
			for (const tab of tabs) {
				await page.locator(`.c360-tab[data-tab=${tab}]`).click();
				await page
					.locator(`.c360-pane.c360-tab-${tab}[data-state]:not([data-state=loading])`)
					.waitFor({ timeout: 30000 });
				assert.equal(
					await page.locator(`.c360-pane.c360-tab-${tab}`).getAttribute("data-state"),
					"ready",
					`${tab} failed`
				);
				html.push(await page.content());
			}
			// The API would answer a direct call the same way (not just the page hiding it).
			const direct = await page.evaluate(async (c) => {
				const r = await fetch(
					`/api/method/customer_360.api.overview.get_money?customer=${encodeURIComponent(c)}`,
					{
						headers: { Accept: "application/json" },
					}
				);
				return r.text();
			}, customer);
			bodies.push({ url: "direct get_money", body: direct });
			assert.ok(JSON.parse(direct).message.masked, "get_money is masked for the sales user");
			for (const needle of NEEDLES) {
				for (const h of html) {
					const at = h.indexOf(needle);
					assert.ok(
						at < 0,
						`sales user's DOM contains ${needle}: …${h.slice(Math.max(0, at - 150), at + 50)}…`
					);
				}
				for (const b of bodies)
					assert.ok(
						!b.body.includes(needle),
						`${b.url} to the sales user contains ${needle}`
					);
			}
			assert.ok(bodies.length >= 8, `the page made its API calls (${bodies.length})`);
			await page.locator(".c360-tab[data-tab=timeline]").click();
			await page.screenshot({
				path: `${ctx.artifacts}/360-sales-timeline.png`,
				fullPage: true,
			});
		} finally {
			await context.close();
		}
	},

	async "quick action round trip: a note added on the page shows in Notes and, without a reload, in the timeline"(
		ctx
	) {
		const { customer, sales } = await seed(ctx);
		const { context, page } = await as(ctx, sales);
		try {
			await open360(page, customer, "timeline");
			await page.evaluate(() => (window.__c360_no_reload = true));
			const text = `Prefers deliveries before noon ${Math.random().toString(36).slice(2, 8)}`;
			await page.locator(".c360-action-add-note").click();
			const dialog = page.locator(".modal.show");
			await dialog.locator("[data-fieldname=content] textarea").fill(text);
			await dialog.locator("[data-fieldname=scope] select").selectOption("sales");
			await dialog.locator(".btn-primary").click();
			await dialog.waitFor({ state: "hidden" });

			await page.locator(".c360-tab[data-tab=notes]").click();
			const note = page.locator(".c360-tab-notes .c360-note").filter({ hasText: text });
			await note.waitFor({ timeout: 20000 });
			assert.equal(await note.getAttribute("data-scope"), "sales");

			await page.locator(".c360-tab[data-tab=timeline]").click();
			await page
				.locator(".c360-tab-timeline .c360-event[data-type=note]")
				.filter({ hasText: text })
				.waitFor({ timeout: 60000 });
			assert.ok(await page.evaluate(() => window.__c360_no_reload), "the page was reloaded");
		} finally {
			await context.close();
		}
	},

	async "the page's lists come from the server's boot info; next steps only from the server's rules"(
		ctx
	) {
		const { customer } = await seed(ctx);
		// An administrator of its own: loading the desk gives a session a CSRF token, which the shared admin
		// context's API calls do not send.
		const { context, page } = await as(ctx, {
			email: "Administrator",
			password: ctx.adminPassword,
		});
		try {
			await open360(page, customer, "overview");
			const boot = await page.evaluate(() => frappe.boot.customer_360);
			assert.ok(boot, "frappe.boot.customer_360 is missing (hook boot_session)");
			const values = (name) => boot[name].map((i) => i.value);
			assert.ok(values("event_types").includes("task"));
			assert.ok(values("note_scopes").includes("internal"));
			assert.ok(boot.flag_types.some((f) => f.value === "manual_flag" && f.manual));

			// Suggested next steps: the server's suggestions (or the empty text), no hint made up by the page.
			const next = page.locator(".c360-ov-next");
			await next
				.locator(".c360-suggestions, .c360-empty")
				.first()
				.waitFor({ timeout: 30000 });
			assert.equal(await next.locator(".c360-next-step").count(), 0);
			const blocks = await next.evaluate((el) =>
				[...el.children].map((c) => /\bc360-(suggestions|empty)\b/.test(c.className))
			);
			assert.deepEqual(
				blocks,
				[true],
				"the next steps block holds one server list or the empty text"
			);
			// "Activity" counts the server's activity types: the total is the sum of the figures by type.
			const figure = async (cls) => {
				const value = page.locator(`.c360-ov-figures .${cls} .c360-figure-value`);
				return (await value.count()) ? Number((await value.textContent()).trim()) : 0;
			};
			let sum = 0;
			for (const type of boot.activity_event_types) sum += await figure(`c360-fig-${type}`);
			assert.equal(await figure("c360-fig-activity"), sum);

			// The dialogs offer exactly the server's values.
			const dialog = page.locator(".modal.show");
			const optionsOf = async (field) => {
				const select = dialog.locator(`[data-fieldname=${field}] select`);
				await select.waitFor({ timeout: 15000 });
				return select.evaluate((el) =>
					[...el.options].map((o) => o.value).filter(Boolean)
				);
			};
			await page.locator(".c360-action-log-interaction").click();
			assert.deepEqual(await optionsOf("interaction_type"), values("interaction_types"));
			await dialog.locator(".btn-modal-close").click();
			await dialog.waitFor({ state: "hidden" });
			await page.locator(".c360-action-raise-flag").click();
			const flags = await optionsOf("flag_type");
			assert.deepEqual([...flags].sort(), [...values("flag_types")].sort());
			assert.ok(
				boot.flag_types.find((f) => f.value === flags[0]).manual,
				"manual types first"
			);
			await dialog.locator(".btn-modal-close").click();
			await dialog.waitFor({ state: "hidden" });

			// Timeline chips carry the server's label, translated.
			await page.locator(".c360-tab[data-tab=timeline]").click();
			const chip = page.locator(".c360-tab-timeline .c360-chip[data-type=task]");
			await chip.waitFor({ timeout: 30000 });
			const label = await page.evaluate(
				(b) => __(b.event_types.find((t) => t.value === "task").label),
				boot
			);
			assert.ok((await chip.textContent()).includes(label), `chip label is not ${label}`);
		} finally {
			await context.close();
		}
	},

	async "live update: an event written server-side appears on the open page without a reload"(
		ctx
	) {
		const { admin, customer, finance } = await seed(ctx);
		const { context, page } = await as(ctx, finance);
		try {
			await open360(page, customer, "timeline");
			await page.evaluate(() => (window.__c360_no_reload = true));
			const before = await chipCount(page, "task");
			const text = `Live ping ${Math.random().toString(36).slice(2, 8)}`;
			const started = Date.now();
			await api(admin, "POST", "/api/resource/ToDo", {
				description: text,
				reference_type: "Customer",
				reference_name: customer,
				allocated_to: "Administrator",
			});
			const fresh = page
				.locator(".c360-tab-timeline .c360-event.c360-new[data-kind=task_created]")
				.filter({ hasText: text });
			await fresh.waitFor({ timeout: 60000 });
			assert.ok(await page.evaluate(() => window.__c360_no_reload), "the page was reloaded");
			assert.ok((await chipCount(page, "task")) > before, "the chip count follows");
			const mode = await page.locator(".c360-page").getAttribute("data-live-mode");
			const via = await page.locator(".c360-page").getAttribute("data-live-last");
			console.log(
				`  live update after ${Date.now() - started} ms (connection: ${mode}, delivered by: ${via})`
			);
		} finally {
			await context.close();
		}
	},

	async "live update without a socket connection: the page polls and still shows the new event"(
		ctx
	) {
		const { admin, customer, finance } = await seed(ctx);
		const { context, page } = await as(ctx, finance);
		try {
			await open360(page, customer, "timeline");
			await page.evaluate(() => {
				window.__c360_no_reload = true;
				frappe.realtime.socket?.disconnect(); // as under `bench serve` without the socketio process
			});
			const text = `Polled ping ${Math.random().toString(36).slice(2, 8)}`;
			await api(admin, "POST", "/api/resource/ToDo", {
				description: text,
				reference_type: "Customer",
				reference_name: customer,
				allocated_to: "Administrator",
			});
			await page
				.locator(".c360-tab-timeline .c360-event.c360-new[data-kind=task_created]")
				.filter({ hasText: text })
				.waitFor({ timeout: 60000 });
			assert.ok(await page.evaluate(() => window.__c360_no_reload), "the page was reloaded");
			assert.equal(await page.locator(".c360-page").getAttribute("data-live-last"), "poll");
		} finally {
			await context.close();
		}
	},

	async "a failing API call shows an error in its own panel; the rest of the page renders"(ctx) {
		const { customer, finance } = await seed(ctx);
		const { context, page } = await as(ctx, finance);
		try {
			await failRead(
				page,
				"interactions.get_tasks",
				{
					status: 500,
					contentType: "application/json",
					body: JSON.stringify({ exception: "Exception: boom" }),
				},
				{ error: "This part of the page could not be loaded.", status: 500 }
			);
			await open360(page, customer, "overview");
			await page.locator(".c360-ov-tasks .c360-panel-error").waitFor({ timeout: 15000 });
			await page
				.locator(".c360-ov-figures .c360-figure")
				.first()
				.waitFor({ timeout: 15000 });
			assert.equal(
				await page.locator(".c360-panel-error").count(),
				1,
				"only the tasks panel failed"
			);
			assert.ok((await page.locator(".c360-ov-recent .c360-event").count()) > 0);
			assert.equal(
				await page.locator(".modal.show").count(),
				0,
				"no error dialog over the page"
			);
		} finally {
			await context.close();
		}
	},

	async "draft email opens the standard composer prefilled and sends nothing"(ctx) {
		const { admin, customer, sales } = await seed(ctx);
		const { context, page } = await as(ctx, sales);
		try {
			await open360(page, customer, "overview");
			await page.locator(".c360-action-draft-email").click();
			const dialog = page.locator(".modal.show");
			await dialog.locator("[data-fieldname=subject] input").waitFor();
			assert.equal(
				await dialog.locator("[data-fieldname=subject] input").inputValue(),
				customer
			);
			assert.match(await dialog.locator(".modal-title").textContent(), /Draft email/);
			await page.waitForTimeout(1500);
			assert.equal(
				await page.locator(".modal.show").count(),
				1,
				"another dialog (an error) opened over the composer"
			);
			await dialog.locator(".btn-secondary, .btn-modal-secondary").first().click(); // Discard
			await dialog.waitFor({ state: "hidden" });
			const q = encodeURIComponent(
				JSON.stringify({
					reference_doctype: "Customer",
					reference_name: customer,
					communication_medium: "Email",
				})
			);
			const sent = await api(admin, "GET", `/api/resource/Communication?filters=${q}`);
			assert.equal(sent.data.length, 0, "an email was created");
		} finally {
			await context.close();
		}
	},

	async "narrow window: no horizontal page scroll, tabs and actions usable"(ctx) {
		const { customer, sales } = await seed(ctx);
		const { context, page } = await as(ctx, sales, { width: 390, height: 844 });
		try {
			await open360(page, customer, "timeline");
			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - window.innerWidth
			);
			assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
			await page.locator(".c360-tab[data-tab=notes]").scrollIntoViewIfNeeded();
			await page.locator(".c360-tab[data-tab=notes]").click();
			await page
				.locator(".c360-pane.c360-tab-notes[data-state=ready]")
				.waitFor({ timeout: 30000 });
			await page.screenshot({ path: `${ctx.artifacts}/360-narrow.png`, fullPage: true });
		} finally {
			await context.close();
		}
	},

	async "directory: search by name finds the customer; a click opens the 360"(ctx) {
		const { customer, sales } = await seed(ctx);
		const { context, page } = await as(ctx, sales);
		try {
			await page.goto(deskUrl("customer-360-directory"));
			await page.locator(".c360-dir-search").fill(customer.split(" ").pop());
			const row = page.locator(".c360-dir-row");
			await page.waitForFunction(
				() => document.querySelectorAll(".c360-dir-row").length === 1,
				null,
				{ timeout: 15000 }
			);
			assert.equal(await row.getAttribute("data-name"), customer);
			await page.locator(".c360-dir-search").fill("no-such-customer-zzz");
			await page.locator(".c360-dir-empty").waitFor({ timeout: 15000 });
			await page.locator(".c360-dir-search").fill(customer.split(" ").pop());
			await row.first().waitFor();
			await page.screenshot({ path: `${ctx.artifacts}/360-directory.png`, fullPage: true });
			await row.locator(".small").first().click();
			await page.waitForURL(deskPattern("/customer-360/"), { timeout: 15000 });
			await page.locator(".c360-customer-name").waitFor({ timeout: 15000 });
			assert.equal(
				(await page.locator(".c360-customer-name").textContent()).trim(),
				customer
			);
		} finally {
			await context.close();
		}
	},
};

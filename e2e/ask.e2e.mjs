// The Ask tab (issue 21): a Sales User asks about a customer, the answer (from the record, no model configured)
// lists their open task as text with a citation link, and the link opens the cited document.
import assert from "node:assert/strict";
import http from "node:http";
import { api, deskPattern, login, makeCustomer, makeUser, open360 } from "./helpers.mjs";

const SETTINGS = `/api/resource/Customer 360 Settings/Customer 360 Settings`;

// A stand-in OpenAI-compatible endpoint in this process: answers every chat completion with `reply(prompt)`.
async function standIn(reply) {
	const requests = [];
	const server = http.createServer((req, res) => {
		let body = "";
		req.on("data", (chunk) => (body += chunk));
		req.on("end", () => {
			const parsed = JSON.parse(body || "{}");
			const prompt = (parsed.messages || []).map((m) => m.content).join("\n");
			requests.push(prompt);
			res.writeHead(200, { "Content-Type": "application/json" });
			res.end(
				JSON.stringify({
					choices: [{ message: { role: "assistant", content: reply(prompt) } }],
				})
			);
		});
	});
	await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
	return { server, requests, url: `http://127.0.0.1:${server.address().port}/v1` };
}

// Typed as text by a user: stored escaped in the ToDo's HTML, it reaches the answer as text and must stay text.
const HOSTILE = "<img src=x onerror=window.__c360_ask_xss=1>";
const HOSTILE_STORED = "&lt;img src=x onerror=window.__c360_ask_xss=1&gt;";

export const tests = {
	async "a question is answered with citations, and a citation opens its document"(ctx) {
		const admin = await login(ctx);
		const customer = await makeCustomer(admin, "E2E Ask");
		const user = await makeUser(admin, ["Sales User"]);
		const description = `<p>Send the pump manual ${HOSTILE_STORED}</p>`;
		const todo = (
			await api(admin, "POST", "/api/resource/ToDo", {
				description,
				reference_type: "Customer",
				reference_name: customer,
				allocated_to: user.email,
			})
		).data.name;
		const context = await login(ctx, user.email, user.password);
		const page = await context.newPage();
		page.on("pageerror", (e) => console.log(`  [page error] ${e.message}`));
		try {
			await open360(page, customer, "ask");
			await page.locator(".c360-ask-input").fill("Any open tasks?");
			await page.locator(".c360-ask-submit").click();
			await page.locator(".c360-ask-answer[data-state=ready]").waitFor({ timeout: 30000 });
			const answer = page.locator(".c360-ask-answer");
			assert.equal(
				await answer.locator(".c360-ask-source").getAttribute("data-source"),
				"rules"
			);
			// The task's text is shown as text: the hostile tag is visible, not rendered.
			assert.ok(
				(await answer.textContent()).includes(HOSTILE),
				`the answer does not show the task: ${await answer.textContent()}`
			);
			assert.equal(await page.evaluate(() => window.__c360_ask_xss), undefined);
			assert.equal(await answer.locator("img").count(), 0);
			const cite = answer.locator(`.c360-cite[data-doctype="ToDo"][data-name="${todo}"]`);
			assert.equal(await cite.count(), 1, "the task is not cited");
			await page.screenshot({ path: `${ctx.artifacts}/ask-answer.png`, fullPage: true });
			await cite.click();
			await page.waitForURL(deskPattern("/todo/"), { timeout: 30000 });
			assert.ok(decodeURIComponent(page.url()).includes(todo), page.url());
			// The form of the cited document opens (the user may read it: the server cited only such).
			await page.waitForFunction(
				(name) => window.cur_frm && cur_frm.doc && cur_frm.doc.name === name,
				todo,
				{ timeout: 30000 }
			);

			// A question the record cannot answer says so plainly (no model on this site).
			await open360(page, customer, "ask");
			await page.locator(".c360-ask-input").fill("Write a poem about them");
			await page.locator(".c360-ask-submit").click();
			await page.locator(".c360-ask-answer[data-state=ready]").waitFor({ timeout: 30000 });
			assert.match(
				await page.locator(".c360-ask-answer").textContent(),
				/needs the assistant/
			);
		} finally {
			await context.close();
			await admin.close();
		}
	},

	async "with a model configured, Briefing and Draft email offer it: editable drafts with citations, nothing sent"(
		ctx
	) {
		const admin = await login(ctx);
		const model = await standIn((prompt) =>
			prompt.includes("Draft a short, polite email")
				? "Subject: About the manual\n\nDear customer,\nthe manual follows.\n[ref 1]"
				: "Stand-in briefing line. [ref 1]\nA second line. [ref 42]"
		);
		const customer = await makeCustomer(admin, "E2E Ask Model");
		const user = await makeUser(admin, ["Sales User"]);
		const todo = (
			await api(admin, "POST", "/api/resource/ToDo", {
				description: "Bring the manual",
				reference_type: "Customer",
				reference_name: customer,
				allocated_to: user.email,
			})
		).data.name;
		await api(admin, "PUT", SETTINGS, {
			assistant_url: model.url,
			assistant_model: "stand-in",
		});
		const context = await login(ctx, user.email, user.password);
		const page = await context.newPage();
		page.on("pageerror", (e) => console.log(`  [page error] ${e.message}`));
		try {
			await open360(page, customer, "overview");
			await page.locator(".c360-action-briefing").click();
			const dialog = page.locator(".modal.show");
			await dialog.locator(".c360-briefing").waitFor();
			await dialog.locator(".btn-modal-secondary, .btn-secondary").first().click();
			const draft = dialog.locator(".c360-briefing-draft");
			await draft.waitFor();
			assert.equal(await draft.inputValue(), "Stand-in briefing line.\nA second line.\n");
			await draft.fill("Edited by the user");
			assert.equal(await draft.inputValue(), "Edited by the user");
			const cites = dialog.locator(".c360-draft-citations .c360-cite");
			assert.equal(await cites.count(), 1, "ref 42 is no record of the context");
			assert.equal(await cites.first().getAttribute("data-name"), todo);
			await page.keyboard.press("Escape");
			await dialog.waitFor({ state: "hidden" });

			await page.locator(".c360-action-draft-email").click();
			const ask = page.locator(".modal.show");
			await ask.locator("[data-fieldname=about] textarea").fill("the pump manual");
			await ask.locator(".btn-primary").click();
			const review = page.locator(".modal.show .c360-draft-citations");
			await review.waitFor();
			const reviewDialog = page.locator(".modal.show");
			assert.equal(
				await reviewDialog.locator("[data-fieldname=subject] input").inputValue(),
				"About the manual"
			);
			assert.ok(model.requests.some((p) => p.includes("the pump manual")));
			await reviewDialog.locator(".btn-primary").click();
			const composer = page.locator(".modal.show [data-fieldname=subject] input");
			await page.waitForFunction(
				() =>
					[
						...document.querySelectorAll(".modal.show [data-fieldname=subject] input"),
					].some((i) => i.value === "About the manual"),
				null,
				{ timeout: 15000 }
			);
			assert.ok(await composer.count());
			const q = encodeURIComponent(
				JSON.stringify({ reference_doctype: "Customer", reference_name: customer })
			);
			const sent = await api(admin, "GET", `/api/resource/Communication?filters=${q}`);
			assert.equal(sent.data.length, 0, "an email was created");
		} finally {
			await api(admin, "PUT", SETTINGS, { assistant_url: "", assistant_model: "" });
			model.server.close();
			await context.close();
			await admin.close();
		}
	},
};

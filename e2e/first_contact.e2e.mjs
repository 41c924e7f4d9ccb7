// First contact on the 360: a Lead with an opportunity, a comment, a task and a calendar event, converted into a
// customer (a Customer saved with lead_name, as ERPNext's conversion does), shows that history and the
// "became a customer" milestone on the customer's timeline, with no backfill.
import assert from "node:assert/strict";
import { api, login, open360 } from "./helpers.mjs";

export const tests = {
	async "a converted Lead's first-contact history is on the customer's timeline"(ctx) {
		const admin = await login(ctx);
		const tag = Math.random().toString(36).slice(2, 8);
		try {
			const lead = (
				await api(admin, "POST", "/api/resource/Lead", {
					first_name: "Lena",
					last_name: `First ${tag}`,
					company_name: `First Contact ${tag}`,
					email_id: `e2e-lead-${tag}@example.com`,
				})
			).data.name;
			const company = (await api(admin, "GET", "/api/resource/Company?limit_page_length=1"))
				.data[0].name;
			await api(admin, "POST", "/api/resource/Opportunity", {
				opportunity_from: "Lead",
				party_name: lead,
				company,
				title: `Website enquiry ${tag}`,
			});
			await api(admin, "POST", "/api/method/frappe.desk.form.utils.add_comment", {
				reference_doctype: "Lead",
				reference_name: lead,
				content: `Met at the fair ${tag}`,
				comment_email: "Administrator",
				comment_by: "Administrator",
			});
			await api(admin, "POST", "/api/resource/ToDo", {
				description: `Send the catalogue ${tag}`,
				reference_type: "Lead",
				reference_name: lead,
				allocated_to: "Administrator",
			});
			await api(admin, "POST", "/api/resource/Event", {
				subject: `Discovery call ${tag}`,
				event_type: "Public",
				event_category: "Meeting",
				// two days ago: in the past whatever the site's time zone
				starts_on: new Date(Date.now() - 2 * 86400e3)
					.toISOString()
					.slice(0, 19)
					.replace("T", " "),
				event_participants: [{ reference_doctype: "Lead", reference_docname: lead }],
			});
			// The conversion: ERPNext maps the Lead onto a new Customer that keeps lead_name.
			const mapped = (
				await api(
					admin,
					"POST",
					"/api/method/erpnext.crm.doctype.lead.lead.make_customer",
					{
						source_name: lead,
					}
				)
			).message;
			const customer = (
				await api(admin, "POST", "/api/resource/Customer", {
					customer_name: mapped.customer_name,
					customer_type: mapped.customer_type,
					lead_name: lead,
				})
			).data.name;

			const expected = [
				`Lead: Lena First ${tag}`,
				`Opportunity: Website enquiry ${tag}`,
				"Comment by Administrator",
				`Task: Send the catalogue ${tag}`,
				`Meeting: Discovery call ${tag}`,
				"Became a customer",
			];
			const titles = async (page) =>
				page.locator(".c360-tab-timeline .c360-event .c360-event-title").allTextContents();
			const page = await admin.newPage();
			// The Lead's documents are re-indexed for the new customer in a background job: reload until there.
			await open360(
				page,
				customer,
				"timeline",
				async (p) => {
					const seen = (await titles(p)).map((t) => t.trim());
					return expected.every((title) => seen.includes(title));
				},
				20
			);
			const seen = (await titles(page)).map((t) => t.trim());
			for (const title of expected)
				assert.ok(seen.includes(title), `${title} not in ${seen}`);
			// Stored text reaches the page as text, never as markup.
			assert.equal(await page.locator(".c360-tab-timeline .c360-event-title b").count(), 0);
			await page.screenshot({ path: `${ctx.artifacts}/first-contact.png`, fullPage: true });
		} finally {
			await admin.close();
		}
	},
};

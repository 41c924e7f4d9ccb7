// People tab: every contact of the customer (and of the Lead it came from), their role on the account, when
// anyone last emailed, called or met them, and a warning for stakeholders nobody has contacted for a while.
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const { date, empty, esc, form_link, get, pill, post, render_event, table } =
		customer_360.c360;

	async function load_people($body, page) {
		const r = await get("people.get_people", { customer: page.customer });
		if (!r.people.length) {
			$body.html(empty(__("No contacts are linked to this customer.")));
			return;
		}
		const quiet = r.people.filter((p) => p.quiet).length;
		$body.html(`
			${
				quiet && r.quiet_days
					? `<div class="small text-warning mb-2 c360-people-quiet">${esc(
							__("{0} of {1} people have had no contact in {2} days.", [
								quiet,
								r.people.length,
								r.quiet_days,
							])
						)}</div>`
					: ""
			}
			<div class="c360-people">${table(
				[
					{
						label: __("Person"),
						html: (p) =>
							`${form_link("Contact", p.name, p.full_name)}
							${p.is_primary ? pill(__("Primary"), "blue", "ml-1") : ""}
							${p.via === "lead" ? pill(__("From lead"), "gray", "ml-1") : ""}
							${p.designation ? `<div class="small text-muted">${esc(p.designation)}</div>` : ""}`,
					},
					{
						label: __("Role"),
						html: (p) =>
							`<a href="#" class="c360-person-role" data-contact="${esc(p.name)}">${
								p.account_role
									? esc(__(p.account_role))
									: `<span class="text-muted">${esc(__("Set role"))}</span>`
							}</a>`,
					},
					{
						label: __("Reach"),
						html: (p) =>
							`<div class="small">${esc(p.email_id || "")}</div><div class="small">${esc(p.phone || "")}</div>`,
					},
					{
						label: __("Emails"),
						cls: "text-right",
						html: (p) =>
							`<span class="c360-person-messages">${esc(p.messages)}</span>`,
					},
					{
						label: __("Calls & meetings"),
						cls: "text-right",
						html: (p) =>
							`<span class="c360-person-interactions">${esc(p.interactions)}</span>`,
					},
					{
						label: "",
						html: (p) =>
							`<button class="btn btn-xs btn-default c360-person-activity" data-contact="${esc(p.name)}">${esc(__("Activity"))}</button>`,
					},
					{
						label: __("Last contact"),
						html: (p) =>
							`${p.last_contact ? date(p.last_contact) : `<span class="text-muted">${esc(__("never"))}</span>`}
							${
								p.quiet && r.quiet_days
									? pill(
											__("No contact in {0} days", [r.quiet_days]),
											"orange",
											"ml-1 c360-person-quiet"
										)
									: ""
							}`,
					},
				],
				r.people
			)}</div>`);
		$body.find(".c360-person-activity").on("click", (e) => {
			const contact = $(e.currentTarget).attr("data-contact");
			show_activity(
				page.customer,
				r.people.find((p) => p.name === contact)
			);
		});
		$body.find(".c360-person-role").on("click", (e) => {
			e.preventDefault();
			const contact = $(e.currentTarget).attr("data-contact");
			const person = r.people.find((p) => p.name === contact);
			frappe.prompt(
				{
					fieldname: "role",
					fieldtype: "Select",
					label: __("Role on the account"),
					options: [
						{ value: "", label: "" },
						...r.roles.map((v) => ({ value: v, label: __(v) })),
					],
					default: person?.account_role || "",
				},
				async (values) => {
					await post("people.set_account_role", {
						customer: page.customer,
						contact,
						role: values.role || "",
					});
					await load_people($body, page);
				},
				__("Role on the account"),
				__("Save")
			);
		});
	}

	// One person's events: the customer's timeline filtered to them (server-side, masked as the timeline).
	function show_activity(customer, person) {
		const d = new frappe.ui.Dialog({ title: __("Activity"), size: "large" });
		$(d.body).html(`<div class="small text-muted mb-2"></div>
			<div class="c360-person-events"></div>
			<button class="btn btn-xs btn-default c360-person-more" style="display:none">${esc(__("More"))}</button>`);
		$(d.body).find(".text-muted").first().text(person.full_name);
		const $events = $(d.body).find(".c360-person-events");
		const $more = $(d.body).find(".c360-person-more");
		let cursor = null;
		const load = async () => {
			const r = await get("people.get_person_timeline", {
				customer,
				contact: person.name,
				cursor,
				limit: 20,
			});
			for (const ev of r.events) $events.append(render_event(ev));
			if (!cursor && !r.events.length) $events.html(empty(__("Nothing here yet.")));
			cursor = r.next_cursor;
			$more.toggle(Boolean(cursor));
		};
		$more.on("click", load);
		d.show();
		load().catch((e) => $events.html(empty(e.message)));
	}

	Object.assign(customer_360.c360, { load_people });
})();

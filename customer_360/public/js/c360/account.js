// The account around the customer: the lifecycle badge of the header (with the date of each change), the Group
// tab (members of the group or household, their roll-up and their events), the Related tab (open opportunities,
// orders, issues, contracts) and the complete Audit tab (paged).
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const {
		date,
		desk_url,
		empty,
		esc,
		form_link,
		get,
		in_panel,
		masked,
		money,
		pill,
		render_event,
		table,
		when,
	} = customer_360.c360;

	const STAGE_COLORS = {
		lead: "gray",
		prospect: "blue",
		first_purchase: "cyan",
		active: "green",
		at_risk: "red",
		dormant: "orange",
		churned: "darkgrey",
		won_back: "purple",
	};

	// ---------------------------------------------------------------- lifecycle (header badge)
	function lifecycle_badge($badges, customer) {
		get("account.get_lifecycle", { customer })
			.then((r) => {
				if (!r.stage) return;
				const $pill = $(
					pill(
						r.since
							? `${r.label} · ${__("since {0}", [frappe.datetime.str_to_user(r.since)])}`
							: r.label,
						STAGE_COLORS[r.stage] || "gray",
						"c360-badge c360-lifecycle"
					)
				)
					.attr("data-stage", r.stage)
					.attr("title", __("Lifecycle stage: click for its history"))
					.css("cursor", "pointer")
					.appendTo($badges);
				if (r.history.length) $pill.on("click", () => show_history(r));
			})
			.catch((e) => console.warn("customer_360: lifecycle badge", e));
	}

	function show_history(r) {
		const d = new frappe.ui.Dialog({ title: __("Lifecycle"), size: "small" });
		$(d.body).html(
			table(
				[
					{
						label: __("Stage"),
						html: (h) => pill(h.label, STAGE_COLORS[h.stage] || "gray"),
					},
					{ label: __("Since"), html: (h) => date(h.since) },
				],
				r.history.slice().reverse()
			)
		);
		$(d.body).find("table").addClass("c360-lifecycle-history");
		d.show();
	}

	// ---------------------------------------------------------------- group / household
	const RELATION = {
		self: () => __("This customer"),
		child: () => __("Child"),
		household: () => __("Household member"),
	};

	async function load_group($body, page) {
		const g = await get("account.get_group", { customer: page.customer });
		if (g.members.length <= 1) {
			$body.html(
				empty(
					__("No other customer rolls up into this one (Parent Customer or Household).")
				)
			);
			return;
		}
		const score = (m) =>
			m.score === null && g.risk_masked
				? masked()
				: m.band
					? pill(`${m.score}`, m.band)
					: `<span class="text-muted">–</span>`;
		const flags = (m) => (m.flags === null ? masked() : esc(m.flags));
		$body.html(`
			<h6 class="text-muted">${esc(g.household ? __("Household") : __("Group"))}</h6>
			<div class="c360-group-members">${table(
				[
					{
						label: __("Customer"),
						html: (m) =>
							`<a href="${esc(desk_url("customer-360", m.customer))}">${esc(m.customer_name || m.customer)}</a>`,
					},
					{
						label: __("Relation"),
						html: (m) => esc((RELATION[m.relation] || (() => m.relation))()),
					},
					{
						label: __("Lifetime value"),
						cls: "text-right",
						html: (m) => money(m.lifetime_value),
					},
					{ label: __("Health"), html: score },
					{ label: __("Active flags"), cls: "text-right", html: flags },
					{
						label: __("Last activity"),
						html: (m) => (m.last_activity ? date(m.last_activity) : ""),
					},
				],
				g.members
			)}</div>
			<div class="small c360-group-total mb-3">
				${esc(__("{0} customers", [g.total.members]))} ·
				${__("Lifetime value")}: ${money(g.total.lifetime_value)} ·
				${__("Health (weighted by revenue)")}: ${g.total.score === null ? (g.risk_masked ? masked() : "–") : pill(`${g.total.score}`, g.total.band)} ·
				${__("Active flags")}: ${g.total.flags === null ? masked() : esc(g.total.flags)}
			</div>
			<div class="d-flex align-items-center mb-2" style="gap: 6px">
				<h6 class="text-muted mb-0">${esc(__("Events of the group"))}</h6>
				<select class="form-control form-control-sm ml-auto c360-group-member" style="max-width: 260px">
					<option value="">${esc(__("All members"))}</option>
					${g.members.map((m) => `<option value="${esc(m.customer)}">${esc(m.customer_name || m.customer)}</option>`).join("")}
				</select>
			</div>
			<div class="c360-group-events"></div>
			<button class="btn btn-xs btn-default c360-group-more" style="display:none">${esc(__("More"))}</button>`);
		const names = Object.fromEntries(g.members.map((m) => [m.customer, m.customer_name]));
		const $events = $body.find(".c360-group-events");
		const $more = $body.find(".c360-group-more");
		let cursor = null;
		const load = async (first) => {
			if (first) {
				cursor = null;
				$events.empty();
			}
			const r = await get("account.get_group_timeline", {
				customer: page.customer,
				member: $body.find(".c360-group-member").val() || null,
				cursor,
				limit: 20,
			});
			for (const ev of r.events) {
				const $ev = render_event(ev);
				$ev.attr("data-customer", ev.customer);
				$ev.prepend(
					`<div class="small text-muted c360-event-member">${esc(names[ev.customer] || ev.customer)}</div>`
				);
				$events.append($ev);
			}
			if (first && !r.events.length) $events.html(empty(__("Nothing here yet.")));
			cursor = r.next_cursor;
			$more.toggle(Boolean(cursor));
		};
		$body.find(".c360-group-member").on("change", () => in_panel($events, () => load(true)));
		$more.on("click", () => load(false));
		await load(true);
	}

	// ---------------------------------------------------------------- related records
	const SECTIONS = [
		["opportunities", () => __("Open opportunities")],
		["orders", () => __("Open orders")],
		["issues", () => __("Open issues")],
		["contracts", () => __("Contracts")],
	];

	async function load_related($body, page) {
		const r = await get("account.get_related", { customer: page.customer });
		const parts = SECTIONS.filter(([key]) => r[key] !== null).map(([key, label]) => {
			const rows = r[key];
			const columns = [
				{
					label: __("Document"),
					html: (row) =>
						form_link(row.doctype, row.name, row.title || row.subject || row.name),
				},
				{ label: __("Status"), html: (row) => esc(__(row.status || "")) },
			];
			if (key === "opportunities" || key === "orders")
				columns.push({
					label: __("Amount"),
					cls: "text-right",
					html: (row) => money(row.amount, row.currency),
				});
			if (key === "opportunities")
				columns.push({
					label: __("Expected closing"),
					html: (row) => date(row.expected_closing),
				});
			if (key === "orders")
				columns.push({ label: __("Delivery"), html: (row) => date(row.delivery_date) });
			if (key === "issues")
				columns.push({ label: __("Opened"), html: (row) => date(row.opening_date) });
			if (key === "contracts")
				columns.push({
					label: __("Renewal"),
					html: (row) =>
						row.end_date
							? `${date(row.end_date)} ${
									row.days_to_renewal !== null && row.days_to_renewal <= 90
										? pill(
												row.days_to_renewal < 0
													? __("ended")
													: __("in {0} days", [row.days_to_renewal]),
												row.days_to_renewal < 0 ? "gray" : "orange",
												"ml-1"
											)
										: ""
								}`
							: "",
				});
			return `<div class="c360-related-${key} mb-3"><h6 class="text-muted">${esc(label())}</h6>${
				rows.length ? table(columns, rows) : empty(__("None open."))
			}</div>`;
		});
		$body.html(parts.join("") || empty(__("Nothing related that you may read.")));
	}

	// ---------------------------------------------------------------- audit
	async function load_account_audit($body, page) {
		$body.html(`<div class="c360-audit"></div>
			<button class="btn btn-xs btn-default c360-audit-more" style="display:none">${esc(__("More"))}</button>`);
		const $list = $body.find(".c360-audit");
		const $more = $body.find(".c360-audit-more");
		const entries = [];
		let cursor = null;
		const record = (e) => {
			const name = e.docname ? `${__(e.doctype)} ${e.docname}` : "";
			const link =
				e.docname && e.kind !== "record_deleted"
					? form_link(e.doctype, e.docname, name)
					: esc(name);
			const detail = e.fields
				? esc(e.fields.join(", "))
				: e.scope_from !== undefined
					? esc(`${e.scope_from || ""} → ${e.scope_to || ""}`)
					: esc(e.label || "");
			return `${link} <span class="text-muted small">${detail}</span>`;
		};
		const load = async () => {
			const r = await get("account.get_audit", {
				customer: page.customer,
				cursor,
				limit: 50,
			});
			entries.push(...r.entries);
			cursor = r.next_cursor;
			$list.html(
				table(
					[
						{ label: __("When"), html: (e) => when(e.at) },
						{ label: __("Who"), html: (e) => esc(frappe.user.full_name(e.actor)) },
						{
							label: __("What"),
							html: (e) =>
								`<span class="c360-audit-kind" data-kind="${esc(e.kind)}">${pill(e.kind_label, "gray")}</span>`,
						},
						{ label: __("Record"), html: record },
					],
					entries
				)
			);
			$more.toggle(Boolean(cursor));
		};
		$more.on("click", () => load());
		await load();
	}

	Object.assign(customer_360.c360, {
		lifecycle_badge,
		load_group,
		load_related,
		load_account_audit,
	});
})();

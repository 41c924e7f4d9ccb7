// Overview tab: key figures the user may see, recent activity, open and overdue tasks, invoices due soon and
// the server's suggested next steps (customer_360.next_steps: the one rule engine; the page adds no rule of its
// own). Each block loads on its own: a failure shows in that block only.
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const {
		EventList,
		date,
		empty,
		esc,
		form_link,
		get,
		html_to_text,
		in_panel,
		money,
		pill,
		type_label,
		vocabulary,
	} = customer_360.c360;
	const RECENT = 6; // events under "Recent activity"

	// The overview's own reads, so that the page can start them with the profile (util.prefetch): the same
	// method and arguments here and below. The money panel's figures only reach a reader with see_finance.
	function overview_reads(customer, caps) {
		const since = frappe.datetime.add_days(frappe.datetime.get_today(), -90);
		return {
			counts: ["timeline.get_timeline", { customer, limit: 1, from_date: since }],
			money: caps.see_finance ? ["overview.get_money", { customer }] : null,
			tasks: ["interactions.get_tasks", { customer }],
			next: ["next_steps.get_suggestions", { customer }],
			recent: ["timeline.get_timeline", { customer, limit: RECENT }], // EventList's first page
		};
	}

	async function load_overview($body, page) {
		const customer = page.customer;
		const reads = overview_reads(customer, page.caps);
		$body.html(`
			<div class="c360-overview">
				<h6 class="text-muted">${__("Key figures")}</h6>
				<div class="c360-ov-figures mb-3"></div>
				<div class="c360-grid-2">
					<div><h6 class="text-muted">${__("Suggested next steps")}</h6><div class="c360-ov-next"></div></div>
					<div><h6 class="text-muted">${__("Open tasks")}</h6><div class="c360-ov-tasks"></div></div>
					<div><h6 class="text-muted">${__("Recent activity")}</h6><div class="c360-ov-recent"></div></div>
					${page.caps.see_finance ? `<div><h6 class="text-muted">${__("Invoices due soon")}</h6><div class="c360-ov-due"></div></div>` : ""}
				</div>
			</div>`);
		let money_facts = null;
		const blocks = [
			in_panel($body.find(".c360-ov-figures"), async ($b) => {
				const [recent, m] = await Promise.all([
					get(...reads.counts),
					reads.money ? get(...reads.money) : Promise.resolve(null),
				]);
				money_facts = m;
				$b.html(figures(recent.counts || {}, m));
			}),
			in_panel($body.find(".c360-ov-tasks"), async ($b) => {
				$b.html(tasks(await get(...reads.tasks)));
			}),
			in_panel($body.find(".c360-ov-recent"), async ($b) => {
				$b.empty();
				const list = new EventList($b, { customer, limit: RECENT, infinite: false });
				await list.load(true);
				const $all = $(`<a href="#" class="small">${__("Open the timeline")}</a>`).on(
					"click",
					(e) => {
						e.preventDefault();
						page.activate("timeline");
					}
				);
				$b.append($all);
			}),
			in_panel($body.find(".c360-ov-next"), async ($b) => {
				const r = await get(...reads.next);
				if ((r.suggestions || []).length)
					$b.empty().append(suggestion_list(r.suggestions, page));
				else $b.html(empty(__("Nothing pressing. Good time for a check-in.")));
			}),
		];
		await Promise.all(blocks);
		if (page.caps.see_finance) {
			in_panel($body.find(".c360-ov-due"), async ($b) => $b.html(due_soon(money_facts)));
		}
	}

	// The server's rules (customer_360.next_steps): each with its reason and evidence, one click to a ToDo,
	// a dismissal that records who and why, and an email draft for review where the rule has one.
	function suggestion_list(suggestions, page) {
		const $list = $(`<div class="c360-suggestions"></div>`);
		const { post } = customer_360.c360;
		for (const s of suggestions) {
			const evidence = (s.evidence || [])
				.slice(0, 3)
				.map((e) =>
					e.doctype && e.name
						? form_link(e.doctype, e.name, e.label || e.name)
						: esc(e.label || "")
				)
				.join(", ");
			const $s =
				$(`<div class="py-2 border-bottom small c360-suggestion" data-key="${esc(s.key)}" data-rule="${esc(s.rule)}">
				<div class="font-weight-bold c360-suggestion-title">${esc(s.title)}</div>
				<div class="text-muted">${esc(s.reason)}${evidence ? ` · ${evidence}` : ""}</div>
				<div class="mt-1 c360-suggestion-actions">
					<button class="btn btn-xs btn-primary c360-accept">${__("Create task")}</button>
					${s.has_draft ? `<button class="btn btn-xs btn-default c360-draft">${__("Draft email")}</button>` : ""}
					<button class="btn btn-xs btn-default c360-dismiss">${__("Dismiss")}</button>
				</div></div>`).appendTo($list);
			$s.find(".c360-accept").on("click", async () => {
				const r = await post("next_steps.accept_suggestion", {
					customer: page.customer,
					key: s.key,
				});
				$s.find(".c360-suggestion-actions").html(
					`<span class="text-success c360-accepted">${__("Task created")}: ${form_link("ToDo", r.todo)}</span>`
				);
				page.changed();
			});
			$s.find(".c360-draft").on("click", async () => {
				const draft = await post("next_steps.get_draft", {
					customer: page.customer,
					key: s.key,
				});
				page.actions.draft_email(draft);
			});
			$s.find(".c360-dismiss").on("click", () => {
				frappe.prompt(
					{
						fieldname: "reason",
						fieldtype: "Small Text",
						label: __("Why is it dismissed?"),
						reqd: 1,
					},
					async (v) => {
						await post("next_steps.dismiss_suggestion", {
							customer: page.customer,
							key: s.key,
							reason: v.reason,
						});
						$s.addClass("c360-dismissed").slideUp(150);
					},
					__("Dismiss suggestion"),
					__("Dismiss")
				);
			});
		}
		return $list;
	}

	function figure(label, value, cls = "") {
		return `<div class="c360-figure ${cls}"><div class="c360-figure-label">${esc(label)}</div><div class="c360-figure-value">${value}</div></div>`;
	}

	function figures(counts, m) {
		const out = [];
		// Activity as the server defines it (core.definitions.ACTIVITY_EVENT_TYPES, via the boot info): the
		// customer-facing types, the ones that decide dormancy too.
		const types = vocabulary("activity_event_types");
		const total = types.reduce((sum, type) => sum + (counts[type] || 0), 0);
		out.push(figure(__("Activity, last 90 days"), esc(total), "c360-fig-activity"));
		for (const type of types) {
			if (counts[type])
				out.push(figure(type_label(type), esc(counts[type]), `c360-fig-${type}`));
		}
		for (const c of (m && m.companies) || []) {
			if (c.error || c.masked) continue;
			const suffix = m.companies.length > 1 ? ` (${c.company})` : "";
			out.push(
				figure(
					__("Outstanding") + suffix,
					money(c.outstanding, c.currency),
					"c360-fig-outstanding"
				)
			);
			out.push(
				figure(__("Overdue") + suffix, money(c.overdue, c.currency), "c360-fig-overdue")
			);
			out.push(figure(__("Lifetime value") + suffix, money(c.lifetime_value, c.currency)));
			if (c.credit_used_percent !== null && c.credit_used_percent !== undefined)
				out.push(figure(__("Credit used") + suffix, esc(`${c.credit_used_percent}%`)));
		}
		return `<div class="c360-figures">${out.join("")}</div>`;
	}

	function tasks(t) {
		if (!t.open.length) return empty(__("No open tasks."));
		return t.open
			.slice(0, 8)
			.map(
				(
					task
				) => `<div class="c360-task py-1 border-bottom small" data-name="${esc(task.name)}">
					${task.overdue ? pill(__("Overdue"), "red", "mr-1 c360-overdue") : ""}
					${form_link("ToDo", task.name, one_line(task.description).slice(0, 80) || task.name)}
					<span class="text-muted">· ${esc(frappe.user.full_name(task.allocated_to))}${task.date ? ` · ${date(task.date)}` : ""}</span>
				</div>`
			)
			.join("");
	}

	// A ToDo's description is HTML (a Text Editor): its text on one line.
	const one_line = (html) => html_to_text(html).replace(/\s+/g, " ");

	function due_soon(m) {
		const horizon = frappe.datetime.add_days(frappe.datetime.get_today(), 30);
		const rows = [];
		for (const c of (m && m.companies) || []) {
			// The server's list over every open invoice (due or overdue within 30 days), not the newest few.
			for (const inv of c.due_soon || []) {
				if (inv.due_date <= horizon) rows.push(inv);
			}
		}
		if (!rows.length) return empty(__("Nothing due in the next 30 days."));
		rows.sort((a, b) => (a.due_date < b.due_date ? -1 : 1));
		return rows
			.map(
				(
					inv
				) => `<div class="py-1 border-bottom small c360-due">${form_link("Sales Invoice", inv.name)}
					<span class="text-muted">${__("due")} ${date(inv.due_date)}</span>
					<span class="float-right">${money(inv.outstanding_amount, inv.currency)}</span></div>`
			)
			.join("");
	}

	Object.assign(customer_360.c360, { load_overview, overview_reads });
})();

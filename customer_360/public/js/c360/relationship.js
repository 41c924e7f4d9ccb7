// Notes, Interactions, Referrals, Files and Audit tabs: small lists over the notes and interactions APIs.
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
		html_to_text,
		pill,
		post,
		safe_href,
		scope_label,
		table,
		when,
	} = customer_360.c360;

	// ---------------------------------------------------------------- notes (scoped, pinned first)
	async function load_notes($body, page) {
		const customer = page.customer;
		const scope = $body.data("scope") || "";
		const r = await get("notes.get_notes", { customer, scope: scope || null });
		$body.html(`
			<div class="d-flex flex-wrap align-items-center mb-3" style="gap: 6px">
				<select class="form-control form-control-sm c360-note-scope-filter" style="max-width: 200px">
					<option value="">${__("All scopes I may read")}</option>
					${r.writable_scopes.map((s) => `<option value="${esc(s)}">${esc(scope_label(s))}</option>`).join("")}
				</select>
				<div class="c360-tags">${r.tags.map((t) => pill(t, "blue", "mr-1")).join("")}</div>
				<button class="btn btn-xs btn-primary ml-auto c360-notes-add">${__("Add note")}</button>
			</div>
			<div class="c360-notes"></div>`);
		$body
			.find(".c360-note-scope-filter")
			.val(scope)
			.on("change", (e) => {
				$body.data("scope", e.target.value);
				page.load_tab("notes");
			});
		$body.find(".c360-notes-add").on("click", () => page.actions.add_note());
		const $list = $body.find(".c360-notes");
		if (!r.notes.length) $list.html(empty(__("No notes yet.")));
		for (const n of r.notes) {
			const mine = n.author === frappe.session.user;
			const $n = $(`
				<div class="c360-note py-2 border-bottom ${n.pinned ? "pinned" : ""}" data-name="${esc(n.name)}" data-scope="${esc(n.scope)}">
					<div class="small mb-1">
						${n.pinned ? pill(__("Pinned"), "blue", "mr-1 c360-pinned") : ""}
						${pill(scope_label(n.scope), "gray", "mr-1 c360-note-scope")}
						<span class="text-muted">${esc(n.author_name || n.author)} · ${when(n.creation)}</span>
						<span class="float-right">
							<button class="btn btn-xs btn-link c360-note-pin">${n.pinned ? __("Unpin") : __("Pin")}</button>
							${mine ? `<button class="btn btn-xs btn-link text-danger c360-note-delete">${__("Delete")}</button>` : ""}
						</span>
					</div>
					<div class="c360-note-content" style="white-space: pre-wrap">${esc(html_to_text(n.content))}</div>
				</div>`).appendTo($list);
			$n.find(".c360-note-pin").on("click", async () => {
				await post("notes.update_note", { note: n.name, pinned: n.pinned ? 0 : 1 });
				page.changed("notes");
			});
			$n.find(".c360-note-delete").on("click", () =>
				frappe.confirm(__("Delete this note?"), async () => {
					await post("notes.delete_note", { note: n.name });
					page.changed("notes");
				})
			);
		}
	}

	// ---------------------------------------------------------------- interactions
	async function load_interactions($body, page) {
		const rows = await get("interactions.get_interactions", { customer: page.customer });
		$body.html(`<div class="d-flex mb-3"><button class="btn btn-xs btn-primary ml-auto c360-interactions-add">${__("Log interaction")}</button></div>
			<div class="c360-interactions"></div>`);
		$body.find(".c360-interactions-add").on("click", () => page.actions.log_interaction());
		$body.find(".c360-interactions").html(
			rows.length
				? rows
						.map(
							(
								i
							) => `<div class="c360-interaction py-2 border-bottom" data-name="${esc(i.name)}">
						<div class="small">${pill(__(frappe.utils.to_title_case(i.interaction_type || "")), "blue", "mr-1")}
							${form_link("Customer Interaction", i.name, frappe.datetime.str_to_user(i.interaction_time))}
							<span class="text-muted">· ${esc(frappe.user.full_name(i.logged_by))}${i.contact ? ` · ${esc(i.contact)}` : ""}</span></div>
						<div style="white-space: pre-wrap">${esc(i.summary)}</div>
						${i.outcome ? `<div class="small text-muted">${__("Outcome")}: ${esc(i.outcome)}</div>` : ""}
						${
							i.next_follow_up
								? `<div class="small">${__("Follow up on {0}", [date(i.next_follow_up)])}
							${i.follow_up_task ? form_link("ToDo", i.follow_up_task, __("task")) : ""}</div>`
								: ""
						}
					</div>`
						)
						.join("")
				: empty(__("No interactions logged yet."))
		);
	}

	// ---------------------------------------------------------------- referrals
	async function load_referrals($body, page) {
		const r = await get("interactions.get_referrals", { customer: page.customer });
		const link = (c) =>
			`<a href="${esc(desk_url("customer-360", c.name))}">${esc(c.customer_name || c.name)}</a>`;
		$body.html(`
			<h6 class="text-muted">${__("Referred by")}</h6>
			<div class="mb-3 c360-referred-by">${r.referred_by ? link(r.referred_by) : empty(__("Nobody on record."))}</div>
			<h6 class="text-muted">${__("Customers referred ({0})", [r.referred.length])}</h6>
			<div class="c360-referred">${r.referred.map((c) => `<div class="py-1 border-bottom">${link(c)} <span class="text-muted small">· ${when(c.creation)}</span></div>`).join("") || empty(__("None yet."))}</div>`);
	}

	// ---------------------------------------------------------------- files
	async function load_files($body, page) {
		const files = await get("interactions.get_files", { customer: page.customer });
		$body.html(
			table(
				[
					{
						label: __("File"),
						html: (f) =>
							file_link(f) + (f.is_private ? ` ${pill(__("Private"), "gray")}` : ""),
					},
					{
						label: __("Attached to"),
						html: (f) =>
							form_link(
								f.attached_to_doctype,
								f.attached_to_name,
								`${__(f.attached_to_doctype)} ${f.attached_to_name}`
							),
					},
					{
						label: __("Size"),
						html: (f) =>
							esc(
								f.file_size
									? `${Math.max(1, Math.round(f.file_size / 1024))} KB`
									: ""
							),
					},
					{
						label: __("Added"),
						html: (f) =>
							`${when(f.creation)} <span class="text-muted">${esc(frappe.user.full_name(f.owner))}</span>`,
					},
				],
				files
			)
		);
	}

	// A file's URL is stored data: a link only to this site's files or an http(s) address.
	function file_link(f) {
		const href = safe_href(f.file_url);
		const label = esc(f.file_name || f.name);
		return href
			? `<a href="${esc(href)}" target="_blank" rel="noopener" class="c360-file">${label}</a>`
			: `<span class="c360-file">${label}</span>`;
	}

	Object.assign(customer_360.c360, {
		load_notes,
		load_interactions,
		load_referrals,
		load_files,
	});
})();

// Quick actions: add a note (with scope), log an interaction, create a task, raise a flag, draft an email in
// Frappe's standard composer (the user presses Send; nothing is sent automatically), open the merge tool.
// Part of customer_360.bundle.js; shares code through the customer_360.c360 namespace.
frappe.provide("customer_360.c360");

(function () {
	const {
		assistant_available,
		citation_link,
		esc,
		get,
		options_of,
		post,
		scope_label,
		text_to_html,
		vocabulary,
	} = customer_360.c360;

	// Frappe's composer looks up an Email Account signature, which roles without Email Account read (sales, for
	// one) are refused with an error dialog; for them the user's own signature (or none) is the signature.
	class Composer extends frappe.views.CommunicationComposer {
		async get_signature(sender_email) {
			if (frappe.boot.user.email_signature || frappe.model.can_read("Email Account")) {
				return super.get_signature(sender_email);
			}
			return "";
		}
	}

	class QuickActions {
		constructor(page, $el) {
			this.page = page;
			this.customer = page.customer;
			const caps = page.caps;
			const buttons = [
				[
					"add-note",
					__("Add note"),
					() => this.add_note(),
					(caps.note_scopes || []).length > 0,
				],
				["log-interaction", __("Log interaction"), () => this.log_interaction(), true],
				["create-task", __("Create task"), () => this.create_task(), true],
				["raise-flag", __("Raise flag"), () => this.raise_flag(), caps.manage_flags],
				["draft-email", __("Draft email"), () => this.offer_email_draft(), true],
				["briefing", __("Briefing"), () => this.briefing(), true],
				[
					"merge",
					__("Merge duplicates"),
					() => frappe.set_route("customer-360-merge", { survivor: this.customer }),
					caps.can_merge,
				],
			];
			for (const [key, label, fn, shown] of buttons) {
				if (!shown) continue;
				$(
					`<button class="btn btn-sm btn-default c360-action c360-action-${key}">${label}</button>`
				)
					.on("click", fn)
					.appendTo($el);
			}
		}

		add_note() {
			const scopes = this.page.caps.note_scopes || [];
			const d = new frappe.ui.Dialog({
				title: __("Add note"),
				fields: [
					{ fieldname: "content", fieldtype: "Small Text", label: __("Note"), reqd: 1 },
					{
						fieldname: "scope",
						fieldtype: "Select",
						label: __("Who may read it"),
						reqd: 1,
						options: scopes.map((s) => ({
							value: s,
							label: scope_label(s),
						})),
						default: scopes.includes("internal") ? "internal" : scopes[0],
					},
					{ fieldname: "pinned", fieldtype: "Check", label: __("Pin to the top") },
				],
				primary_action_label: __("Save"),
				primary_action: async (v) => {
					d.disable_primary_action();
					try {
						await post("notes.add_note", { customer: this.customer, ...v });
						d.hide();
						frappe.show_alert({ message: __("Note added"), indicator: "green" });
						this.page.changed("notes");
						this.page.live?.soon();
					} finally {
						d.enable_primary_action();
					}
				},
			});
			d.show();
		}

		log_interaction() {
			const d = new frappe.ui.Dialog({
				title: __("Log interaction"),
				fields: [
					{
						fieldname: "interaction_type",
						fieldtype: "Select",
						label: __("Type"),
						reqd: 1,
						default: "call",
						options: options_of("interaction_types"),
					},
					{
						fieldname: "interaction_time",
						fieldtype: "Datetime",
						label: __("When"),
						default: frappe.datetime.now_datetime(),
					},
					{
						fieldname: "contact",
						fieldtype: "Link",
						options: "Contact",
						label: __("Contact"),
						get_query: () => ({
							filters: { link_doctype: "Customer", link_name: this.customer },
						}),
					},
					{
						fieldname: "summary",
						fieldtype: "Small Text",
						label: __("Summary"),
						reqd: 1,
					},
					{ fieldname: "outcome", fieldtype: "Data", label: __("Outcome") },
					{
						fieldname: "next_follow_up",
						fieldtype: "Date",
						label: __("Follow up on (creates a task)"),
					},
				],
				primary_action_label: __("Save"),
				primary_action: async (v) => {
					await post("interactions.log_interaction", { customer: this.customer, ...v });
					d.hide();
					frappe.show_alert({ message: __("Interaction logged"), indicator: "green" });
					this.page.changed("interactions");
					this.page.changed("tasks");
					this.page.live?.soon();
				},
			});
			d.show();
		}

		create_task() {
			const d = new frappe.ui.Dialog({
				title: __("Create task"),
				fields: [
					{
						fieldname: "description",
						fieldtype: "Small Text",
						label: __("What needs doing"),
						reqd: 1,
					},
					{
						fieldname: "assignee",
						fieldtype: "Link",
						options: "User",
						label: __("Assign to"),
						default: frappe.session.user,
						get_query: () => ({ filters: { enabled: 1, user_type: "System User" } }),
					},
					{ fieldname: "due_date", fieldtype: "Date", label: __("Due") },
				],
				primary_action_label: __("Create"),
				primary_action: async (v) => {
					await post("interactions.create_task", { customer: this.customer, ...v });
					d.hide();
					frappe.show_alert({ message: __("Task created"), indicator: "green" });
					this.page.changed("tasks");
					this.page.live?.soon();
				},
			});
			d.show();
		}

		raise_flag() {
			const flag_types = vocabulary("flag_types");
			const d = new frappe.ui.Dialog({
				title: __("Raise risk flag"),
				fields: [
					{
						fieldname: "flag_type",
						fieldtype: "Select",
						label: __("Type"),
						reqd: 1,
						default: "manual_flag",
						// The judgements only a person makes first, then the types the rules also raise.
						options: options_of("flag_types", [
							...flag_types.filter((t) => t.manual),
							...flag_types.filter((t) => !t.manual),
						]),
					},
					{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
					{ fieldname: "expires_on", fieldtype: "Date", label: __("Expires on") },
				],
				primary_action_label: __("Raise"),
				primary_action: async (v) => {
					await post("risk.raise_flag", { customer: this.customer, ...v });
					d.hide();
					frappe.show_alert({ message: __("Risk flag raised"), indicator: "orange" });
					this.page.changed("flags");
					this.page.render_header();
				},
			});
			d.show();
		}

		// Opens the standard composer prefilled; the user reviews and presses Send (or discards).
		// The draft is plain text (rules or a model): the editor gets it escaped, and the dialog title (HTML in
		// Frappe) the escaped name.
		draft_email(draft = null) {
			const p = this.page.profile;
			this.composer = new Composer({
				doc: { doctype: "Customer", name: p.name },
				subject: (draft && draft.subject) || p.customer_name || p.name,
				recipients:
					(draft && Array.isArray(draft.recipients)
						? draft.recipients.join(", ")
						: draft && draft.recipients) ||
					p.email_id ||
					"",
				message: draft && draft.message ? text_to_html(draft.message) : "",
				title: __("Draft email to {0}", [esc(p.customer_name || p.name)]),
			});
			return this.composer;
		}

		// With a model configured, the email can be drafted by it first: an editable draft with the records it
		// rests on, which goes to the composer only when the user says so. Without one, the composer opens.
		async offer_email_draft() {
			if (!(await assistant_available(this.page))) return this.draft_email();
			const d = new frappe.ui.Dialog({
				title: __("Draft email"),
				fields: [
					{
						fieldname: "about",
						fieldtype: "Small Text",
						label: __("What is the email about?"),
						reqd: 1,
					},
				],
				primary_action_label: __("Draft with the assistant"),
				primary_action: async (v) => {
					d.disable_primary_action();
					try {
						const draft = await post("ask.draft_email", {
							customer: this.customer,
							about: v.about,
						});
						d.hide();
						this.review_email_draft(draft);
					} finally {
						d.enable_primary_action();
					}
				},
				secondary_action_label: __("Write it myself"),
				secondary_action: () => {
					d.hide();
					this.draft_email();
				},
			});
			d.show();
			return d;
		}

		review_email_draft(draft) {
			const d = new frappe.ui.Dialog({
				title: __("Review the draft"),
				size: "large",
				fields: [
					{ fieldname: "notice", fieldtype: "HTML" },
					{ fieldname: "subject", fieldtype: "Data", label: __("Subject") },
					{ fieldname: "message", fieldtype: "Text", label: __("Message") },
					{ fieldname: "citations", fieldtype: "HTML" },
				],
				primary_action_label: __("Open in the email composer"),
				primary_action: (v) => {
					d.hide();
					this.draft_email({ ...draft, subject: v.subject, message: v.message });
				},
			});
			d.set_values({ subject: draft.subject || "", message: draft.message || "" });
			render_notice(d.fields_dict.notice.$wrapper, draft.notice);
			render_citations(d.fields_dict.citations.$wrapper, draft.citations);
			d.show();
			return d;
		}

		// The one-page briefing, built on the server from what this user may see; it can be kept as a note.
		// With a model configured, the assistant can draft it instead: editable text with its citations, copied
		// by the user if they want it (the saved note is always the standard one, built for the note's readers).
		async briefing() {
			const b = await get("next_steps.get_briefing", { customer: this.customer });
			const d = new frappe.ui.Dialog({
				title: __("Briefing: {0}", [
					esc(this.page.profile.customer_name || this.customer),
				]),
				size: "large",
				fields: [{ fieldname: "body", fieldtype: "HTML" }],
				primary_action_label: __("Save as internal note"),
				primary_action: async () => {
					await post("next_steps.save_briefing_as_note", {
						customer: this.customer,
						scope: "internal",
					});
					d.hide();
					frappe.show_alert({
						message: __("Briefing saved as an internal note"),
						indicator: "green",
					});
					this.page.changed();
				},
			});
			const notice = b.notice
				? `<div class="alert alert-warning small c360-briefing-notice">${esc(b.notice)}</div>`
				: "";
			d.fields_dict.body.$wrapper.html(
				`${notice}<div class="c360-briefing">${briefing_body(b)}</div>`
			);
			if (await assistant_available(this.page)) {
				d.set_secondary_action_label(__("Draft with the assistant"));
				d.set_secondary_action(async () => {
					const m = await post("ask.draft_briefing", { customer: this.customer });
					const $body = d.fields_dict.body.$wrapper.empty();
					render_notice($body, m.notice);
					if (m.source !== "model") {
						$body.append(`<div class="c360-briefing">${briefing_body(m)}</div>`);
						return;
					}
					$(`<textarea class="form-control c360-briefing-draft" rows="14"></textarea>`)
						.val(m.text || "")
						.appendTo($body);
					render_citations($body, m.citations);
					d.set_primary_action(__("Copy"), () => {
						frappe.utils.copy_to_clipboard($body.find(".c360-briefing-draft").val());
					});
				});
			}
			d.show();
			return d;
		}
	}

	function render_notice($el, notice) {
		if (!notice) return;
		$(`<div class="alert alert-warning small c360-draft-notice"></div>`)
			.text(notice)
			.appendTo($el);
	}

	// The records a draft rests on, each a link to its form.
	function render_citations($el, citations) {
		if (!(citations || []).length) return;
		const $div = $(`<div class="small mt-2 c360-draft-citations"></div>`).appendTo($el);
		$(`<span class="text-muted"></span>`).text(__("Based on:")).appendTo($div);
		for (const c of citations) citation_link(c).appendTo($div);
	}

	// The briefing as text: its sections when it has them (rules), else its text (a model's answer). The server's
	// `html` is not used: a briefing quotes names, notes and model output, all untrusted.
	function briefing_body(b) {
		if (!(b.sections || []).length) return text_to_html(b.text || "");
		const sections = b.sections
			.map(
				(s) => `<h6 class="mt-3">${esc(s.heading)}</h6>
					<ul>${(s.lines || []).map((line) => `<li>${text_to_html(line)}</li>`).join("")}</ul>`
			)
			.join("");
		const footer = b.footer ? `<p class="text-muted small">${text_to_html(b.footer)}</p>` : "";
		return `<h5>${esc(b.title || "")}</h5>${sections}${footer}`;
	}

	Object.assign(customer_360.c360, { QuickActions });
})();

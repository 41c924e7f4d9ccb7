"""Suggestions for a customer, and what a user does with one: accept it (a ToDo), dismiss it (who and why), or
open an email draft for it (never sent from here: the user reviews it in the composer).

Every call recomputes the suggestion from live data under the current user's permissions, so accepting a
payment reminder, or drafting one, re-checks the customer's balance at that moment: a customer who paid this
morning is not chased.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, get_fullname, getdate, now_datetime, nowdate

from customer_360.assistant import model as assistant
from customer_360.core import next_steps as core
from customer_360.core.next_steps import drafts, rules
from customer_360.customer_360.doctype.customer_interaction.customer_interaction import make_task
from customer_360.messages import bold
from customer_360.next_steps import config
from customer_360.next_steps.context import customer_context
from customer_360.next_steps.facts import decisions, gather
from customer_360.permissions import check_assignee, get_capabilities
from customer_360.risk_health import wording

DECISION = "Customer Suggestion Decision"
MAX_REASON = 1000


def suggestions(customers: list[str], today=None) -> dict[str, list]:
	"""customer -> its suggestions (core.Suggestion), best first, without those decided on unchanged evidence."""
	return facts_and_suggestions(customers, today)[1]


def facts_and_suggestions(customers: list[str], today=None) -> tuple[dict, dict[str, list]]:
	today = getdate(today or nowdate())
	t = config.thresholds()
	facts = gather(customers, today, t)
	decided = decisions(list(facts))
	return facts, {c: rules.suggest(f, today, t, decided.get(c)) for c, f in facts.items()}


def for_customer(customer: str, today=None) -> list[core.Suggestion]:
	return suggestions([customer], today).get(customer, [])


def as_dict(s: core.Suggestion) -> dict:
	"""A suggestion for the current user: its reason rendered with `_()` for their capabilities."""
	return s.as_dict(_, get_capabilities().see_finance)


def current(customer: str, key: str) -> core.Suggestion:
	"""The suggestion `key` as it stands now; a translated error when it does not apply (any more)."""
	if not key or key not in core.RULES:
		frappe.throw(
			_("Unknown suggestion {0}. Use one of: {1}").format(bold(key or ""), ", ".join(core.RULES)),
			frappe.ValidationError,
		)
	# Accepting or dismissing (for everyone) needs what seeing it needs: a payment reminder is finance.
	capability = core.RULE_CAPABILITY.get(key)
	if capability and not get_capabilities().has(capability):
		frappe.throw(_("You are not permitted to act on this suggestion."), frappe.PermissionError)
	for s in for_customer(customer):
		if s.key == key:
			return s
	if key == core.PAYMENT_REMINDER:
		frappe.throw(
			_("No payment reminder: {0} has no overdue balance to collect (any more).").format(
				bold(customer)
			),
			frappe.ValidationError,
		)
	frappe.throw(
		_("The suggestion {0} does not apply to {1} now (or it was already decided).").format(
			bold(_(core.RULE_LABELS[key])), bold(customer)
		),
		frappe.ValidationError,
	)


def accept(customer: str, key: str, assignee: str | None = None) -> dict:
	s = current(
		customer, key
	)  # for a payment reminder: the balance re-checked now, before anything is created
	assignee = check_assignee(customer, assignee or frappe.session.user)
	name = frappe.db.get_value("Customer", customer, "customer_name") or customer
	task = make_task(customer, core.task_description(s, name), assignee, add_days(nowdate(), s.due_in_days))
	_record(customer, s, "accepted", todo=task.name)
	return {
		"todo": task.name,
		"assigned_to": assignee,
		"suggestion": as_dict(s),
		"draft": draft_for(customer, s) if s.rule in core.DRAFT_RULES else None,
	}


def dismiss(customer: str, key: str, reason: str) -> dict:
	reason = (reason or "").strip()
	if not reason:
		frappe.throw(_("Say why the suggestion is dismissed."), frappe.ValidationError)
	if len(reason) > MAX_REASON:
		frappe.throw(
			_("The reason is too long (at most {0} characters).").format(MAX_REASON), frappe.ValidationError
		)
	s = current(customer, key)
	doc = _record(customer, s, "dismissed", reason=reason)
	return {"decision": doc.name, "dismissed_by": doc.decided_by, "suggestion": as_dict(s)}


def _record(
	customer: str, s: core.Suggestion, decision: str, reason: str | None = None, todo: str | None = None
):
	# Readers of the decision may lack see_finance: the stored sentence has no amount (figures: permlevel 1).
	stored = wording.for_storage(s.reason)
	return frappe.get_doc(
		{
			"doctype": DECISION,
			"customer": customer,
			"suggestion_key": s.key,
			"decision": decision,
			"decided_by": frappe.session.user,
			"decided_on": now_datetime(),
			"todo": todo,
			"reason": reason,
			"suggestion_reason": stored["text"],
			"reason_code": stored["code"],
			"reason_params": stored["params"],
			"reason_figures": stored["figures"],
			"fingerprint": s.fingerprint,
		}
	).insert(ignore_permissions=True)  # the caller checked the customer; decisions are written only here


# ---------------------------------------------------------------- email drafts


def draft(customer: str, key: str, use_model: bool = False) -> dict:
	if key not in core.DRAFT_RULES:
		frappe.throw(_("There is no email draft for {0}.").format(bold(key or "")), frappe.ValidationError)
	s = current(customer, key)  # re-checked now: no reminder draft for a customer who has paid
	return draft_for(customer, s, use_model)


def draft_for(customer: str, s: core.Suggestion, use_model: bool = False) -> dict:
	"""An email for the composer: subject, message, recipients. Fed only what the user may see (the
	suggestion's own facts were gathered under their permissions)."""
	ctx = {"customer": customer_context(customer), "user_name": get_fullname(frappe.session.user)}
	fallback = drafts.compose_draft(s, ctx)
	out = {
		**fallback,
		"recipients": frappe.db.get_value("Customer", customer, "email_id") or "",
		"reference_doctype": "Customer",
		"reference_name": customer,
		"source": "rules",
		"notice": None,
		"is_draft": True,
	}
	if use_model:
		ctx["suggestion"] = {
			"title": s.title,
			"reason": s.text(_, get_capabilities().see_finance),
			"evidence": [e.as_dict() for e in s.evidence],
		}
		try:
			text = assistant.complete(
				drafts.model_messages("draft", ctx, s), purpose="draft", customer=customer
			)
		except assistant.AssistantUnavailable as e:
			out["notice"] = str(e)
		else:
			out.update(drafts.split_subject(text, fallback["subject"]), source="model")
	return out

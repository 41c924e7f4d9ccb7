"""Drafts from the model for the page's Briefing and Draft email buttons, with citations: the model gets the
same fenced, permission-filtered context as a question (assistant.context) and each line of its reply keeps
only references to records of that context. Always drafts: nothing here saves or sends anything.
On any failure the standard version stands (the rules' briefing, an empty email) with the reason.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from customer_360 import inputs
from customer_360.assistant import context, model
from customer_360.core import ask_model
from customer_360.core.next_steps.drafts import split_subject
from customer_360.next_steps import briefing as rules_briefing

BRIEFING_TASK = (
	"Write a short briefing on this customer for a call: who they are, recent contact, open tasks, open "
	"quotations and cases, and the money position only if the data has it; then two or three talking points."
)
EMAIL_TASK = (
	"Draft a short, polite email from the user to this customer about: {about}. The first line is the subject, "
	"written 'Subject: ...'; then the body, signed by the user. Put no references inside the email; on a last "
	"line of its own, list the references of the records you used, as [ref 1, 2]."
)
MAX_ABOUT = 500


def briefing(customer: str) -> dict:
	out = rules_briefing.build(customer)
	try:
		statements = _draft(customer, BRIEFING_TASK, "briefing")
	except model.AssistantUnavailable as e:
		out["notice"] = str(e)
		return out
	out.update(
		source="model",
		sections=None,
		text="\n".join(s["text"] for s in statements) + "\n",
		statements=statements,
		citations=_all_citations(statements),
		notice=_("Drafted by the assistant from the data you may see: review it before relying on it."),
	)
	out.pop("html", None)  # a model's text is never HTML
	return out


def email(customer: str, about: str) -> dict:
	about = inputs.text(about, "About", max_length=MAX_ABOUT, required=True).strip()
	fallback = frappe.db.get_value("Customer", customer, "customer_name") or customer
	out = {
		"customer": customer,
		"source": "rules",
		"subject": fallback,
		"message": "",
		"citations": [],
		"recipients": [e for e in [frappe.db.get_value("Customer", customer, "email_id")] if e],
		"is_draft": True,
		"notice": None,
	}
	try:
		text, refs = _complete(customer, EMAIL_TASK.format(about=about), "draft")
		body, citations = ask_model.strip_references(text, refs)
		if not body:
			raise model.AssistantUnavailable(_("The assistant's reply had no text."))
	except model.AssistantUnavailable as e:
		out["notice"] = str(e)
		return out
	out.update(
		split_subject(body, fallback),
		source="model",
		citations=citations,
		notice=_("Drafted by the assistant: review and edit it; nothing is sent until you press Send."),
	)
	return out


def _complete(customer: str, task: str, purpose: str) -> tuple[str, list[dict]]:
	"""The model's reply to `task` on the customer's context, and that context's citable records."""
	ctx = context.build(customer, getdate(nowdate()))
	nonce = frappe.generate_hash(length=16)
	text = model.complete(ask_model.model_messages(task, ctx, nonce), purpose=purpose, customer=customer)
	return text, ask_model.references(ctx)


def _draft(customer: str, task: str, purpose: str) -> list[dict]:
	text, refs = _complete(customer, task, purpose)
	statements = ask_model.parse_answer(text, refs)
	if not statements:
		raise model.AssistantUnavailable(
			_("The assistant's reply had no text: showing the standard version.")
		)
	return statements


def _all_citations(statements: list[dict]) -> list[dict]:
	seen, out = set(), []
	for s in statements:
		for c in s["citations"]:
			key = (c["doctype"], c["name"])
			if key not in seen:
				seen.add(key)
				out.append(c)
	return out

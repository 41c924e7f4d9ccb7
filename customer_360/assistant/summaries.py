"""Summaries of a long email thread or a ticket's narrative, on demand, from what the asking user may read:
the thread's messages come from the timeline service (the customer's emails this user may see) or from a case
the user may read and its messages (as its form shows them). Cached per thread: the key holds the messages' names and their
latest modification, so a new reply or an edit gives a new summary, and two users share one only when they
read the same messages.
"""

from __future__ import annotations

import hashlib
import html

import frappe
from frappe import _
from frappe.utils import getdate, nowdate, strip_html_tags

from customer_360 import timeline
from customer_360.assistant import model
from customer_360.assistant.ask import render
from customer_360.core import ask as core_ask
from customer_360.core import ask_model
from customer_360.core import summaries as core
from customer_360.messages import bold

CACHE_SECONDS = 7 * 86400
MAX_MESSAGES = 200
MAX_THREADS = 20
SUMMARY_TASK = (
	"Summarise this conversation in one short paragraph for a colleague: what was asked, what was promised, "
	"what is still open. Then, on separate lines, the open points, each with its references."
)


def threads(customer: str) -> list[dict]:
	"""The customer's recent threads this user may read: email subjects and support cases."""
	page = timeline.read(customer, limit=100, event_types=["message", "support"])
	seen, out = set(), []
	for e in page["events"]:
		if e.source_doctype == "Issue":
			key = ("Issue", e.source_name)
		elif e.source_doctype == "Communication":
			key = ("Communication", core.thread_subject(e.title))
		else:
			continue
		if key in seen or not key[1]:
			continue
		seen.add(key)
		out.append(
			{
				"doctype": e.source_doctype,
				"name": e.source_name,
				"title": e.title,
				"day": str(getdate(e.event_time)),
			}
		)
	return out[:MAX_THREADS]


def summarize(customer: str, doctype: str, name: str, use_model: bool = True) -> dict:
	messages = _thread(customer, doctype, name)
	use_model = bool(use_model and messages and model.configured())
	stamp = max((str(m["modified"]) for m in messages), default="")
	raw = frappe.as_json([doctype, name, [m["name"] for m in messages], stamp, use_model])
	key = "customer_360:thread_summary:" + hashlib.sha1(raw.encode()).hexdigest()
	# expires=True: a miss must not be remembered for the rest of the request (Frappe's local cache would).
	cached = frappe.cache.get_value(key, expires=True)
	if cached is not None:
		return {**cached, "cached": True}
	out = {
		"doctype": doctype,
		"name": name,
		"source": "rules",
		"notice": None,
		"statements": [_render(s) for s in core.extract(messages)],
		"cached": False,
	}
	if use_model:
		try:
			out.update(
				source="model",
				statements=_model_summary(customer, messages),
				notice=_(
					"Summarised by the assistant from the messages you may read: check the cited messages."
				),
			)
		except model.AssistantUnavailable as e:
			out["notice"] = str(e)
			return out  # a failure is not cached: the next click tries the model again
	frappe.cache.set_value(key, out, expires_in_sec=CACHE_SECONDS)
	return out


def _render(statement: dict) -> dict:
	return render(core_ask.Statement(**statement), core.TEMPLATES)


def _model_summary(customer: str, messages: list[dict]) -> list[dict]:
	ctx = {"today": nowdate(), "customer": {"name": customer}, "events": core.model_items(messages)}
	nonce = frappe.generate_hash(length=16)
	text = model.complete(
		ask_model.model_messages(SUMMARY_TASK, ctx, nonce), purpose="summary", customer=customer
	)
	statements = ask_model.parse_answer(text, ask_model.references(ctx))
	if not statements:
		raise model.AssistantUnavailable(_("The assistant's reply had no text: showing the extract instead."))
	return statements


def _thread(customer: str, doctype: str, name: str) -> list[dict]:
	"""The thread's messages this user may read, oldest first: {doctype, name, day, sender, body, modified}."""
	if doctype == "Issue":
		return _issue_thread(customer, name)
	if doctype == "Communication":
		return _email_thread(customer, name)
	frappe.throw(_("Only email threads and support cases can be summarised, not {0}.").format(bold(doctype)))


def _email_thread(customer: str, name: str) -> list[dict]:
	subject = frappe.db.get_value("Communication", name, "subject")
	root = core.thread_subject(subject)
	# The customer's emails this user may see (the timeline's rules), narrowed to the subject's thread.
	page = timeline.read(customer, limit=200, event_types=["message"], search=root[:100] or None)
	names = [
		e.source_name
		for e in page["events"]
		if e.source_doctype == "Communication" and core.thread_subject(e.title) == root
	]
	event_of = {e.source_name: e.name for e in page["events"]}
	if name not in names:
		frappe.throw(_("This email is not one of the customer's that you may read."), frappe.PermissionError)
	# Emails follow the customer (as on the timeline and the Customer form): the names above are the ones this
	# user may see, read in full here.
	rows = frappe.get_all(
		"Communication",
		filters={"name": ["in", names]},
		fields=["name", "subject", "sender", "sender_full_name", "communication_date", "content", "modified"],
		order_by="communication_date asc",
		limit_page_length=MAX_MESSAGES,
	)
	return [_message("Communication", r, event_of.get(r.name)) for r in rows]


def _issue_thread(customer: str, name: str) -> list[dict]:
	if not frappe.db.exists("Issue", name) or not frappe.has_permission("Issue", "read", doc=name):
		frappe.throw(_("You may not read this case."), frappe.PermissionError)
	issue = frappe.db.get_value(
		"Issue",
		name,
		["name", "subject", "customer", "raised_by", "opening_date", "description", "modified", "creation"],
		as_dict=True,
	)
	if issue.customer != customer:
		frappe.throw(_("This case is not the customer's."), frappe.ValidationError)
	opening = {
		"doctype": "Issue",
		"name": issue.name,
		"label": issue.subject or issue.name,
		"day": str(getdate(issue.opening_date or issue.creation)),
		"sender": issue.raised_by or "?",
		"body": _text(issue.description),
		"modified": issue.modified,
	}
	# The case's messages, as its form's timeline shows them to whoever may read the case.
	rows = frappe.get_all(
		"Communication",
		filters={"reference_doctype": "Issue", "reference_name": name, "communication_type": "Communication"},
		fields=["name", "subject", "sender", "sender_full_name", "communication_date", "content", "modified"],
		order_by="communication_date asc",
		limit_page_length=MAX_MESSAGES,
	)
	return [opening] + [_message("Communication", r, None) for r in rows]


def _message(doctype: str, r, event: str | None) -> dict:
	return {
		"doctype": doctype,
		"name": r.name,
		"event": event,
		"label": r.subject or r.name,
		"day": str(getdate(r.communication_date)),
		"sender": r.sender_full_name or r.sender or "?",
		"body": _text(r.content),
		"modified": r.modified,
	}


def _text(value) -> str:
	# Email HTML as text, line breaks kept so quoted history can be recognised and cut.
	raw = str(value or "")
	for tag in ("<br>", "<br/>", "<br />", "</p>", "</div>"):
		raw = raw.replace(tag, tag + "\n")
	return html.unescape(strip_html_tags(raw))

"""What a question about a customer is answered from: the same services the 360 page reads, called as the
asking user, so whatever the page hides from them is absent here too (and so from any prompt built on it).

- events: the timeline service (source doctype permissions, Company user permissions, note scopes, masked
  amounts), newest first;
- money and open invoices: the money panel's service and get_list, only with the finance capability;
- tasks: the open ToDos on the customer, by the rule of the page's task panel;
- quotations: get_list (DocPerm and User Permissions) when the user may read quotations;
- cases: the briefing's open-cases section (None when the user may not read Issues).
Never a raw query past these permissions. A part the user may not see is None (the answer says so).
"""

from __future__ import annotations

import html

import frappe
from frappe.utils import getdate, strip_html_tags

from customer_360 import timeline
from customer_360.core.timeline import clip
from customer_360.next_steps import context as briefing_parts
from customer_360.permissions import capabilities_for

MAX_EVENTS = 100
MAX_ROWS = 20
LABEL_LENGTH = 140
OPEN_QUOTATION = ("Open", "Replied", "Partially Ordered")


def build(customer: str, today, since=None) -> dict:
	"""The context of a question (see customer_360.core.ask for how it is read). `since`: the earliest day a
	"what changed since" question needs; the events then reach back to it (up to timeline's page size)."""
	caps = capabilities_for(customer)
	profile = briefing_parts.customer_context(customer)
	events = _events(customer, since)
	event_of = {(e["doctype"], e["name"]): e["event"] for e in reversed(events)}  # the newest event wins
	ctx = {
		"today": str(today),
		"customer": {
			k: profile.get(k)
			for k in ("name", "customer_name", "customer_group", "territory", "account_manager")
		},
		"money": briefing_parts.money(customer, today) if caps.see_finance else None,
		"invoices": None,
		"tasks": _tasks(customer),
		"quotations": _quotations(customer, caps.see_finance),
		"cases": _cases(customer, today),
		"events": events,
	}
	if ctx["money"] is not None and frappe.has_permission("Sales Invoice", "read"):
		ctx["invoices"] = _open_invoices(customer)
	for part in ("invoices", "tasks", "quotations", "cases"):
		for item in ctx[part] or ():
			item["event"] = event_of.get((item["doctype"], item["name"]))
	return ctx


def _label(text) -> str:
	# Stored HTML (a ToDo's description) as the text a reader sees: tags out, entities decoded. The page escapes it.
	return clip(html.unescape(strip_html_tags(str(text or ""))).strip(), LABEL_LENGTH) or ""


def _events(customer: str, since) -> list[dict]:
	page = timeline.read(customer, limit=MAX_EVENTS, from_date=str(since) if since else None)
	return [
		{
			"doctype": e.source_doctype,
			"name": e.source_name,
			"event": e.name,
			"type": e.event_type,
			"kind": e.kind,
			"day": str(getdate(e.event_time)),
			"title": _label(e.title),
			# A system event's summary names the documents behind it ("first purchase: invoice X"), which this
			# user may not read: the title says what happened, the summary stays out.
			"summary": None if e.source_doctype == "Customer" else (_label(e.summary) or None),
			"amount": e.amount,  # None when masked for this user
			"currency": e.currency if e.amount is not None else None,
			"cancelled": bool(e.cancelled),
		}
		for e in page["events"]
	]


def _tasks(customer: str) -> list[dict]:
	# The page's task panel rule (api.interactions.get_tasks): the customer's readers see its open assignments.
	rows = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Customer", "reference_name": customer, "status": "Open"},
		fields=["name", "description", "allocated_to", "date"],
		order_by="creation asc",
		limit_page_length=MAX_ROWS,
	)
	rows.sort(key=lambda t: (t.date is None, str(t.date or "")))
	return [
		{
			"doctype": "ToDo",
			"name": t.name,
			"label": _label(t.description) or t.name,
			"due": str(t.date) if t.date else None,
			"assigned_to": t.allocated_to,
		}
		for t in rows
	]


def _quotations(customer: str, see_finance: bool) -> list[dict] | None:
	if not frappe.has_permission("Quotation", "read"):
		return None
	fields = ["name", "transaction_date", "valid_till", "status", "company"]
	if see_finance:
		fields += ["grand_total", "currency"]
	rows = frappe.get_list(
		"Quotation",
		filters={
			"quotation_to": "Customer",
			"party_name": customer,
			"docstatus": 1,
			"status": ["in", OPEN_QUOTATION],
		},
		fields=fields,
		order_by="transaction_date desc",
		limit_page_length=MAX_ROWS,
	)
	return [
		{
			"doctype": "Quotation",
			"name": q.name,
			"label": q.name,
			"day": str(q.transaction_date) if q.transaction_date else None,
			"valid_till": str(q.valid_till) if q.valid_till else None,
			"status": q.status,
			"company": q.company,
			"amount": q.get("grand_total"),
			"currency": q.get("currency"),
		}
		for q in rows
	]


def _cases(customer: str, today) -> list[dict] | None:
	rows = briefing_parts.cases(customer, today)
	if rows is None:
		return None
	return [
		{
			"doctype": "Issue",
			**r,
			"subject": _label(r.get("subject")),
			"label": _label(r.get("subject")) or r["name"],
		}
		for r in rows[:MAX_ROWS]
	]


def _open_invoices(customer: str) -> list[dict]:
	rows = frappe.get_list(
		"Sales Invoice",
		filters={"customer": customer, "docstatus": 1, "outstanding_amount": [">", 0]},
		fields=["name", "company", "due_date", "posting_date", "outstanding_amount", "currency"],
		order_by="due_date asc",
		limit_page_length=MAX_ROWS,
	)
	return [
		{
			"doctype": "Sales Invoice",
			"name": r.name,
			"label": r.name,
			"company": r.company,
			"due": str(r.due_date) if r.due_date else None,
			"outstanding": float(r.outstanding_amount or 0),
			"currency": r.currency,
		}
		for r in rows
	]

"""The 360 without the desk: /customer-360/<customer> (www/customer-360.html), the first screen rendered on the
server.

Why a second view: a 360 link typed, or opened from an email or a chat, first pays the desk's boot (about 0.9 s
on the benchmark machine, the same for ERPNext's Customer form) before the desk page can start. This view answers
with the desk page's own first-screen reads (api.batch.get_many: one record check, then each read's own
permission check and masking), shaped here into plain values and rendered by the template, which escapes
everything it prints. It is read-only, and links into the desk page for the rest (filters, notes, merge, flags).
"""

from __future__ import annotations

import json
from urllib.parse import quote

import frappe
from frappe import _
from frappe.utils import cint, flt, fmt_money, format_date, format_datetime, get_absolute_url

from customer_360.api.batch import READS, get_many

TIMELINE_ROWS = 25
# What the money panel leads with, per company: amounts, then open documents (a count and their amount).
MONEY_FIGURES = (
	("outstanding", "Outstanding"),
	("overdue", "Overdue"),
	("unallocated_advances", "Unallocated advances"),
	("lifetime_value", "Lifetime value"),
)
OPEN_DOCUMENTS = (
	("open_quotations", "Open quotations"),
	("orders_to_deliver", "Orders to deliver"),
	("orders_to_bill", "Orders to bill"),
)


def desk_home() -> str:
	"""The desk's directory of customers, where one is chosen (/app or /desk: Frappe knows)."""
	return get_absolute_url("Customer 360 Directory", "").rstrip("/")


def route_of(customer: str) -> str:
	"""The view's own path for `customer` (any character of a name survives the round trip)."""
	return "/customer-360/" + quote(customer, safe="")


def context_for(customer: str) -> dict:
	"""Everything the template prints, as plain values. Raises what the record check raises (permission, not
	found); a read that fails leaves its section with the read's own message."""
	# The desk page's whole first screen (api.batch.READS), so the two views stay in step.
	methods = sorted(READS)
	answers = get_many(customer, json.dumps([[method, _args(method)] for method in methods]))
	reads = dict(zip(methods, answers, strict=True))
	profile = _message(reads, "overview.get_profile") or {}
	return {
		"customer": customer,
		"heading": profile.get("customer_name") or customer,
		"profile": _profile(profile),
		"desk_url": get_absolute_url("Customer 360", customer),  # the desk page (/app or /desk: Frappe knows)
		"form_url": get_absolute_url("Customer", customer),
		"desk_home": desk_home(),
		"reader": frappe.utils.get_fullname(frappe.session.user),
		"lifecycle": (_message(reads, "account.get_lifecycle") or {}).get("label"),
		"health": _section(reads, "health.get_health", _health),
		"flags": _section(reads, "risk.get_flags", _flags),
		"money": _section(reads, "overview.get_money", _money),
		"next_steps": _section(reads, "next_steps.get_suggestions", _next_steps),
		"tasks": _section(reads, "interactions.get_tasks", _tasks),
		"duplicates": cint((_message(reads, "merge.duplicate_warning") or {}).get("count")),
		"timeline": _section(reads, "timeline.get_timeline", _timeline),
	}


def _args(method: str) -> dict:
	return {"limit": TIMELINE_ROWS} if method == "timeline.get_timeline" else {}


def _message(reads: dict, method: str):
	return reads[method].get("message")


def _section(reads: dict, method: str, shape) -> dict:
	"""{"error": text} when the read failed (its own message), else the shaped read."""
	answer = reads[method]
	if "error" in answer:
		return {"error": answer["error"]}
	return shape(answer.get("message") or {})


def _profile(p: dict) -> list[tuple[str, str]]:
	rows = (
		(_("Type"), _(p.get("customer_type") or "")),
		(_("Group"), p.get("customer_group")),
		(_("Territory"), p.get("territory")),
		(_("Account manager"), p.get("account_manager_name") or p.get("account_manager")),
		(_("Email"), p.get("email_id")),
		(_("Mobile"), p.get("mobile_no")),
		(_("Parent customer"), p.get("parent_customer")),
	)
	out = [(label, str(value)) for label, value in rows if value]
	if cint(p.get("disabled")):
		out.insert(0, (_("Status"), _("Disabled")))
	return out


def _health(h: dict) -> dict:
	if h.get("masked"):
		return {"masked": True}
	weakest = sorted(
		(f for f in h.get("factors") or [] if f.get("score") is not None),
		key=lambda f: f["score"],
	)[:3]
	return {
		"score": h.get("score"),
		"band": h.get("band") if h.get("band") in ("green", "amber", "red") else None,
		"factors": [(_(f.get("label") or f.get("name") or ""), f.get("detail") or "") for f in weakest],
	}


def _flags(r: dict) -> dict:
	if r.get("masked"):
		return {"masked": True}
	return {
		"rows": [
			{
				"label": f.get("flag_label") or f.get("flag_type"),
				"reason": f.get("reason") or "",
				"since": format_date(f.get("raised_on")) if f.get("raised_on") else "",
			}
			for f in r.get("flags") or []
			if f.get("status") == "active"
		]
	}


def _money(m: dict) -> dict:
	if m.get("masked"):
		return {"masked": True}
	companies = []
	for c in m.get("companies") or []:
		currency = c.get("currency")
		figures = [
			(_(label), fmt_money(flt(c[key]), currency=currency))
			for key, label in MONEY_FIGURES
			if c.get(key) is not None
		]
		figures += [
			(
				_(label),
				f"{cint(c[key].get('count'))} · {fmt_money(flt(c[key].get('amount')), currency=currency)}",
			)
			for key, label in OPEN_DOCUMENTS
			if isinstance(c.get(key), dict) and cint(c[key].get("count"))
		]
		companies.append({"company": c.get("company"), "figures": figures})
	return {"companies": companies}


def _next_steps(s: dict) -> dict:
	return {
		"rows": [
			{"title": x.get("title") or "", "reason": x.get("reason") or ""}
			for x in s.get("suggestions") or []
		]
	}


def _tasks(t: dict) -> dict:
	return {
		"overdue": cint(t.get("overdue")),
		"rows": [
			{
				"description": x.get("description") or "",
				"date": format_date(x["date"]) if x.get("date") else "",
				"owner": x.get("allocated_to") or "",
				"overdue": bool(x.get("overdue")),
				"url": get_absolute_url("ToDo", x["name"]),
			}
			for x in t.get("open") or []
		],
	}


def _timeline(t: dict) -> dict:
	rows = []
	for e in (t.get("events") or [])[:TIMELINE_ROWS]:
		amount = e.get("amount")
		rows.append(
			{
				"when": format_datetime(e["event_time"]) if e.get("event_time") else "",
				"type": _((e.get("event_type") or "").replace("_", " ").capitalize()),
				"title": e.get("title") or "",
				"summary": e.get("summary") or "",
				"amount": fmt_money(flt(amount), currency=e.get("currency")) if amount is not None else "",
				"cancelled": bool(e.get("cancelled")),
				"url": get_absolute_url(e["source_doctype"], e["source_name"])
				if e.get("source_doctype") and e.get("source_name")
				else None,
			}
		)
	return {"rows": rows, "more": bool(t.get("next_cursor"))}

"""The customer briefing: a context dict built from the 360 APIs' own functions (so what is masked on the page is
masked here, in the same way), composed deterministically by the pure core or, when asked and configured, by
the assistant. A briefing can be saved as a note: then the context is cut down to what every reader of the
note's scope may see.
"""

from __future__ import annotations

import html
from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, get_fullname, getdate, nowdate

from customer_360.api import health as health_api
from customer_360.api import notes as notes_api
from customer_360.api import overview, risk
from customer_360.api.timeline import get_timeline
from customer_360.core import next_steps as core
from customer_360.core.capabilities import NOTE_SCOPES
from customer_360.core.notes import PORTAL_SCOPE
from customer_360.next_steps import assistant, service
from customer_360.permissions import _settings_rows, get_capabilities

INTERACTION_TYPES = ["message", "interaction", "support"]
MAX_INTERACTIONS = 8
MAX_ITEMS = 8
MAX_CASES = 10
BOUGHT_DAYS = 365
MAX_DOCUMENTS = 500
# A briefing note never goes to the customer's portal.
NOTE_SCOPES_FOR_BRIEFING = tuple(s for s in NOTE_SCOPES if s != PORTAL_SCOPE)


def customer_context(customer: str) -> dict:
	profile = overview.get_profile(customer)
	creation = frappe.db.get_value("Customer", customer, "creation")
	return {
		"name": profile["name"],
		"customer_name": profile["customer_name"],
		"customer_type": profile["customer_type"],
		"customer_group": profile["customer_group"],
		"territory": profile["territory"],
		"account_manager": profile["account_manager_name"] or profile["account_manager"],
		"since": str(getdate(creation)) if creation else None,
		"email_id": profile["email_id"],
		"mobile_no": profile["mobile_no"],
		"disabled": bool(profile["disabled"]),
	}


def briefing_context(customer: str) -> dict:
	"""Everything the briefing says, as plain data, filtered by the current user's permissions. A section the
	user may not see is None and named in `left_out`."""
	today = getdate(nowdate())
	left_out = []
	ctx = {
		"today": str(today),
		"customer": customer_context(customer),
		"user_name": get_fullname(frappe.session.user),
	}
	ctx["bought"] = _bought(customer, today)
	if ctx["bought"] is None:
		left_out.append("purchases")
	ctx["interactions"] = _interactions(customer)
	ctx["money"] = _money(customer)
	if ctx["money"] is None:
		left_out.append("money")
	ctx["health"] = _health(customer, today)
	if ctx["health"] is None:
		left_out.append("health")
	ctx["open_cases"] = _cases(customer, today)
	see_finance = get_capabilities().see_finance
	ctx["suggestions"] = [
		{"rule": s.rule, "title": s.title, "reason": s.text(_, see_finance)}
		for s in service.for_customer(customer, today)
	]
	ctx["left_out"] = sorted(left_out)
	return ctx


def build(customer: str, use_model: bool = False, ctx: dict | None = None) -> dict:
	ctx = ctx if ctx is not None else briefing_context(customer)
	briefing = core.compose_briefing(ctx)
	out = {
		"customer": customer,
		"source": "rules",
		"notice": None,
		"is_draft": True,
		**briefing.as_dict(),
	}
	if use_model:
		try:
			text = assistant.complete(core.model_messages("briefing", ctx))
		except assistant.AssistantUnavailable as e:
			out["notice"] = str(e)  # the deterministic briefing stands, with the notice shown above it
		else:
			out.update(
				source="model",
				text=text + "\n",
				html=_text_to_html(text),
				sections=None,
				notice=_(
					"Drafted by the assistant from the data you may see: review it before relying on it."
				),
			)
	return out


def save_as_note(customer: str, use_model: bool = False, scope: str = "internal") -> dict:
	if scope not in NOTE_SCOPES_FOR_BRIEFING:
		frappe.throw(
			_("A briefing can be saved with one of these scopes: {0}").format(
				", ".join(NOTE_SCOPES_FOR_BRIEFING)
			),
			frappe.ValidationError,
		)
	caps = get_capabilities()
	audience = core.audience_sees(scope, _settings_rows())
	# Everyone who reads the note must be allowed to see what it says: money and health only when both the
	# author and every role that reads `scope` may see them.
	ctx = core.restrict_context(
		briefing_context(customer),
		see_finance=caps.see_finance and audience["see_finance"],
		see_risk=caps.see_risk and audience["see_risk"],
	)
	result = build(customer, use_model, ctx)
	content = result["html"]
	if result["source"] == "model":
		content = "<p><em>" + html.escape(result["notice"]) + "</em></p>" + content
	note = notes_api.add_note(customer, content=content, scope=scope)
	return {
		"note": note["name"],
		"scope": note["scope"],
		"source": result["source"],
		"notice": result["notice"],
	}


def _text_to_html(text: str) -> str:
	paragraphs = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
	return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


# ---------------------------------------------------------------- sections (each through the 360's own API code)


def _bought(customer: str, today) -> list[dict] | None:
	"""Top items of the last year from invoices (or orders, for a user who may read orders but not invoices);
	quantities only: amounts are the money section's business."""
	for doctype, child, date_field, extra in (
		("Sales Invoice", "Sales Invoice Item", "posting_date", {"is_return": 0}),
		("Sales Order", "Sales Order Item", "transaction_date", {}),
	):
		if not frappe.has_permission(doctype, "read"):
			continue
		# The documents the user may read (DocPerm, Company user permissions), newest first; then their items.
		# Two steps because a join's order_by needs a table prefix, which ERPNext v16 refuses (compat 4).
		parents = frappe.get_list(
			doctype,
			filters={
				"customer": customer,
				"docstatus": 1,
				date_field: [">=", add_days(today, -BOUGHT_DAYS)],
				**extra,
			},
			fields=["name", date_field],
			order_by=f"{date_field} desc",
			limit_page_length=MAX_DOCUMENTS,
		)
		day_of = {p.name: p[date_field] for p in parents}
		item = frappe.qb.DocType(child)
		rows = (
			frappe.qb.from_(item)
			.select(item.parent, item.item_code, item.item_name, item.stock_qty.as_("qty"))
			.where(item.parent.isin(list(day_of) or [""]) & (item.parenttype == doctype))
			.run(as_dict=True)
		)
		for r in rows:
			r["day"] = day_of[r.parent]
		totals = defaultdict(lambda: {"qty": 0.0, "last_date": None, "item_name": None})
		for r in rows:
			if not r.item_code:
				continue
			t = totals[r.item_code]
			t["qty"] += float(r.qty or 0)
			t["item_name"] = t["item_name"] or r.item_name or r.item_code
			t["last_date"] = max(filter(None, (t["last_date"], str(r.day)))) if r.day else t["last_date"]
		items = [{"item_code": code, **v, "qty": round(v["qty"], 3)} for code, v in totals.items()]
		items.sort(key=lambda i: (-i["qty"], i["item_code"]))
		return items[:MAX_ITEMS]
	return None


def _interactions(customer: str) -> list[dict]:
	page = get_timeline(customer, limit=MAX_INTERACTIONS, event_types=INTERACTION_TYPES)
	return [
		{"date": str(getdate(e.event_time)), "type": _(e.event_type), "title": e.title}
		for e in page["events"]
		if not e.cancelled
	]


def _money(customer: str) -> dict | None:
	data = overview.get_money(customer)
	if data.get("masked"):
		return None
	companies = []
	for co in data["companies"]:
		if co.get("error"):
			continue
		last = co.get("last_payment") or {}
		companies.append(
			{
				"company": co["company"],
				"currency": co.get("currency"),
				"outstanding": co.get("outstanding"),
				"overdue": co.get("overdue"),
				"lifetime_value": co.get("lifetime_value"),
				"last_payment_date": str(last["posting_date"]) if last.get("posting_date") else None,
				"average_days_to_pay": co.get("average_days_to_pay"),
			}
		)
	return {"companies": companies}


def _health(customer: str, today) -> dict | None:
	data = health_api._health(customer)  # the panel's own function: masked exactly as the page
	if data.get("masked"):
		return None
	change = None
	trend = [t for t in data.get("trend") or () if t.get("score") is not None]
	if data.get("score") is not None and trend:
		month_ago = str(add_days(today, -30))
		before = [t for t in trend if t["date"] <= month_ago] or trend[:1]
		change = data["score"] - before[-1]["score"]
	flags = risk.get_flags(customer)
	return {
		"score": data.get("score"),
		"band": data.get("band"),
		"score_date": data.get("score_date"),
		"change_30": change,
		"flags": sorted(f["flag_label"] for f in flags["flags"]) if not flags.get("masked") else None,
		"explanation": data.get("explanation") or [],
	}


def _cases(customer: str, today) -> list[dict] | None:
	if not (frappe.db.table_exists("Issue") and frappe.has_permission("Issue", "read")):
		return None
	rows = frappe.get_list(
		"Issue",
		filters={"customer": customer, "status": ["not in", ["Resolved", "Closed"]]},
		fields=["name", "subject", "opening_date", "status"],
		order_by="opening_date asc, name asc",
		limit_page_length=MAX_CASES,
	)
	return [
		{
			"name": r.name,
			"subject": r.subject,
			"status": r.status,
			"days_open": (today - getdate(r.opening_date)).days if r.opening_date else 0,
		}
		for r in rows
	]

"""The briefing's sections for one customer, each read through the service or fact the 360 panel uses (so
what the page masks is masked here too): profile, purchases, interactions, money, health and open cases. A
section the user may not see is None."""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, get_fullname, getdate

from customer_360 import money as money_panel
from customer_360 import timeline
from customer_360.core import risk
from customer_360.facts import issues
from customer_360.permissions import allowed_companies, capabilities_for
from customer_360.risk_health.facts import active_flags
from customer_360.risk_health.panel import health_panel

INTERACTION_TYPES = ["message", "interaction", "support"]
MAX_INTERACTIONS = 8
MAX_ITEMS = 8
MAX_CASES = 10
BOUGHT_DAYS = 365
MAX_DOCUMENTS = 500
PROFILE = ("name", "customer_name", "customer_type", "customer_group", "territory", "account_manager",
	"creation", "email_id", "mobile_no", "disabled")  # fmt: skip


def customer_context(customer: str) -> dict:
	"""The customer's profile (the caller has checked the customer)."""
	c = frappe.db.get_value("Customer", customer, PROFILE, as_dict=True)
	return {
		"name": c.name,
		"customer_name": c.customer_name,
		"customer_type": c.customer_type,
		"customer_group": c.customer_group,
		"territory": c.territory,
		"account_manager": get_fullname(c.account_manager) if c.account_manager else None,
		"since": str(getdate(c.creation)) if c.creation else None,
		"email_id": c.email_id,
		"mobile_no": c.mobile_no,
		"disabled": bool(c.disabled),
	}


def bought(customer: str, today) -> list[dict] | None:
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


def interactions(customer: str) -> list[dict]:
	page = timeline.read(customer, limit=MAX_INTERACTIONS, event_types=INTERACTION_TYPES)
	return [
		{"date": str(getdate(e.event_time)), "type": _(e.event_type), "title": e.title}
		for e in page["events"]
		if not e.cancelled
	]


def money(customer: str, today) -> dict | None:
	data = money_panel.panel(customer, None, today, capabilities_for(customer))
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


def health(customer: str, today) -> dict | None:
	data = health_panel(customer)  # the panel's own service: masked exactly as the page
	if data.get("masked"):
		return None
	change = None
	trend = [t for t in data.get("trend") or () if t.get("score") is not None]
	if data.get("score") is not None and trend:
		month_ago = str(add_days(today, -30))
		before = [t for t in trend if t["date"] <= month_ago] or trend[:1]
		change = data["score"] - before[-1]["score"]
	flags = active_flags([customer]).get(customer, {})
	return {
		"score": data.get("score"),
		"band": data.get("band"),
		"score_date": data.get("score_date"),
		"change_30": change,
		"flags": sorted(_(risk.FLAG_LABELS.get(t, t)) for t, _source in flags.values()),
		"explanation": data.get("explanation") or [],
	}


def cases(customer: str, today) -> list[dict] | None:
	if not (issues.tracked() and frappe.has_permission("Issue", "read")):
		return None
	return [
		{
			"name": r.name,
			"subject": r.subject,
			"status": r.status,
			"days_open": (today - r.opening_date).days if r.opening_date else 0,
		}
		for r in issues.open_issues([customer], allowed_companies(), limit=MAX_CASES)
	]

"""Customer directory: find a customer by name, email or phone, with the badges each row may show.

Rows come from frappe.get_list("Customer"), so Customer read permission, user permissions and any permission
query a site adds decide which customers appear. Badges follow the 360's own masking: health band, VIP and
dormant need the see_risk capability; "under review" shows to others only when the settings allow it.
"""

from __future__ import annotations

import frappe
from frappe.query_builder import DocType
from frappe.utils import add_days, add_months, cint, get_first_day, getdate, nowdate

from customer_360 import rollup
from customer_360.core import health, masking
from customer_360.core.definitions import VIP_ORDER_DAYS, is_dormant, quiet_since
from customer_360.facts import activity, orders, revenue, scores
from customer_360.permissions import (
	allowed_companies,
	capabilities_for,
	check_customer_read,
	get_capabilities,
)
from customer_360.risk_health import vip
from customer_360.risk_health.config import load_config

MAX_LIMIT = 50
_FIELDS = [
	"name",
	"customer_name",
	"customer_type",
	"customer_group",
	"territory",
	"email_id",
	"mobile_no",
	"disabled",
	"creation",
]


@frappe.whitelist()
@frappe.read_only()
def search_customers(query: str | None = None, limit: int = 20, start: int = 0) -> dict:
	frappe.has_permission("Customer", "read", throw=True)
	limit = max(1, min(cint(limit) or 20, MAX_LIMIT))
	start = max(0, cint(start))
	text = " ".join((query or "").split())[:140]
	or_filters = None
	if text:
		like = f"%{_escape_like(text)}%"
		or_filters = [
			["Customer", "name", "like", like],
			["Customer", "customer_name", "like", like],
			["Customer", "email_id", "like", like],
			["Customer", "mobile_no", "like", like],
		]
		via_contacts = _customers_by_contact(like)
		if via_contacts:
			or_filters.append(["Customer", "name", "in", via_contacts])
	rows = frappe.get_list(  # Customer read permission, user permissions and permission queries apply
		"Customer",
		fields=_FIELDS,
		or_filters=or_filters,
		order_by="customer_name asc, name asc",
		limit_start=start,
		limit_page_length=limit + 1,
	)
	more = len(rows) > limit
	rows = rows[:limit]
	_add_badges(rows)
	for row in rows:
		row.pop("creation", None)
	return {"customers": rows, "more": more, "next_start": start + limit if more else None}


def _escape_like(text: str) -> str:
	return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _customers_by_contact(like: str) -> list[str]:
	"""Customers linked to a Contact whose email address or phone number matches."""
	Link = DocType("Dynamic Link")
	found: set[str] = set()
	for table, column in (("Contact Email", "email_id"), ("Contact Phone", "phone")):
		Child = DocType(table)
		found.update(
			frappe.qb.from_(Child)
			.join(Link)
			.on((Link.parenttype == "Contact") & (Link.parent == Child.parent))
			.select(Link.link_name)
			.distinct()
			.where((Link.link_doctype == "Customer") & Child[column].like(like))
			.limit(200)
			.run(pluck=True)
		)
	return sorted(found)


def _add_badges(rows: list[dict]) -> None:
	for row in rows:
		row["disabled"] = cint(row.get("disabled"))
		row["badges"] = []
	if not rows:
		return
	names = [r["name"] for r in rows]
	caps = get_capabilities()
	config = load_config()
	under_review = set()
	if caps.see_risk or config.show_under_review_badge:
		Flag = DocType("Customer Risk Flag")
		under_review = set(
			frappe.qb.from_(Flag)
			.select(Flag.customer)
			.distinct()
			.where(Flag.customer.isin(names) & (Flag.status == "active"))
			.run(pluck=True)
		)
	# Groups and households (rollup): a head shows how many members it rolls up, counting only readable ones.
	groups = rollup.member_counts(names)
	bands, vip, last = {}, set(), {}
	today = getdate(nowdate())
	if caps.see_risk:
		bands = {c: r.band for c, r in scores.latest(names, today).items()}
		vip = _vips(names, config.vip, today)
		last = activity.last_activity(names, today)
	for row in rows:
		badges = row["badges"]
		if row["disabled"]:
			badges.append({"key": "disabled", "label": frappe._("Disabled"), "color": "gray"})
		if row["name"] in vip:
			badges.append({"key": "vip", "label": frappe._("VIP"), "color": "purple"})
		if caps.see_risk:
			created = getdate(row["creation"]) if row.get("creation") else None
			if is_dormant(quiet_since(last.get(row["name"]), created), today, config.dormant_days):
				badges.append({"key": "dormant", "label": frappe._("Dormant"), "color": "orange"})
		if row["name"] in groups:
			kind, members = groups[row["name"]]
			label = frappe._("Household of {0}") if kind == "household" else frappe._("Group of {0}")
			badges.append({"key": kind, "label": label.format(members + 1), "color": "blue"})
		if row["name"] in under_review:
			badges.append({"key": "under_review", "label": frappe._("Under review"), "color": "red"})
		if bands.get(row["name"]):
			band = bands[row["name"]]
			badges.append(
				{"key": "health", "label": frappe._("Health: {0}").format(frappe._(band)), "color": band}
			)


def _vips(names: list[str], rule: health.VipRule, today) -> set[str]:
	if rule.min_lifetime_value is None and rule.min_orders_365 is None and not rule.top_percent:
		return set()
	lifetime = revenue.lifetime_value(names)
	since = add_days(today, -VIP_ORDER_DAYS)
	occasions = orders.buying_occasions(names, since, today)
	return vip.vips(names, rule, today, lifetime, {n: len(o) for n, o in occasions.items()})


# ---------------------------------------------------------------- the 360 page's sales trend chart

TREND_MONTHS = 12


@frappe.whitelist()
@frappe.read_only()
def get_sales_trend(customer: str, months: int = TREND_MONTHS) -> dict:
	"""Net billed per month (company currency, credit notes deducted) for the last `months` months, the
	customer and its rolled-up children together. A figure like any other money figure: null + masked: true
	for users without the finance capability."""
	check_customer_read(customer)
	months = max(1, min(cint(months) or TREND_MONTHS, 36))
	first = get_first_day(add_months(nowdate(), -(months - 1)))
	labels = [str(add_months(first, i))[:7] for i in range(months)]
	caps = capabilities_for(customer)
	out = masking.mask({"customer": customer, "months": labels}, caps, ("values",))
	if out["masked"]:
		return out
	totals = revenue.monthly(rollup.rolled_up_customers(customer), first, allowed_companies())
	out["values"] = [totals.get(m, 0.0) for m in labels]
	return out

"""Customer Segments, product-mix view: readable customers segmented by the item group holding the largest share
of their 12-month net revenue (core/product_mix.py decides, facts/product_mix.py reads the invoices).

Same gate and scope as the report's other view: the see_risk capability, readable enabled customers within the
filters. Revenue is kept per currency (one row per segment and currency, never a cross-currency sum), and for a
reader without see_finance the figures are not computed at all: one row per segment with its customer count
and share of customers, no currency, no revenue column (a column that is not there cannot leak through export).
"""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from customer_360.core import product_mix as mix
from customer_360.core.capabilities import SEE_FINANCE, SEE_RISK
from customer_360.facts import product_mix as facts
from customer_360.permissions import check_capability, has_capability
from customer_360.risk_health import reports

WINDOW_DAYS = 365


def product_mix(filters) -> tuple[list[dict], list[dict]]:
	check_capability(SEE_RISK)
	as_of = getdate(filters.get("date") or nowdate())
	readable = reports.readable_customers(filters)
	names = _enabled(readable)
	# Who buys what is read for everyone allowed into the report; amounts leave this function only for finance.
	# A reader of every customer gets one unrestricted query (no list of all names); the rows are cut to `names`.
	scope = None if readable is None else names
	amounts = facts.net_by_item_group(scope, add_days(as_of, -WINDOW_DAYS), as_of) if names else []
	dominant = mix.dominant_groups(amounts, facts.ranking_rates(_mixed_currencies(amounts), as_of))
	if not has_capability(SEE_FINANCE):
		return _count_columns(), [
			{"segment": _label(segment), "customers": n, "customer_share": share}
			for segment, n, share in mix.segment_counts(names, dominant)
		]
	return _finance_columns(), [
		{
			"segment": _label(r.segment),
			"currency": r.currency or None,
			"customers": r.customers,
			# The row of customers without any figure has no currency to show an amount in.
			"revenue_365": r.revenue if r.currency else None,
			"revenue_share": r.share,
			"group_revenue_365": r.group_revenue if r.currency else None,
		}
		for r in mix.segment_rows(names, amounts, dominant)
	]


def _enabled(names: list[str] | None) -> list[str]:
	"""The readable names (None: all) less disabled customers, as the report's other view counts them."""
	conditions = {"disabled": 0}
	if names is not None:
		if not names:
			return []
		conditions["name"] = ["in", names]
	# The names are already the readable ones.
	return frappe.get_all(
		"Customer", filters=conditions, pluck="name", limit_page_length=0, ignore_permissions=True
	)


def _mixed_currencies(amounts: list[mix.Amount]) -> set[str]:
	"""Currencies of customers that buy in more than one: the only ones whose rates the ranking needs."""
	seen: dict[str, set[str]] = defaultdict(set)
	for a in amounts:
		seen[a.customer].add(a.currency)
	return {c for currencies in seen.values() if len(currencies) > 1 for c in currencies}


def _label(segment: str | None) -> str:
	if segment is mix.NO_PURCHASES:
		return _("No purchases in 12 months")
	return segment or _("No item group")


def _count_columns() -> list[dict]:
	col = reports.col
	return [
		# Data, not Link: an item group's name is shown as text (the Link formatter does not escape it for a
		# user who may not read Item Group).
		col("segment", _("Product Mix (Main Item Group)"), "Data", 220),
		col("customers", _("Customers"), "Int", 100),
		col("customer_share", _("Share of Customers (%)"), "Percent", 150, precision=1),
	]


def _finance_columns() -> list[dict]:
	col = reports.col
	return [
		col("segment", _("Product Mix (Main Item Group)"), "Data", 220),
		# Data, not Link: Frappe filters a report's Link columns by the reader's read permission on the linked
		# doctype, and a finance reader need not read Currency.
		col("currency", _("Currency"), "Data", 90),
		col("customers", _("Customers"), "Int", 100),
		col("revenue_365", _("Revenue, 12 Months"), "Currency", 160, options="currency"),
		col("revenue_share", _("Share of Revenue (%)"), "Percent", 150, precision=1),
		col("group_revenue_365", _("Of Which in the Main Item Group"), "Currency", 200, options="currency"),
	]

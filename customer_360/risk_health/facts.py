"""Per-customer aggregates for the health score and the risk rules, computed with set-based SQL.

One grouped query per fact family covers every customer at once (or the given list): invoices, receivables,
payment delay, discounts, cancellations, order dates, issues, returned deliveries, the timeline index and open
flags. Nothing here loops over customers issuing queries, so the nightly job costs the same dozen statements
for 50 customers or 50,000. The queries live in money_facts.py and activity_facts.py; this module builds the
empty facts and runs them.

Conventions:
- "the last N days" is (today - N, today]; documents dated after `today` are ignored, so a recompute "as of"
  an earlier day sees that day's data (except later payments, which the ledger dates, and later cancellations).
- Amounts are in company currency (base_* and the Payment Ledger's amount); a customer billed by companies in
  different currencies is summed across them, which suits the ratios the rules and factors use.
- A fact the ERP cannot give (Issue doctype missing, empty timeline index) is None ("no data"), never 0.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import frappe
from frappe.query_builder import DocType
from frappe.utils import getdate

from customer_360.core import risk
from customer_360.core.health import CustomerFacts
from customer_360.core.risk import RiskFacts
from customer_360.risk_health import activity_facts as activity
from customer_360.risk_health import money_facts as money
from customer_360.risk_health.common import Windows, issue_tracking

FLAG = DocType("Customer Risk Flag")

Facts = tuple[CustomerFacts, RiskFacts, dict]


def facts_for(customers: list[str] | None, today, thresholds=None) -> dict[str, Facts]:
	"""customer -> (CustomerFacts, RiskFacts, extras) for the given customers, or every enabled one (None).

	extras: creation (date, for dormancy without activity) and orders_365 (buying occasions, for VIP).
	RiskFacts.evidence is filled for the rules whose documents the queries already hold (overdue, discounts);
	evidence.py fetches the others only for flags that are actually raised.
	"""
	if thresholds is None:
		from customer_360.risk_health.config import load_config

		thresholds = load_config().thresholds
	t = risk.resolve_thresholds(thresholds)
	w = Windows(getdate(today), int(t["window_days"]))
	names = _customers(customers)
	if not names:
		return {}
	has_issues = issue_tracking()
	out = {name: _empty(creation, has_issues) for name, creation in names.items()}
	scope = list(names) if customers is not None else None
	money.invoices(out, scope, w)
	money.receivables(out, scope, w, t)
	money.days_late(out, scope, w)
	money.discounts(out, scope, w, t)
	activity.cancellations(out, scope, w)
	activity.order_dates(out, scope, w)
	if has_issues:
		activity.issues(out, scope, w)
	activity.delivery_returns(out, scope, w)
	activity.timeline(out, scope, w)
	flags = active_flags(scope)
	for customer, (cf, _rf, _x) in out.items():
		cf.active_flags = tuple(flag_type for flag_type, _source in flags.get(customer, {}).values())
	return out


def active_flags(scope: list[str] | None) -> dict[str, dict[str, tuple[str, str]]]:
	"""customer -> {flag name: (flag type, source)} of the active flags."""
	query = frappe.qb.from_(FLAG).select(FLAG.name, FLAG.customer, FLAG.flag_type, FLAG.source)
	query = query.where(FLAG.status == "active")
	if scope is not None:
		query = query.where(FLAG.customer.isin(scope))
	out: dict[str, dict] = defaultdict(dict)
	for name, customer, flag_type, source in query.run():
		out[customer][name] = (flag_type, source)
	return out


def _customers(customers: list[str] | None) -> dict[str, date]:
	Customer = DocType("Customer")
	query = frappe.qb.from_(Customer).select(Customer.name, Customer.creation)
	if customers is None:
		query = query.where(Customer.disabled == 0)
	elif not customers:
		return {}
	else:
		query = query.where(Customer.name.isin(list(customers)))
	return {name: getdate(creation) if creation else None for name, creation in query.run()}


def _empty(creation: date | None, has_issues: bool) -> Facts:
	"""Measured and nothing found: a customer with no rows in a family gets 0 there, not None."""
	issues = 0 if has_issues else None
	cf = CustomerFacts(
		outstanding=0.0,
		overdue=0.0,
		billed_365=0.0,
		order_dates=(),
		revenue_90=0.0,
		revenue_prior_90=0.0,
		issues_open=issues,
		issues_90=issues,
		returns_365=0.0,
		active_flags=(),
	)
	rf = RiskFacts(
		overdue_invoices=(),
		billed=0.0,
		refunds=0.0,
		refund_count=0,
		invoice_discounts=(),
		claims=issues,
		delivery_failures=0,
		orders=0,
		cancelled=0,
	)
	return cf, rf, {"creation": creation, "orders_365": 0}

"""Per-customer aggregates for the health score and the risk rules, computed with set-based SQL.

One grouped query per fact family covers every customer at once (or the given list): invoices, receivables,
payment delay, discounts, cancellations, order dates, issues, returned deliveries, the timeline index and open
flags. Nothing here loops over customers issuing queries, so the nightly job costs the same dozen statements
for 50 customers or 50,000. The queries are the customer_360.facts modules; this module builds the empty facts
and fills them.

Conventions:
- "the last N days" is (today - N, today]; documents dated after `today` are ignored, so a recompute "as of"
  an earlier day sees that day's data (except later payments, which the ledger dates, and later cancellations).
- Amounts are in company currency (base_* and the Payment Ledger's amount); a customer billed by companies in
  different currencies has them converted into one (revenue.company_rates, the site's exchange rates), never
  summed unconverted.
- A fact the ERP cannot give (Issue doctype missing, empty timeline index) is None ("no data"), never 0.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import frappe
from frappe.query_builder import DocType
from frappe.utils import flt, getdate

from customer_360.core import risk
from customer_360.core.definitions import VIP_ORDER_DAYS
from customer_360.core.health import CustomerFacts
from customer_360.core.risk import RiskFacts
from customer_360.facts import activity, issues, orders, receivables, revenue
from customer_360.risk_health.common import EVIDENCE_LIMIT, Windows

ORDER_HISTORY_DAYS = 730  # enough occasions for a rhythm, recent enough to be the customer's current one

FLAG = DocType("Customer Risk Flag")

Facts = tuple[CustomerFacts, RiskFacts, dict]


# The fact families facts_for can compute; a caller that reads only some of them names those (`kinds`).
KINDS = frozenset(
	(
		"invoices",  # billed, returns, revenue windows, refunds
		"receivables",  # outstanding, overdue (+ evidence)
		"payment_delay",  # avg_days_late
		"discounts",
		"cancellations",  # orders, cancelled
		"buying",  # order_dates, extras.orders_365
		"issues",
		"deliveries",  # delivery_failures
		"activity",  # last_activity
		"engagement",  # interactions_90
		"flags",  # active_flags
	)
)


def facts_for(
	customers: list[str] | None, today, thresholds=None, kinds: frozenset[str] | set[str] = KINDS
) -> dict[str, Facts]:
	"""customer -> (CustomerFacts, RiskFacts, extras) for the given customers, or every enabled one (None).

	extras: creation (date, for dormancy without activity) and orders_365 (buying occasions, for VIP).
	RiskFacts.evidence is filled for the rules whose documents the queries already hold (overdue, discounts);
	evidence.py fetches the others only for flags that are actually raised.
	`kinds` (of KINDS): only these families are queried, the others keep their empty values and must not be
	read; the 360's signals need two of the eleven, and on a whale the others cost a second.
	"""
	if unknown := set(kinds) - KINDS:
		raise ValueError(f"unknown fact kinds: {sorted(unknown)}")
	if thresholds is None:
		from customer_360.risk_health.config import load_config

		thresholds = load_config().thresholds
	t = risk.resolve_thresholds(thresholds)
	w = Windows(getdate(today), int(t["window_days"]))
	names = _customers(customers)
	if not names:
		return {}
	has_issues = issues.tracked()
	out = {name: _empty(creation, has_issues) for name, creation in names.items()}
	scope = list(names) if customers is not None else None
	if "invoices" in kinds:
		_invoices(out, scope, w)
	if "receivables" in kinds:
		_receivables(out, scope, w, t)
	if "payment_delay" in kinds:
		for customer, late in receivables.days_late(scope, w.ago(365), w.today).items():
			if customer in out:
				out[customer][0].avg_days_late = late
	if "discounts" in kinds:
		_discounts(out, scope, w, t)
	if "cancellations" in kinds:
		_cancellations(out, scope, w)
	if "buying" in kinds:
		_buying(out, scope, w)
	if has_issues and "issues" in kinds:
		for customer, (open_, recent, claims) in issues.counts(scope, w.today, w.ago(90), w.start).items():
			if customer in out:
				cf, rf, _x = out[customer]
				cf.issues_open, cf.issues_90, rf.claims = open_, recent, claims
	if "deliveries" in kinds:
		for customer, count in orders.returned_deliveries(scope, w.start, w.today).items():
			if customer in out:
				out[customer][1].delivery_failures = count
	_engagement(out, scope, w, kinds)
	if "flags" in kinds:
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
		overdue_90=0.0,
		largest_overdue=0.0,
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


def _invoices(out: dict, scope, w: Windows) -> None:
	"""Per customer, summed over its companies in one currency (revenue.company_rates): never a mixed sum."""
	rows = revenue.windows(scope, w.today, w.start, w.ago(90), w.ago(180), w.ago(365))
	_currency, rates = revenue.company_rates({r.company for r in rows}, day=w.today)
	for r in rows:
		rate = rates.get(r.company)
		if r.customer not in out or not rate:
			continue
		cf, rf, _x = out[r.customer]
		cf.billed_365 += flt(r.billed_365) * rate
		cf.returns_365 += flt(r.returns_365) * rate
		cf.revenue_90 += flt(r.revenue_90) * rate
		cf.revenue_prior_90 += flt(r.prior_90) * rate
		rf.billed += flt(r.billed) * rate
		rf.refunds += flt(r.refunds) * rate
		rf.refund_count += int(r.refund_count or 0)


def _receivables(out: dict, scope, w: Windows, t: dict) -> None:
	"""Open and overdue balances (overdue = owed and due before today), with the overdue vouchers as evidence."""
	overdue = defaultdict(list)
	vouchers = receivables.open_vouchers(scope, w.today)
	# Companies in different currencies: one currency (as _invoices), never a mixed sum.
	_currency, rates = revenue.company_rates({v.company for v in vouchers}, day=w.today)
	for v in vouchers:
		if v.customer not in out or not rates.get(v.company):
			continue
		cf = out[v.customer][0]
		balance = v.balance * rates[v.company]
		cf.outstanding += balance
		if balance > 0 and v.due is not None and v.due < w.today:
			cf.overdue += balance
			cf.largest_overdue = max(cf.largest_overdue or 0.0, balance)
			if (w.today - v.due).days > 90:
				cf.overdue_90 += balance
			overdue[v.customer].append(((w.today - v.due).days, balance, v.voucher_type, v.voucher_no))
	for customer, vouchers in overdue.items():
		rf = out[customer][1]
		rf.overdue_invoices = tuple((days, amount) for days, amount, *_ in vouchers)
		hits = sorted(
			(v for v in vouchers if v[0] > t["overdue_days"] and v[1] > t["overdue_min_amount"]), reverse=True
		)
		if hits:
			rf.evidence["overdue_payment"] = [(dt, name) for *_, dt, name in hits[:EVIDENCE_LIMIT]]


def _discounts(out: dict, scope, w: Windows, t: dict) -> None:
	"""Each invoice's discount: 1 - net total / list value."""
	fractions, discounted = defaultdict(list), defaultdict(list)
	for r in revenue.invoice_discounts(scope, w.start, w.today):
		list_value = flt(r.list_value)
		fraction = max(0.0, 1 - flt(r.net_total) / list_value) if list_value > 0 else 0.0
		fractions[r.customer].append(round(fraction, 4))
		if fraction >= t["discount_ratio"]:
			discounted[r.customer].append((r.posting_date, r.name))
	for customer, values in fractions.items():
		if customer in out:
			rf = out[customer][1]
			rf.invoice_discounts = tuple(values)
			if discounted[customer]:
				newest = sorted(discounted[customer], reverse=True)[:EVIDENCE_LIMIT]
				rf.evidence["discount_dependency"] = [("Sales Invoice", name) for _d, name in newest]


def _cancellations(out: dict, scope, w: Windows) -> None:
	for customer, (count, cancelled) in orders.cancellations(scope, w.start, w.today).items():
		if customer in out:
			out[customer][1].orders, out[customer][1].cancelled = count, cancelled


def _buying(out: dict, scope, w: Windows) -> None:
	year_ago = w.ago(VIP_ORDER_DAYS)
	for customer, days in orders.buying_occasions(scope, w.ago(ORDER_HISTORY_DAYS), w.today).items():
		if customer in out:
			cf, _rf, extras = out[customer]
			cf.order_dates = tuple(days)
			extras["orders_365"] = sum(1 for d in days if d > year_ago)


def _engagement(out: dict, scope, w: Windows, kinds) -> None:
	"""Last activity and engagement of the last 90 days. A customer without any activity has no engagement
	data (the index may not cover them yet), which is not the same as 0 interactions."""
	if "activity" in kinds or "engagement" in kinds:
		for customer, day in activity.last_activity(scope, w.today).items():
			if customer in out:
				cf = out[customer][0]
				cf.last_activity, cf.interactions_90 = day, 0
	if "engagement" in kinds:
		for customer, count in activity.engagement(scope, w.ago(89), w.today).items():
			if customer in out:
				out[customer][0].interactions_90 = count

"""Facts for the next-step rules, for many customers at once (one grouped query per kind of fact).

Only what the current user may see is gathered: a kind of fact the user may not see stays None (the rule stays
silent), as do Company user permissions (documents of other companies are left out). Callers have checked that
the user may read each customer.
"""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Coalesce
from frappe.utils import getdate

from customer_360 import cache
from customer_360.core import next_steps as core
from customer_360.facts import activity, issues, quotations, receivables, scores
from customer_360.permissions import allowed_companies, get_capabilities

CUSTOMER = DocType("Customer")
DECISION = DocType("Customer Suggestion Decision")
ENDED_SUBSCRIPTION = ("Cancelled", "Completed")


def gather(customers: list[str], today, thresholds: core.Thresholds) -> dict[str, core.Facts]:
	today = getdate(today)
	out = _customers(customers)
	if not out:
		return out
	scope = list(out)
	caps = get_capabilities()
	companies = allowed_companies()
	_last_activity(out, scope, today)
	if _readable("Quotation"):
		_quotations(out, scope, companies)
	if caps.see_finance and _readable("Sales Invoice"):
		_receivables(out, scope, companies, today)
	if caps.see_risk:
		_health(out, scope, today, thresholds)
	if _readable("Issue"):
		_cases(out, scope, companies)
	_renewals(out, scope, today, thresholds)
	return out


def decisions(customers: list[str]) -> dict[str, dict[str, str]]:
	"""customer -> {suggestion key: fingerprint of its latest decision}."""
	if not customers:
		return {}
	rows = (
		frappe.qb.from_(DECISION)
		.select(DECISION.customer, DECISION.suggestion_key, DECISION.fingerprint)
		.where(DECISION.customer.isin(customers))
		.orderby(DECISION.decided_on)
		.orderby(DECISION.creation)
		.run()
	)
	out: dict[str, dict[str, str]] = {}
	for customer, key, fp in rows:  # oldest first: the latest decision wins
		out.setdefault(customer, {})[key] = fp
	return out


def _readable(doctype: str) -> bool:
	return bool(frappe.db.table_exists(doctype)) and bool(frappe.has_permission(doctype, "read"))


def _customers(customers: list[str]) -> dict[str, core.Facts]:
	if not customers:
		return {}
	rows = (
		frappe.qb.from_(CUSTOMER)
		.select(CUSTOMER.name, CUSTOMER.customer_name, CUSTOMER.creation)
		.where(CUSTOMER.name.isin(list(customers)) & (CUSTOMER.disabled == 0))
		.run()
	)
	return {
		name: core.Facts(name, customer_name=title or name, created=getdate(created) if created else None)
		for name, title, created in rows
	}


def _last_activity(out, scope, today) -> None:
	for customer, day in activity.last_activity(scope, today).items():
		out[customer].last_activity = day


def _quotations(out, scope, companies) -> None:
	found: dict[str, list] = {customer: [] for customer in out}
	for customer, name, day in quotations.unanswered(scope, companies):
		found[customer].append(core.Doc("Quotation", name, day, ""))
	for customer, docs in found.items():
		out[customer].quotations = tuple(docs)


def _receivables(out, scope, companies, today) -> None:
	"""Open balance per receivable voucher, read at the moment of asking: a payment submitted this morning
	already counts."""
	found: dict[str, list] = {customer: [] for customer in out}
	currencies: dict[str, str] = {}
	for v in _open_vouchers(scope, today, companies):
		if v.company not in currencies:
			currencies[v.company] = frappe.get_cached_value("Company", v.company, "default_currency") or ""
		found[v.customer].append(
			core.Voucher(v.company, v.voucher_type, v.voucher_no, v.balance, v.due, currencies[v.company])
		)
	for customer, vouchers in found.items():
		out[customer].receivables = tuple(vouchers)  # a whale has thousands: one tuple, not one per voucher


def _open_vouchers(scope: list[str], today, companies: list[str] | None) -> list:
	if len(scope) != 1:
		return receivables.open_vouchers(scope, today, companies)
	# One customer's next steps (its 360 page): a whale's 1,500 open vouchers are summed from 19,000 ledger rows,
	# so they are cached per index version like the money panel (a payment's commit bumps it: never stale).
	return cache.get_or_compute(
		"open_vouchers",
		scope[0],
		[str(today), companies],
		lambda: receivables.open_vouchers(scope, today, companies),
	)


def _health(out, scope, today, t: core.Thresholds) -> None:
	since = today - timedelta(days=2 * max(t.health_window_days, 1) + 1)
	for customer in out.values():
		customer.health = ()
	for r in scores.history(scope, since, today):
		f = out[r.customer]
		f.health = (*f.health, (getdate(r.score_date), int(r.score)))


def _cases(out, scope, companies) -> None:
	for customer in out.values():
		customer.open_cases = ()
	for r in issues.open_issues(scope, companies):
		f = out[r.customer]
		f.open_cases = (*f.open_cases, core.Doc("Issue", r.name, r.opening_date, r.subject or ""))


def _renewals(out, scope, today, t: core.Thresholds) -> None:
	"""Contracts (ERPNext CRM) and Subscriptions ending within the renewal window, where those doctypes exist
	and the user may read them."""
	readable = [d for d in ("Contract", "Subscription") if _readable(d)]
	if not readable:
		return
	horizon = today + timedelta(days=t.renewal_days)
	found = []
	if "Contract" in readable:
		contract = DocType("Contract")
		rows = (
			frappe.qb.from_(contract)
			.select(contract.party_name, contract.name, contract.end_date)
			.where(
				(contract.party_type == "Customer")
				& contract.party_name.isin(scope)
				& (contract.docstatus < 2)
				& (contract.end_date >= today)
				& (contract.end_date <= horizon)
			)
			.run()
		)
		found += [(customer, "Contract", name, end) for customer, name, end in rows]
	if "Subscription" in readable:
		sub = DocType("Subscription")
		rows = (
			frappe.qb.from_(sub)
			.select(sub.party, sub.name, sub.end_date)
			.where(
				(sub.party_type == "Customer")
				& sub.party.isin(scope)
				& Coalesce(sub.status, "").notin(ENDED_SUBSCRIPTION)
				& (sub.end_date >= today)
				& (sub.end_date <= horizon)
			)
			.run()
		)
		found += [(customer, "Subscription", name, end) for customer, name, end in rows]
	for customer in out.values():
		customer.renewals = ()
	for customer, doctype, name, end in found:
		f = out[customer]
		f.renewals = (*f.renewals, core.Doc(doctype, name, getdate(end)))

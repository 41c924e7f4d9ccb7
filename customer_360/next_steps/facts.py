"""Facts for the next-step rules, for many customers at once (one grouped query per kind of fact).

Only what the current user may see is gathered: a kind of fact the user may not see stays None (the rule stays
silent), as do Company user permissions (documents of other companies are left out). Callers have checked that
the user may read each customer.
"""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Abs, Coalesce, Max, Sum
from frappe.utils import getdate

from customer_360.core import next_steps as core
from customer_360.permissions import allowed_companies, get_capabilities

CUSTOMER = DocType("Customer")
EVENT = DocType("Customer Timeline Event")
QTN = DocType("Quotation")
PLE = DocType("Payment Ledger Entry")
SCORE = DocType("Customer Health Score")
DECISION = DocType("Customer Suggestion Decision")
# Customer-facing activity: a task, a note or a file added on our side is not contact with the customer.
ACTIVITY_TYPES = ("money", "sales", "support", "message", "interaction")
CLOSED_ISSUE = ("Resolved", "Closed")
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
	end = today + timedelta(days=1)
	rows = (
		frappe.qb.from_(EVENT)
		.select(EVENT.customer, Max(EVENT.event_time))
		.where(EVENT.customer.isin(scope) & EVENT.event_type.isin(ACTIVITY_TYPES) & (EVENT.event_time < end))
		.where(EVENT.cancelled == 0)
		.groupby(EVENT.customer)
		.run()
	)
	for customer, at in rows:
		if at:
			out[customer].last_activity = getdate(at)


def _quotations(out, scope, companies) -> None:
	query = (
		frappe.qb.from_(QTN)
		.select(QTN.party_name, QTN.name, QTN.transaction_date)
		.where(
			(QTN.docstatus == 1)
			& (QTN.quotation_to == "Customer")
			& QTN.party_name.isin(scope)
			# "Open": sent, no reply received (a reply sets Replied), not ordered, lost or expired
			& (QTN.status == "Open")
		)
	)
	if companies is not None:
		query = query.where(QTN.company.isin(companies))
	for customer in out.values():
		customer.quotations = ()
	# No title: ERPNext v16 dropped it from selling documents (compat 3); the name labels the quotation.
	for customer, name, day in query.run():
		f = out[customer]
		f.quotations = (*f.quotations, core.Doc("Quotation", name, getdate(day), ""))


def _receivables(out, scope, companies, today) -> None:
	"""Open balance per receivable voucher, from ERPNext's Payment Ledger (as the Accounts Receivable report):
	read at the moment of asking, so a payment submitted this morning already counts."""
	own_row = PLE.voucher_no == PLE.against_voucher_no
	query = (
		frappe.qb.from_(PLE)
		.select(
			PLE.party,
			PLE.company,
			PLE.against_voucher_type,
			PLE.against_voucher_no,
			Sum(PLE.amount).as_("outstanding"),
			Max(Case().when(own_row, Coalesce(PLE.due_date, PLE.posting_date))).as_("due"),
		)
		.where(
			(PLE.party_type == "Customer")
			& PLE.party.isin(scope)
			& (PLE.account_type == "Receivable")
			& (PLE.delinked == 0)
			& (PLE.posting_date <= today)
		)
		.groupby(PLE.party, PLE.company, PLE.against_voucher_type, PLE.against_voucher_no)
		.having(Abs(Sum(PLE.amount)) >= core.TINY)
	)
	if companies is not None:
		query = query.where(PLE.company.isin(companies))
	for customer in out.values():
		customer.receivables = ()
	for r in query.run(as_dict=True):
		f = out[r.party]
		currency = frappe.get_cached_value("Company", r.company, "default_currency") or ""
		voucher = core.Voucher(
			r.company,
			r.against_voucher_type,
			r.against_voucher_no,
			float(r.outstanding or 0),
			getdate(r.due) if r.due else None,
			currency,
		)
		f.receivables = (*f.receivables, voucher)


def _health(out, scope, today, t: core.Thresholds) -> None:
	since = today - timedelta(days=2 * max(t.health_window_days, 1) + 1)
	rows = (
		frappe.qb.from_(SCORE)
		.select(SCORE.customer, SCORE.score_date, SCORE.score)
		.where(
			SCORE.customer.isin(scope)
			& (SCORE.score_date > since)
			& (SCORE.score_date <= today)
			& SCORE.band.isnotnull()
			& (SCORE.band != "")
		)
		.run()
	)
	for customer in out.values():
		customer.health = ()
	for customer, day, score in rows:
		f = out[customer]
		f.health = (*f.health, (getdate(day), int(score)))


def _cases(out, scope, companies) -> None:
	issue = DocType("Issue")
	query = (
		frappe.qb.from_(issue)
		.select(issue.customer, issue.name, issue.opening_date, issue.subject)
		.where(issue.customer.isin(scope) & issue.status.notin(CLOSED_ISSUE))
	)
	if companies is not None:
		query = query.where(issue.company.isin(companies) | issue.company.isnull() | (issue.company == ""))
	for customer in out.values():
		customer.open_cases = ()
	for customer, name, day, subject in query.run():
		f = out[customer]
		f.open_cases = (*f.open_cases, core.Doc("Issue", name, getdate(day) if day else None, subject or ""))


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

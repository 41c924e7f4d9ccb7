"""Support issues (ERPNext's Issue, where the doctype exists, and Frappe Helpdesk's tickets where Helpdesk is
installed): open cases and issue counts; claims (issues, tickets and warranty claims) for the frequent_claims rule.

Open means a status outside core.definitions.CLOSED_ISSUE_STATUSES. Without the Issue doctype (ERPNext is
moving it to Helpdesk) support is "no data", not "no issues": `tracked()` says which.
"""

from __future__ import annotations

from datetime import date

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Sum
from frappe.query_builder.terms import ValueWrapper
from frappe.utils import getdate

from customer_360.core.definitions import CLOSED_ISSUE_STATUSES


def tracked() -> bool:
	return bool(frappe.db.table_exists("Issue")) or helpdesk_tracked()


def helpdesk_tracked() -> bool:
	"""Frappe Helpdesk is installed: its tickets are support cases too (sources/hd_ticket.py)."""
	return bool(frappe.db.table_exists("HD Ticket"))


def _tickets():
	"""Helpdesk tickets with their ERPNext customer. A ticket names a Helpdesk customer, not an ERPNext one: the
	customer comes from the timeline index, which resolved it when it indexed the ticket (one 'ticket_opened'
	row per ticket and customer), so the resolution rule lives in sources/hd_ticket.py only."""
	e, t = DocType("Customer Timeline Event"), DocType("HD Ticket")
	is_open = Case().when((t.status_category != "Resolved") & t.resolution_date.isnull(), 1).else_(0)
	query = (
		frappe.qb.from_(e)
		.join(t)
		.on(t.name == e.source_name)
		.where((e.source_doctype == "HD Ticket") & (e.kind == "ticket_opened"))
	)
	return query, e, t, is_open


def open_issues(customers: list[str], companies: list[str] | None = None, limit: int | None = None) -> list:
	"""Open issues of these customers, oldest first: rows of customer, name, subject, status, opening_date.
	`companies`: issues of these companies or of none (None: all)."""
	if not customers:
		return []
	issue = DocType("Issue")
	query = (
		frappe.qb.from_(issue)
		.select(issue.customer, issue.name, issue.subject, issue.status, issue.opening_date)
		.where(issue.customer.isin(customers) & issue.status.notin(CLOSED_ISSUE_STATUSES))
		.orderby(issue.opening_date)
		.orderby(issue.name)
	)
	if companies is not None:
		query = query.where(
			issue.company.isin(companies or [""]) | issue.company.isnull() | (issue.company == "")
		)
	if limit:
		query = query.limit(limit)
	rows = query.run(as_dict=True)
	for r in rows:
		r.opening_date = getdate(r.opening_date) if r.opening_date else None
	return rows


def counts(
	customers: list[str] | None, today: date, d90: date, start: date
) -> dict[str, tuple[int, int, int]]:
	"""customer -> (open issues, issues opened in the last 90 days, claims raised since `start`).

	Helpdesk tickets, where Helpdesk is installed, are support issues like ERPNext's.
	Claims (the frequent_claims rule) are support issues and warranty claims, a cancelled warranty claim left out
	(it was withdrawn or entered by mistake). One query: both doctypes' rows as one derived table, grouped once."""
	issue = DocType("Issue")
	is_open = Case().when(issue.status.notin(CLOSED_ISSUE_STATUSES), 1).else_(0)
	rows = (
		frappe.qb.from_(issue)
		.select(
			issue.customer.as_("customer"),
			is_open.as_("is_open"),
			issue.opening_date.as_("day"),
			ValueWrapper(1).as_("is_issue"),
		)
		.where(issue.customer.isnotnull() & ((is_open == 1) | (issue.opening_date > min(d90, start))))
	)
	if customers is not None:
		rows = rows.where(issue.customer.isin(customers))
	if warranty_claims_tracked():
		claim = DocType("Warranty Claim")
		claims = (
			frappe.qb.from_(claim)
			.select(claim.customer, ValueWrapper(0), claim.complaint_date, ValueWrapper(0))
			.where(
				claim.customer.isnotnull() & (claim.status != "Cancelled") & (claim.complaint_date > start)
			)
		)
		if customers is not None:
			claims = claims.where(claim.customer.isin(customers))
		rows = rows.union_all(claims)
	if helpdesk_tracked():
		tickets, e, t, ticket_open = _tickets()
		tickets = tickets.select(e.customer, ticket_open, t.opening_date, ValueWrapper(1)).where(
			(ticket_open == 1) | (t.opening_date > min(d90, start))
		)
		if customers is not None:
			tickets = tickets.where(e.customer.isin(customers))
		rows = rows.union_all(tickets)
	u = rows.as_("u")
	dated = u.day <= today

	def total(condition):
		return Sum(Case().when(condition, 1).else_(0))

	query = (
		frappe.qb.from_(u)
		.select(
			u.customer,
			Sum(u.is_open),
			total(dated & (u.is_issue == 1) & (u.day > d90)),
			total(dated & (u.day > start)),
		)
		.groupby(u.customer)
	)
	return {c: (int(o or 0), int(r or 0), int(s or 0)) for c, o, r, s in query.run()}


def warranty_claims_tracked() -> bool:
	return bool(frappe.db.table_exists("Warranty Claim"))


def claim_documents(customers: list[str], start: date, today: date) -> dict[str, list[tuple[str, str]]]:
	"""customer -> the (doctype, name) of its claims raised in (start, today], newest first: the evidence of a
	frequent_claims flag, the same documents counts() counts."""
	issue = DocType("Issue")
	rows = (
		frappe.qb.from_(issue)
		.select(
			issue.customer.as_("customer"),
			ValueWrapper("Issue").as_("doctype"),
			issue.name.as_("name"),
			issue.opening_date.as_("day"),
		)
		.where(issue.customer.isin(customers) & (issue.opening_date > start) & (issue.opening_date <= today))
	)
	if warranty_claims_tracked():
		claim = DocType("Warranty Claim")
		rows = rows.union_all(
			frappe.qb.from_(claim)
			.select(claim.customer, ValueWrapper("Warranty Claim"), claim.name, claim.complaint_date)
			.where(
				claim.customer.isin(customers)
				& (claim.status != "Cancelled")
				& (claim.complaint_date > start)
				& (claim.complaint_date <= today)
			)
		)
	if helpdesk_tracked():
		tickets, e, t, _ = _tickets()
		rows = rows.union_all(
			tickets.select(e.customer, ValueWrapper("HD Ticket"), t.name, t.opening_date).where(
				e.customer.isin(customers) & (t.opening_date > start) & (t.opening_date <= today)
			)
		)
	u = rows.as_("u")
	query = (
		frappe.qb.from_(u)
		.select(u.customer, u.doctype, u.name)
		.orderby(u.day, order=frappe.qb.desc)
		.orderby(u.name, order=frappe.qb.desc)
	)
	out: dict[str, list[tuple[str, str]]] = {}
	for customer, doctype, name in query.run():
		out.setdefault(customer, []).append((doctype, name))
	return out

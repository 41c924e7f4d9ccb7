"""Support issues (ERPNext's Issue, where the doctype exists): open cases and issue counts.

Open means a status outside core.definitions.CLOSED_ISSUE_STATUSES. Without the Issue doctype (ERPNext is
moving it to Helpdesk) support is "no data", not "no issues": `tracked()` says which.
"""

from __future__ import annotations

from datetime import date

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Sum
from frappe.utils import getdate

from customer_360.core.definitions import CLOSED_ISSUE_STATUSES


def tracked() -> bool:
	return bool(frappe.db.table_exists("Issue"))


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
	"""customer -> (open issues, issues opened in the last 90 days, issues opened since `start`)."""
	issue = DocType("Issue")
	is_open = issue.status.notin(CLOSED_ISSUE_STATUSES)
	dated = issue.opening_date <= today

	def total(condition):
		return Sum(Case().when(condition, 1).else_(0))

	query = (
		frappe.qb.from_(issue)
		.select(
			issue.customer,
			total(is_open),
			total(dated & (issue.opening_date > d90)),
			total(dated & (issue.opening_date > start)),
		)
		.where(issue.customer.isnotnull() & (is_open | (issue.opening_date > min(d90, start))))
		.groupby(issue.customer)
	)
	if customers is not None:
		query = query.where(issue.customer.isin(customers))
	return {c: (int(o or 0), int(r or 0), int(s or 0)) for c, o, r, s in query.run()}

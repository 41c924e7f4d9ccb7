"""Quotations to customers: those waiting for an answer, and the open pipeline."""

from __future__ import annotations

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Sum
from frappe.utils import getdate

QTN = DocType("Quotation")
# Sent and not yet ordered, lost or expired (a reply sets Replied, a part order Partially Ordered).
PIPELINE_STATUSES = ("Open", "Replied", "Partially Ordered")
UNANSWERED_STATUS = "Open"  # sent, no reply received


def unanswered(customers: list[str], companies: list[str] | None = None) -> list[tuple]:
	"""(customer, quotation, date) of submitted quotations still waiting for an answer."""
	if not customers:
		return []
	query = (
		frappe.qb.from_(QTN)
		.select(QTN.party_name, QTN.name, QTN.transaction_date)
		.where(
			(QTN.docstatus == 1)
			& (QTN.quotation_to == "Customer")
			& QTN.party_name.isin(customers)
			& (QTN.status == UNANSWERED_STATUS)
		)
	)
	if companies is not None:
		query = query.where(QTN.company.isin(companies or [""]))
	# No title: ERPNext v16 dropped it from selling documents (compat 3); the name labels the quotation.
	return [(customer, name, getdate(day)) for customer, name, day in query.run()]


def pipeline(customers: list[str], company: str) -> dict:
	"""Open quotations of one company: {"count", "amount"} in company currency."""
	count, amount = (
		frappe.qb.from_(QTN)
		.select(Count(QTN.name), Sum(QTN.base_grand_total))
		.where(
			(QTN.company == company)
			& (QTN.quotation_to == "Customer")
			& QTN.party_name.isin(customers)
			& (QTN.docstatus == 1)
			& QTN.status.isin(PIPELINE_STATUSES)
		)
		.run()[0]
	)
	return {"count": count or 0, "amount": float(amount or 0)}

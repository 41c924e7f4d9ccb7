"""Purchases over a customer's whole life: first and last buying day and the number of buying days (an order
and the invoice made from it are one purchase, as in facts.orders.buying_occasions), for the lifecycle."""

from __future__ import annotations

from datetime import date

import frappe
from frappe.utils import getdate


def _scoped(column: str, customers) -> str:
	return f" and {column} in %(customers)s" if customers is not None else ""


def span(customers: list[str] | None, until: date) -> dict[str, tuple[date, date, int]]:
	"""customer -> (first buying day, last buying day, buying days) up to `until`, one grouped query."""
	if customers is not None and not customers:
		return {}
	rows = frappe.db.sql(
		f"""
		select customer, min(day), max(day), count(distinct day) from (
			select t.customer, t.transaction_date as day from `tabSales Order` t
			where t.docstatus = 1 and t.transaction_date <= %(until)s {_scoped("t.customer", customers)}
			union all
			select si.customer, si.posting_date from `tabSales Invoice` si
			where si.docstatus = 1 and si.is_return = 0 and si.posting_date <= %(until)s
				{_scoped("si.customer", customers)}
				and not exists (
					select 1 from `tabSales Invoice Item` sii
					where sii.parent = si.name and sii.parenttype = 'Sales Invoice' and ifnull(sii.sales_order, '') != ''
				)
		) o group by customer""",
		{"customers": customers, "until": until},
	)
	return {c: (getdate(first), getdate(last), int(n)) for c, first, last, n in rows if c}

"""Orders: buying occasions, cancellations, orders still to deliver or bill, and returned deliveries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Sum
from frappe.utils import getdate

SO = DocType("Sales Order")
DN = DocType("Delivery Note")
OPEN_ORDER_EXCLUDED = ("Closed", "On Hold", "Completed")


def _scoped(column: str, customers) -> str:
	return f" and {column} in %(customers)s" if customers is not None else ""


def buying_occasions(customers: list[str] | None, since: date, today: date) -> dict[str, list[date]]:
	"""customer -> days it bought in (since, today]: sales order dates, and dates of invoices not made from an
	order (so an order and its invoice a week later are one purchase, not two)."""
	rows = frappe.db.sql(
		f"""
		select distinct customer, day from (
			select t.customer, t.transaction_date as day from `tabSales Order` t
			where t.docstatus = 1 and t.transaction_date > %(since)s and t.transaction_date <= %(today)s
				{_scoped("t.customer", customers)}
			union all
			select si.customer, si.posting_date from `tabSales Invoice` si
			where si.docstatus = 1 and si.is_return = 0
				and si.posting_date > %(since)s and si.posting_date <= %(today)s {_scoped("si.customer", customers)}
				and not exists (
					select 1 from `tabSales Invoice Item` sii
					where sii.parent = si.name and sii.parenttype = 'Sales Invoice' and ifnull(sii.sales_order, '') != ''
				)
		) o""",
		{"since": since, "today": today, "customers": customers},
	)
	days = defaultdict(list)
	for customer, day in rows:
		days[customer].append(getdate(day))
	return {customer: sorted(values) for customer, values in days.items()}


def cancellations(customers: list[str] | None, start: date, today: date) -> dict[str, tuple[int, int]]:
	"""customer -> (orders and invoices dated in (start, today], how many were cancelled). A cancelled document
	that was amended is a correction, not a cancellation (the amendment counts instead)."""
	rows = frappe.db.sql(
		f"""
		select customer, count(*) as orders, sum(docstatus = 2 and amended is null) as cancelled from (
			select t.customer, t.docstatus, a.amended_from as amended
			from `tabSales Order` t
			left join (select distinct amended_from from `tabSales Order` where amended_from is not null) a
				on a.amended_from = t.name
			where t.docstatus in (1, 2) and t.transaction_date > %(start)s and t.transaction_date <= %(today)s
				{_scoped("t.customer", customers)}
			union all
			select t.customer, t.docstatus, a.amended_from
			from `tabSales Invoice` t
			left join (select distinct amended_from from `tabSales Invoice` where amended_from is not null) a
				on a.amended_from = t.name
			where t.docstatus in (1, 2) and t.is_return = 0 and t.posting_date > %(start)s
				and t.posting_date <= %(today)s {_scoped("t.customer", customers)}
		) o
		group by customer""",
		{"start": start, "today": today, "customers": customers},
	)
	return {customer: (int(orders or 0), int(cancelled or 0)) for customer, orders, cancelled in rows}


def open_orders(customers: list[str], company: str, still_to: str) -> dict:
	"""Submitted orders not closed, on hold or completed that are still to be delivered or billed
	(`still_to`: "deliver" or "bill"): {"count", "amount"} in company currency."""
	pending = SO.per_delivered < 100 if still_to == "deliver" else SO.per_billed < 100
	count, amount = (
		frappe.qb.from_(SO)
		.select(Count(SO.name), Sum(SO.base_grand_total))
		.where(
			(SO.company == company)
			& SO.customer.isin(customers)
			& (SO.docstatus == 1)
			& SO.status.notin(OPEN_ORDER_EXCLUDED)
			& pending
		)
		.run()[0]
	)
	return {"count": count or 0, "amount": float(amount or 0)}


def companies_with_orders(customers: list[str]) -> list[str]:
	return frappe.get_all(
		"Sales Order",
		filters={"customer": ["in", customers], "docstatus": 1},
		pluck="company",
		distinct=True,
		ignore_permissions=True,
	)


def returned_deliveries(customers: list[str] | None, start: date, today: date) -> dict[str, int]:
	"""customer -> return delivery notes posted in (start, today]."""
	query = (
		frappe.qb.from_(DN)
		.select(DN.customer, Count(DN.name))
		.where(
			(DN.docstatus == 1) & (DN.is_return == 1) & (DN.posting_date > start) & (DN.posting_date <= today)
		)
		.groupby(DN.customer)
	)
	if customers is not None:
		query = query.where(DN.customer.isin(customers))
	return {customer: int(count or 0) for customer, count in query.run()}

"""Revenue from submitted Sales Invoices, in company currency: lifetime value, net billed in a window or per
month, the risk rules' billing windows, and invoice discounts.

Net billed (base_net_total) deducts credit notes: revenue given back is not revenue. Lifetime value is net
billed over all time; the money panel, the 360 signals, the VIP badge and rule all read it from here.
"""

from __future__ import annotations

from datetime import date

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Extract, Sum
from pypika.enums import DatePart

SI = DocType("Sales Invoice")


def total(condition, value):
	return Sum(Case().when(condition, value).else_(0))


def lifetime_value(customers: list[str], companies: list[str] | None = None) -> dict[str, float]:
	"""customer -> net billed, all time (`companies`: only these; None: all)."""
	if not customers or (companies is not None and not companies):
		return {}
	query = (
		frappe.qb.from_(SI)
		.select(SI.customer, Sum(SI.base_net_total))
		.where(SI.customer.isin(customers) & (SI.docstatus == 1))
		.groupby(SI.customer)
	)
	if companies is not None:
		query = query.where(SI.company.isin(companies))
	return {customer: float(value or 0) for customer, value in query.run()}


def net_billed(customers: list[str], since: date, until: date) -> dict[str, float]:
	"""customer -> net billed with posting date in (since, until]."""
	if not customers:
		return {}
	rows = (
		frappe.qb.from_(SI)
		.select(SI.customer, Sum(SI.base_net_total))
		.where(
			SI.customer.isin(customers)
			& (SI.docstatus == 1)
			& (SI.posting_date > since)
			& (SI.posting_date <= until)
		)
		.groupby(SI.customer)
		.run()
	)
	return {customer: round(float(value or 0), 2) for customer, value in rows}


def monthly(customers: list[str], since: date, companies: list[str] | None = None) -> dict[str, float]:
	"""'YYYY-MM' -> net billed to these customers together, from `since` on."""
	condition = SI.customer.isin(customers) & (SI.docstatus == 1) & (SI.posting_date >= since)
	if companies is not None:
		condition &= SI.company.isin(companies or [""])
	year, month = Extract(DatePart.year, SI.posting_date), Extract(DatePart.month, SI.posting_date)
	rows = (
		frappe.qb.from_(SI)
		.select(year.as_("y"), month.as_("m"), Sum(SI.base_net_total).as_("total"))
		.where(condition)
		.groupby(year, month)
		.run()
	)
	return {f"{int(y):04d}-{int(m):02d}": float(t or 0) for y, m, t in rows}


def windows(customers: list[str] | None, today: date, start: date, d90: date, d180: date, d365: date) -> list:
	"""Per customer: billed and returned in the last 365 days, net revenue of the last 90 days and the 90 before,
	billed, refunded and refunds since `start` (the risk rules' window)."""
	sale, credit = SI.is_return == 0, SI.is_return == 1
	recent = credit & (SI.posting_date > start)
	query = (
		frappe.qb.from_(SI)
		.select(
			SI.customer,
			total(sale & (SI.posting_date > d365), SI.base_grand_total).as_("billed_365"),
			total(credit & (SI.posting_date > d365), -SI.base_grand_total).as_("returns_365"),
			total(SI.posting_date > d90, SI.base_net_total).as_("revenue_90"),
			total((SI.posting_date > d180) & (SI.posting_date <= d90), SI.base_net_total).as_("prior_90"),
			total(sale & (SI.posting_date > start), SI.base_grand_total).as_("billed"),
			total(recent, -SI.base_grand_total).as_("refunds"),
			total(recent, 1).as_("refund_count"),
		)
		.where((SI.docstatus == 1) & (SI.posting_date > min(d365, start)) & (SI.posting_date <= today))
		.groupby(SI.customer)
	)
	if customers is not None:
		query = query.where(SI.customer.isin(customers))
	return query.run(as_dict=True)


def invoice_discounts(customers: list[str] | None, start: date, today: date) -> list:
	"""Each invoice posted in (start, today] with its net total and list value (item discounts and the header
	discount alike: list value is qty x price list rate, or the rate where there is no list price)."""
	scoped = " and si.customer in %(customers)s" if customers is not None else ""
	return frappe.db.sql(
		f"""
		select si.customer, si.name, si.posting_date, si.net_total,
			sum(sii.qty * if(sii.price_list_rate > 0, sii.price_list_rate, sii.rate)) as list_value
		from `tabSales Invoice` si
		join `tabSales Invoice Item` sii on sii.parent = si.name and sii.parenttype = 'Sales Invoice'
		where si.docstatus = 1 and si.is_return = 0
			and si.posting_date > %(start)s and si.posting_date <= %(today)s {scoped}
		group by si.customer, si.name, si.posting_date, si.net_total""",
		{"start": start, "today": today, "customers": customers},
		as_dict=True,
	)

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
from frappe.utils import getdate, nowdate
from pypika.enums import DatePart

SI = DocType("Sales Invoice")


def total(condition, value):
	return Sum(Case().when(condition, value).else_(0))


def lifetime_value(customers: list[str], companies: list[str] | None = None) -> dict[str, float]:
	"""customer -> net billed, all time (`companies`: only these; None: all), in one currency (company_rates)."""
	if not customers or (companies is not None and not companies):
		return {}
	query = (
		frappe.qb.from_(SI)
		.select(SI.customer, SI.company, Sum(SI.base_net_total))
		.where(SI.customer.isin(customers) & (SI.docstatus == 1))
		.groupby(SI.customer, SI.company)
	)
	if companies is not None:
		query = query.where(SI.company.isin(companies))
	return _in_one_currency(query.run())


def lifetime_and_credit_notes(customers: list[str], company: str) -> tuple[float, int]:
	"""One company's lifetime value of these customers together (net billed, in its own currency) and how many
	credit notes it issued them, in one pass over their invoices: the money panel lists credit notes only when
	there are some (looking for the newest ten of none read every invoice of a whale a second time)."""
	if not customers:
		return 0.0, 0
	billed, returns = (
		frappe.qb.from_(SI)
		.select(Sum(SI.base_net_total), Sum(SI.is_return))
		.where(SI.customer.isin(customers) & (SI.docstatus == 1) & (SI.company == company))
		.run()[0]
	)
	return float(billed or 0), int(returns or 0)


def net_billed(customers: list[str], since: date, until: date) -> dict[str, float]:
	"""customer -> net billed with posting date in (since, until], in one currency (company_rates)."""
	if not customers:
		return {}
	rows = (
		frappe.qb.from_(SI)
		.select(SI.customer, SI.company, Sum(SI.base_net_total))
		.where(
			SI.customer.isin(customers)
			& (SI.docstatus == 1)
			& (SI.posting_date > since)
			& (SI.posting_date <= until)
		)
		.groupby(SI.customer, SI.company)
		.run()
	)
	return {c: round(v, 2) for c, v in _in_one_currency(rows, day=until).items()}


def _in_one_currency(rows, into: str | None = None, day: date | None = None) -> dict[str, float]:
	"""(customer, company, amount in company currency) rows -> customer -> sum in one currency."""
	_currency, rates = company_rates({company for _c, company, _v in rows}, into, day)
	out: dict[str, float] = {}
	for customer, company, value in rows:
		if rates.get(company):
			out[customer] = out.get(customer, 0.0) + float(value or 0) * rates[company]
	return out


def company_rates(
	companies, into: str | None = None, day: date | None = None
) -> tuple[str, dict[str, float]]:
	"""One currency for the figures of several companies, and each company's rate into it: `into`, else the
	companies' own currency when they share one (no conversion at all), else the default company's currency.
	Rates are the site's (exchange_rate); a company whose currency has none gets 0: its figures are left out
	(and logged), never added unconverted."""
	currencies = {c: frappe.get_cached_value("Company", c, "default_currency") or "" for c in companies}
	if into is None:
		distinct = set(currencies.values())
		into = distinct.pop() if len(distinct) == 1 else default_currency()
	day = day or getdate(nowdate())
	by_currency: dict[str, float] = {}
	for currency in set(currencies.values()):
		by_currency[currency] = exchange_rate(currency, into, day)
		if not by_currency[currency]:
			frappe.log_error(f"customer_360: no exchange rate {currency} -> {into}; its figures are left out")
	return into, {company: by_currency[currency] for company, currency in currencies.items()}


def default_currency() -> str:
	import erpnext

	return erpnext.get_default_currency() or frappe.db.get_default("currency") or ""


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
	"""Per customer and company (company currency): billed and returned in the last 365 days, net revenue of the last 90 days and the 90 before,
	billed, refunded and refunds since `start` (the risk rules' window)."""
	sale, credit = SI.is_return == 0, SI.is_return == 1
	recent = credit & (SI.posting_date > start)
	query = (
		frappe.qb.from_(SI)
		.select(
			SI.customer,
			SI.company,
			total(sale & (SI.posting_date > d365), SI.base_grand_total).as_("billed_365"),
			total(credit & (SI.posting_date > d365), -SI.base_grand_total).as_("returns_365"),
			total(SI.posting_date > d90, SI.base_net_total).as_("revenue_90"),
			total((SI.posting_date > d180) & (SI.posting_date <= d90), SI.base_net_total).as_("prior_90"),
			total(sale & (SI.posting_date > start), SI.base_grand_total).as_("billed"),
			total(recent, -SI.base_grand_total).as_("refunds"),
			total(recent, 1).as_("refund_count"),
		)
		.where((SI.docstatus == 1) & (SI.posting_date > min(d365, start)) & (SI.posting_date <= today))
		.groupby(SI.customer, SI.company)
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


def exchange_rate(from_currency: str, to_currency: str, day: date) -> float:
	"""The site's rate as ERPNext keeps it (Currency Exchange, the newest on or before `day`); 0 without one.
	Stored rates only: a figure is never fetched from the network inside a page or a nightly job."""
	if from_currency == to_currency:
		return 1.0
	rate = frappe.get_all(
		"Currency Exchange",
		filters={"from_currency": from_currency, "to_currency": to_currency, "date": ("<=", day)},
		fields=["exchange_rate"],
		order_by="date desc",
		limit=1,
	)
	if rate:
		return float(rate[0].exchange_rate or 0)
	inverse = frappe.get_all(
		"Currency Exchange",
		filters={"from_currency": to_currency, "to_currency": from_currency, "date": ("<=", day)},
		fields=["exchange_rate"],
		order_by="date desc",
		limit=1,
	)
	return 1 / float(inverse[0].exchange_rate) if inverse and inverse[0].exchange_rate else 0.0


def net_billed_in(customers: list[str] | None, since: date, until: date, currency: str) -> dict[str, float]:
	"""customer -> net billed in (since, until], each company's figure converted into `currency`."""
	query = (
		frappe.qb.from_(SI)
		.select(SI.customer, SI.company, Sum(SI.base_net_total))
		.where((SI.docstatus == 1) & (SI.posting_date > since) & (SI.posting_date <= until))
		.groupby(SI.customer, SI.company)
	)
	if customers is not None:
		if not customers:
			return {}
		query = query.where(SI.customer.isin(customers))
	return _in_one_currency(query.run(), into=currency, day=until)

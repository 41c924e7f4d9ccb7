"""What customers buy: net revenue per customer, currency and item group over a window, from submitted Sales
Invoice Items (credit notes carry negative amounts, so returns are netted), for the product-mix segments.

Amounts are in company currency (base_net_amount, as revenue.py's figures) and keyed by that currency: they are
kept per currency here and converted by no one but the ranking in core/product_mix.py.
"""

from __future__ import annotations

from datetime import date

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Sum

from customer_360.core.product_mix import Amount
from customer_360.facts import revenue

SI = DocType("Sales Invoice")
SII = DocType("Sales Invoice Item")
COMPANY = DocType("Company")


def net_by_item_group(customers: list[str] | None, since: date, until: date) -> list[Amount]:
	"""Net revenue with posting date in (since, until] per customer, company currency and item group: one
	grouped query whatever the number of customers (None: every customer)."""
	if customers is not None and not customers:
		return []
	query = (
		frappe.qb.from_(SI)
		.join(SII)
		.on((SII.parent == SI.name) & (SII.parenttype == "Sales Invoice"))
		.join(COMPANY)
		.on(COMPANY.name == SI.company)
		.select(SI.customer, COMPANY.default_currency, SII.item_group, Sum(SII.base_net_amount))
		.where((SI.docstatus == 1) & (SI.posting_date > since) & (SI.posting_date <= until))
		.groupby(SI.customer, COMPANY.default_currency, SII.item_group)
	)
	if customers is not None:
		query = query.where(SI.customer.isin(customers))
	return [
		Amount(customer=c, currency=currency or "", item_group=group or "", net=float(net or 0))
		for c, currency, group, net in query.run()
		if c
	]


def ranking_rates(currencies: set[str], day: date) -> dict[str, float]:
	"""currency -> the site's rate into the default currency, to rank one customer's item groups across
	currencies (0 without a stored rate: that currency is left out of the ranking, and logged)."""
	into = revenue.default_currency()
	rates = {c: revenue.exchange_rate(c, into, day) for c in currencies if c}
	for currency, rate in rates.items():
		if not rate:
			frappe.log_error(
				f"customer_360: no exchange rate {currency} -> {into}; product mix ranks without it"
			)
	return rates

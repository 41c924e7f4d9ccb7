"""Money on the customer record, read with a handful of set-based queries per company.

Receivables come from ERPNext's Payment Ledger (facts.receivables, as its Accounts Receivable report reads
it); core.money applies the report's ageing rules. Lifetime value, pipeline and open orders are facts too;
the recent documents are listed here. Credit use is ERPNext's own get_customer_outstanding. Nothing here
loads a document.
"""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import get_url, getdate

from customer_360 import cache
from customer_360.core import masking
from customer_360.core import money as core
from customer_360.core.capabilities import Capabilities
from customer_360.facts import orders, quotations, receivables, revenue
from customer_360.messages import bold
from customer_360.permissions import allowed_companies
from customer_360.rollup import rolled_up_customers

SI = DocType("Sales Invoice")
PE = DocType("Payment Entry")
LIST_LIMIT = 10
DUE_SOON_DAYS = 30
DUE_LIST_LIMIT = 20


def panel(customer: str, company: str | None, as_on, caps: Capabilities) -> dict:
	"""The money panel: per company, receivables as ERPNext's Accounts Receivable report computes them, plus
	pipeline, recent documents and credit. Children (Parent Customer) roll up into their parent. Only companies
	the user may see; figures only for a reader with see_finance (core.masking), never computed otherwise."""
	customers = rolled_up_customers(customer)
	allowed = allowed_companies()
	if company and allowed is not None and company not in allowed:
		frappe.throw(
			_("You are not permitted to see company {0}.").format(bold(company)),
			frappe.PermissionError,
		)
	companies = [company] if company else companies_with_activity(customers)
	if allowed is not None:
		companies = [c for c in companies if c in allowed]
	out = {"customer": customer, "customers": customers, "as_on": str(as_on), "companies": []}
	if not caps.see_finance:
		out["companies"] = [masking.mask({"company": c}, caps, masking.MONEY_FIGURES) for c in companies]
		out["masked"] = True  # the figures never leave the server: each one is null and flagged
		return out
	out["masked"] = False
	for c in companies:
		try:
			out["companies"].append(cached_company_money(customers, c, as_on))
		except Exception:
			# One company's failure must not blank the panel for the others.
			frappe.log_error(f"customer_360: money panel failed for {customer} / {c}")
			out["companies"].append(
				{"company": c, "error": _("Could not compute the figures for this company.")}
			)
	return out


def companies_with_activity(customers: list[str]) -> list[str]:
	"""Cached per index version (a first invoice or order in a new company bumps it): on a whale the ledger's
	distinct companies read its 19,000 rows, on every open of the panel, not only the first."""
	return cache.get_or_compute(
		"money_companies",
		customers[0],
		[customers],
		lambda: sorted(
			set(receivables.companies_with_ledger(customers) + orders.companies_with_orders(customers))
		),
	)


def cached_company_money(customers: list[str], company: str, as_on) -> dict:
	"""company_money through customer_360.cache: the same customers (the reader's roll-up), company and date
	share one entry. The credit limit is edited on the Customer, which no index event announces: the customers'
	`modified` is part of the key."""
	stamps = frappe.get_all(
		"Customer", filters={"name": ["in", customers]}, pluck="modified", order_by="name"
	)
	return cache.get_or_compute(
		"money",
		customers[0],
		[customers, company, str(as_on), [str(s) for s in stamps]],
		lambda: company_money(customers, company, as_on),
	)


def company_money(customers: list[str], company: str, as_on) -> dict:
	currency = frappe.get_cached_value("Company", company, "default_currency")
	vouchers = receivables.open_vouchers(customers, as_on, companies=[company])
	balances = [core.VoucherBalance(v.voucher_type, v.voucher_no, v.balance, v.due) for v in vouchers]
	figures = core.receivables(balances, getdate(as_on), receivables.precision())
	# What falls due within DUE_SOON_DAYS (and what is overdue), over every open invoice, not the newest few.
	due, due_count = core.due_by(
		balances, getdate(as_on) + timedelta(days=DUE_SOON_DAYS), receivables.precision(), DUE_LIST_LIMIT
	)
	figures["due_soon"] = [
		{
			"name": b.voucher_no,
			"due_date": str(b.entry_date),
			"outstanding_amount": b.outstanding,
			"currency": currency,
		}
		for b in due
	]
	figures["due_soon_count"] = due_count
	# A party account in another currency: the same figures in that currency too, never added to the above.
	figures["in_party_currency"] = core.in_party_currencies(
		vouchers, currency, getdate(as_on), receivables.precision()
	)
	ltv, credit_note_count = revenue.lifetime_and_credit_notes(customers, company)

	base = (SI.company == company) & SI.customer.isin(customers) & (SI.docstatus == 1)
	invoices = _list(
		SI,
		base & (SI.is_return == 0),
		SI.posting_date,
		SI.due_date,
		SI.grand_total,
		SI.outstanding_amount,
		SI.status,
		SI.currency,
	)
	credit_notes = (
		_list(
			SI,
			base & (SI.is_return == 1),
			SI.posting_date,
			SI.grand_total,
			SI.return_against,
			SI.status,
			SI.currency,
		)
		if credit_note_count
		else []
	)
	pe_base = (
		(PE.company == company)
		& (PE.party_type == "Customer")
		& PE.party.isin(customers)
		& (PE.docstatus == 1)
	)
	payments = _list(
		PE,
		pe_base & (PE.payment_type == "Receive"),
		PE.posting_date,
		PE.paid_amount,
		PE.unallocated_amount,
		PE.mode_of_payment,
		PE.paid_from_account_currency.as_("currency"),
	)
	refunds = _list(
		PE,
		pe_base & (PE.payment_type == "Pay"),
		PE.posting_date,
		PE.received_amount.as_("paid_amount"),
		PE.mode_of_payment,
		PE.paid_to_account_currency.as_("currency"),
	)

	open_invoices = (
		frappe.qb.from_(SI)
		.select(SI.name)
		.where(base & (SI.outstanding_amount > 0))
		.orderby(SI.due_date)
		.limit(LIST_LIMIT)
		.run(pluck=True)
	)
	return {
		"company": company,
		"currency": currency,
		**figures,
		"lifetime_value": float(ltv),
		"average_days_to_pay": core.average_days(*receivables.days_to_pay(customers, company)),
		"last_payment": payments[0] if payments else None,
		**_credit(customers[0], company, currency),
		"open_quotations": quotations.pipeline(customers, company),
		"orders_to_deliver": orders.open_orders(customers, company, "deliver"),
		"orders_to_bill": orders.open_orders(customers, company, "bill"),
		"invoices": invoices,
		"payments": payments,
		"refunds": refunds,
		"credit_notes": credit_notes,
		"portal_links": [{"invoice": n, "url": get_url(f"/invoices/{n}")} for n in open_invoices],
	}


def _list(table, condition, *fields) -> list[dict]:
	return (
		frappe.qb.from_(table)
		.select(table.name, *fields)
		.where(condition)
		.orderby(table.posting_date, order=frappe.qb.desc)
		.orderby(table.name, order=frappe.qb.desc)
		.limit(LIST_LIMIT)
		.run(as_dict=True)
	)


def _credit(customer, company, currency) -> dict:
	from erpnext.selling.doctype.customer.customer import get_credit_limit, get_customer_outstanding

	limit = float(get_credit_limit(customer, company) or 0)
	used = float(get_customer_outstanding(customer, company) or 0) if limit else None
	return {
		"credit_limit": limit or None,
		"credit_used": used,
		"credit_used_percent": round(100 * used / limit, 1) if limit else None,
	}

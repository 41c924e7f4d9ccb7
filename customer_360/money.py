"""Money on the customer record, read with a handful of set-based queries per company.

Receivables come from ERPNext's Payment Ledger (the table its Accounts Receivable report reads), summed per
voucher in SQL; core.money applies the report's ageing rules. Credit use is ERPNext's own
get_customer_outstanding. Nothing here loads a document.
"""

from __future__ import annotations

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Abs, Coalesce, Count, Max, Sum
from frappe.utils import get_url, getdate
from pypika.terms import CustomFunction

from customer_360.core import money as core

PLE = DocType("Payment Ledger Entry")
SI = DocType("Sales Invoice")
SO = DocType("Sales Order")
QTN = DocType("Quotation")
PE = DocType("Payment Entry")
LIST_LIMIT = 10
# MariaDB's DATEDIFF(end, start) in days (pypika's DateDiff is SQL Server's three-argument form).
DaysBetween = CustomFunction("DATEDIFF", ["end", "start"])


def rolled_up_customers(customer: str, depth: int = 5) -> list[str]:
	"""The customer and those of its children (linked through Parent Customer, a few levels down) that the
	user may read: a roll-up must not add up figures of customers the reader cannot open (User Permissions
	included). The caller has checked `customer` itself."""
	tree, frontier = [customer], [customer]
	for _ in range(depth):
		children = frappe.get_all(
			"Customer",
			filters={"c360_parent_customer": ["in", frontier]},
			pluck="name",
			ignore_permissions=True,  # the walk sees the whole tree; what is returned is filtered below
		)
		frontier = [c for c in children if c not in tree]
		if not frontier:
			break
		tree.extend(frontier)
	if len(tree) == 1:
		return tree
	readable = set(
		frappe.get_list("Customer", filters={"name": ["in", tree[1:]]}, pluck="name", limit_page_length=0)
	)
	return [customer, *(c for c in tree[1:] if c in readable)]


def companies_with_activity(customers: list[str]) -> list[str]:
	rows = (
		frappe.qb.from_(PLE)
		.select(PLE.company)
		.distinct()
		.where((PLE.party_type == "Customer") & PLE.party.isin(customers))
		.run(pluck=True)
	)
	rows += frappe.get_all(
		"Sales Order",
		filters={"customer": ["in", customers], "docstatus": 1},
		pluck="company",
		distinct=True,
		ignore_permissions=True,
	)
	return sorted(set(rows))


def voucher_balances(
	customers: list[str], company: str, as_on, settled_below: float = 0.0
) -> list[core.VoucherBalance]:
	"""Open balance per voucher. Settled vouchers (|balance| < settled_below) stay in MariaDB: a customer with
	ten thousand paid invoices sends back only the few still open."""
	own_row = PLE.voucher_no == PLE.against_voucher_no
	rows = (
		frappe.qb.from_(PLE)
		.select(
			PLE.against_voucher_type,
			PLE.against_voucher_no,
			Sum(PLE.amount).as_("outstanding"),
			# The voucher's own ledger row carries its due date (posting date for advances), as in the report.
			Max(frappe.qb.terms.Case().when(own_row, Coalesce(PLE.due_date, PLE.posting_date))).as_(
				"entry_date"
			),
		)
		.where(
			(PLE.company == company)
			& (PLE.party_type == "Customer")
			& PLE.party.isin(customers)
			& (PLE.account_type == "Receivable")
			& (PLE.delinked == 0)
			& (PLE.posting_date <= as_on)
		)
		.groupby(PLE.against_voucher_type, PLE.against_voucher_no)
		.having(Abs(Sum(PLE.amount)) >= settled_below)
		.run(as_dict=True)
	)
	return [
		core.VoucherBalance(
			r.against_voucher_type,
			r.against_voucher_no,
			float(r.outstanding or 0),
			getdate(r.entry_date) if r.entry_date else None,
		)
		for r in rows
	]


def company_money(customers: list[str], company: str, as_on) -> dict:
	currency = frappe.get_cached_value("Company", company, "default_currency")
	precision = frappe.get_precision("Sales Invoice", "outstanding_amount") or 2
	balances = voucher_balances(customers, company, as_on, settled_below=core.settled_below(precision))
	figures = core.receivables(balances, getdate(as_on), precision)

	base = (SI.company == company) & SI.customer.isin(customers) & (SI.docstatus == 1)
	ltv = frappe.qb.from_(SI).select(Sum(SI.base_net_total)).where(base).run()[0][0] or 0
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
	credit_notes = _list(
		SI,
		base & (SI.is_return == 1),
		SI.posting_date,
		SI.grand_total,
		SI.return_against,
		SI.status,
		SI.currency,
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
		"average_days_to_pay": core.average_days(*_days_to_pay(customers, company)),
		"last_payment": payments[0] if payments else None,
		**_credit(customers[0], company, currency),
		"open_quotations": _open_quotations(customers, company),
		"orders_to_deliver": _orders(customers, company, SO.per_delivered < 100),
		"orders_to_bill": _orders(customers, company, SO.per_billed < 100),
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


def _days_to_pay(customers, company) -> tuple[int, int]:
	"""(fully paid invoices, total days from invoice date to the last payment against each), summed in SQL."""
	last_payment = (
		frappe.qb.from_(SI)
		.join(PLE)
		.on(
			(PLE.against_voucher_type == "Sales Invoice")
			& (PLE.against_voucher_no == SI.name)
			& (PLE.voucher_type == "Payment Entry")
			& (PLE.delinked == 0)
		)
		.select(SI.posting_date.as_("invoiced"), Max(PLE.posting_date).as_("paid"))
		.where(
			(SI.company == company)
			& SI.customer.isin(customers)
			& (SI.docstatus == 1)
			& (SI.is_return == 0)
			& (SI.outstanding_amount == 0)
		)
		.groupby(SI.name, SI.posting_date)
	)
	count, days = (
		frappe.qb.from_(last_payment)
		.select(Count("*"), Sum(DaysBetween(last_payment.paid, last_payment.invoiced)))
		.run()[0]
	)
	return int(count or 0), int(days or 0)


def _open_quotations(customers, company) -> dict:
	return _count_amount(
		QTN,
		(QTN.company == company)
		& (QTN.quotation_to == "Customer")
		& QTN.party_name.isin(customers)
		& (QTN.docstatus == 1)
		& QTN.status.isin(["Open", "Replied", "Partially Ordered"]),
	)


def _orders(customers, company, condition) -> dict:
	return _count_amount(
		SO,
		(SO.company == company)
		& SO.customer.isin(customers)
		& (SO.docstatus == 1)
		& SO.status.notin(["Closed", "On Hold", "Completed"])
		& condition,
	)


def _count_amount(table, condition) -> dict:
	count, amount = (
		frappe.qb.from_(table)
		.select(Count(table.name), Sum(table.base_grand_total))
		.where(condition)
		.run()[0]
	)
	return {"count": count or 0, "amount": float(amount or 0)}


def _credit(customer, company, currency) -> dict:
	from erpnext.selling.doctype.customer.customer import get_credit_limit, get_customer_outstanding

	limit = float(get_credit_limit(customer, company) or 0)
	used = float(get_customer_outstanding(customer, company) or 0) if limit else None
	return {
		"credit_limit": limit or None,
		"credit_used": used,
		"credit_used_percent": round(100 * used / limit, 1) if limit else None,
	}

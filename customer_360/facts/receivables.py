"""Receivables from ERPNext's Payment Ledger, the table its Accounts Receivable report reads: what each voucher
still owes (an invoice's outstanding, an unallocated payment as a negative balance), and how late customers pay.

The voucher's own ledger row carries its due date (the posting date for advances), as in the report. Vouchers
settled to within rounding (core.definitions.settled_below) stay in MariaDB: a customer with ten thousand paid
invoices sends back only the few still open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Abs, Coalesce, Count, Max, Sum
from frappe.utils import getdate
from pypika.terms import CustomFunction

from customer_360.core.definitions import settled_below

PLE = DocType("Payment Ledger Entry")
SI = DocType("Sales Invoice")
# MariaDB's DATEDIFF(end, start) in days (pypika's DateDiff is SQL Server's three-argument form).
DaysBetween = CustomFunction("DATEDIFF", ["end", "start"])


@dataclass(frozen=True)
class OpenVoucher:
	customer: str
	company: str
	voucher_type: str
	voucher_no: str
	balance: float  # company currency
	due: date | None  # due date, else posting date
	# The same balance in the party account's currency (an invoice in USD on a company keeping INR books).
	balance_in_account_currency: float | None = None
	account_currency: str | None = None


def precision() -> int:
	return frappe.get_precision("Sales Invoice", "outstanding_amount") or 2


def open_vouchers(
	customers: list[str] | None, as_on, companies: list[str] | None = None
) -> list[OpenVoucher]:
	"""Each receivable voucher's open balance on `as_on` (ledger rows posted up to that day), per customer and
	company. `companies`: only these (None: all)."""
	if (customers is not None and not customers) or (companies is not None and not companies):
		return []
	own_row = PLE.voucher_no == PLE.against_voucher_no
	query = (
		frappe.qb.from_(PLE)
		.select(
			PLE.party,
			PLE.company,
			PLE.against_voucher_type,
			PLE.against_voucher_no,
			Sum(PLE.amount).as_("balance"),
			Sum(PLE.amount_in_account_currency).as_("balance_ac"),
			Max(PLE.account_currency).as_("account_currency"),
			Max(Case().when(own_row, Coalesce(PLE.due_date, PLE.posting_date))).as_("due"),
		)
		.where(
			(PLE.party_type == "Customer")
			& (PLE.account_type == "Receivable")
			& (PLE.delinked == 0)
			& (PLE.posting_date <= as_on)
		)
		.groupby(PLE.party, PLE.company, PLE.against_voucher_type, PLE.against_voucher_no)
		.having(Abs(Sum(PLE.amount)) >= settled_below(precision()))
	)
	if customers is not None:
		query = query.where(PLE.party.isin(customers))
	if companies is not None:
		query = query.where(PLE.company.isin(companies))
	return [
		OpenVoucher(
			r.party,
			r.company,
			r.against_voucher_type,
			r.against_voucher_no,
			float(r.balance or 0),
			getdate(r.due) if r.due else None,
			float(r.balance_ac or 0),
			r.account_currency,
		)
		for r in query.run(as_dict=True)
	]


def companies_with_ledger(customers: list[str]) -> list[str]:
	return (
		frappe.qb.from_(PLE)
		.select(PLE.company)
		.distinct()
		.where((PLE.party_type == "Customer") & PLE.party.isin(customers))
		.run(pluck=True)
	)


def days_to_pay(customers: list[str], company: str) -> tuple[int, int]:
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


def days_late(customers: list[str] | None, since: date, today: date) -> dict[str, float]:
	"""customer -> mean days from due date to the last payment, over invoices posted in (since, today] that are
	fully paid."""
	scoped = " and {col} in %(customers)s" if customers is not None else ""
	rows = frappe.db.sql(
		f"""
		select si.customer, avg(datediff(p.paid_on, coalesce(si.due_date, si.posting_date))) as late
		from `tabSales Invoice` si
		join (
			select ple.against_voucher_no, max(ple.posting_date) as paid_on
			from `tabPayment Ledger Entry` ple
			where ple.against_voucher_type = 'Sales Invoice' and ple.voucher_type in ('Payment Entry', 'Journal Entry')
				and ple.party_type = 'Customer' and ple.delinked = 0 and ple.amount < 0
				and ple.posting_date > %(since)s {scoped.format(col="ple.party")}
			group by ple.against_voucher_no
		) p on p.against_voucher_no = si.name
		where si.docstatus = 1 and si.is_return = 0 and si.outstanding_amount <= 0
			and si.posting_date > %(since)s and si.posting_date <= %(today)s {scoped.format(col="si.customer")}
		group by si.customer""",
		{"since": since, "today": today, "customers": customers},
	)
	return {customer: round(float(late), 1) for customer, late in rows if late is not None}

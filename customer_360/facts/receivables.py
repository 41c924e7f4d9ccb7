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
from frappe.query_builder.functions import Abs, Coalesce, Count, Max, Min, Sum
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
	condition = (
		(PLE.party_type == "Customer")
		& (PLE.account_type == "Receivable")
		& (PLE.delinked == 0)
		& (PLE.posting_date <= as_on)
	)
	if customers is not None:
		condition &= PLE.party.isin(customers)
	if companies is not None:
		condition &= PLE.company.isin(companies)
	settled = settled_below(precision())
	rows = _by_voucher_no(condition, settled)
	if rows is None:
		rows = _by_voucher(condition, settled)
	return [
		OpenVoucher(
			party,
			company,
			voucher_type,
			voucher_no,
			float(balance or 0),
			getdate(due) if due else None,
			float(balance_ac or 0),
			currency,
		)
		for party, company, voucher_type, voucher_no, balance, balance_ac, currency, due in rows
	]


def _sums():
	# The voucher's own row carries its due date (the posting date for an advance), as in ERPNext's report.
	own_row = PLE.voucher_no == PLE.against_voucher_no
	return (
		Sum(PLE.amount),
		Sum(PLE.amount_in_account_currency),
		Max(PLE.account_currency),
		Max(Case().when(own_row, Coalesce(PLE.due_date, PLE.posting_date))),
	)


def _by_voucher(condition, settled) -> list[tuple]:
	"""The balance per (party, company, voucher type, voucher): the definition."""
	voucher = (PLE.party, PLE.company, PLE.against_voucher_type, PLE.against_voucher_no)
	return (
		frappe.qb.from_(PLE)
		.select(*voucher, *_sums())
		.where(condition)
		.groupby(*voucher)
		.having(Abs(Sum(PLE.amount)) >= settled)
		# Sorting, then grouping: faster than the on-disk temporary table this long group key gets.
		.modifier("SQL_BIG_RESULT")
		.run()
	)


def _by_voucher_no(condition, settled) -> list[tuple] | None:
	"""The same, grouped by the voucher's name alone, or None when a name is shared (by two parties, companies
	or voucher types: a journal entry with two customers' lines, say) and the definition must be asked.

	Why: the four varchar(140) columns of the definition's key are too long for MariaDB's in-memory grouping;
	a whale's 19,000 ledger rows took 120-220 ms grouped that way, 60-130 ms by name (the money panel's largest
	query). A name whose rows disagree is returned even when its combined sum is zero, so none is missed."""
	parts = (PLE.party, PLE.company, PLE.against_voucher_type)
	shared = None
	for column in parts:
		# A NULL among the rows would be a group of its own too: min and max skip it, the counts do not.
		differs = (Min(column) != Max(column)) | (Count(column) != Count("*"))
		shared = differs if shared is None else shared | differs
	rows = (
		frappe.qb.from_(PLE)
		.select(*(f(c) for c in parts for f in (Min, Max)), PLE.against_voucher_no, *_sums())
		.where(condition)
		.groupby(PLE.against_voucher_no)
		.having((Abs(Sum(PLE.amount)) >= settled) | shared)
		.run()
	)
	out = []
	for party, party_, company, company_, voucher_type, voucher_type_, *rest in rows:
		if party != party_ or company != company_ or voucher_type != voucher_type_:
			return None
		out.append((party, company, voucher_type, *rest))
	return out


def companies_with_ledger(customers: list[str]) -> list[str]:
	# The GL rows of a party account hold the same companies as its Payment Ledger rows, and the ledger's index
	# (install.py, c360_party_ledger: party, party_type, company, ...) answers this without reading a row.
	if not customers:
		return []
	return frappe.db.sql_list(
		"""select distinct company from `tabGL Entry`
		where party in %(customers)s and party_type = 'Customer'""",
		{"customers": customers},
	)


def days_to_pay(customers: list[str], company: str) -> tuple[int, int]:
	"""(fully paid invoices, total days from invoice date to the last payment against each), summed in SQL.
	The last payments are grouped from the customer's own Payment Ledger rows (install.py's c360_paid_against
	index holds every column read), then matched to its paid invoices (c360_customer_open), so neither table is
	read row by row."""
	last_payment = (
		frappe.qb.from_(PLE)
		.select(PLE.against_voucher_no, Max(PLE.posting_date).as_("paid"))
		.where(
			(PLE.party_type == "Customer")
			& PLE.party.isin(customers)
			& (PLE.against_voucher_type == "Sales Invoice")
			& (PLE.voucher_type == "Payment Entry")
			& (PLE.delinked == 0)
		)
		.groupby(PLE.against_voucher_no)
	)
	count, days = (
		frappe.qb.from_(SI)
		.join(last_payment)
		.on(last_payment.against_voucher_no == SI.name)
		.select(Count("*"), Sum(DaysBetween(last_payment.paid, SI.posting_date)))
		.where(
			(SI.company == company)
			& SI.customer.isin(customers)
			& (SI.docstatus == 1)
			& (SI.is_return == 0)
			& (SI.outstanding_amount == 0)
		)
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

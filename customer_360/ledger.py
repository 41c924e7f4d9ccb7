"""The customer's ledger as finance works it: every GL row on its party account (invoices, payments, credit
notes, journal receipts, refunds and write-offs), newest first, keyset-paged, with a running balance in the
party-account currency, and what is overdue or due soon over ALL its open invoices.

Rows are ERPNext's own General Ledger rows (what its General Ledger report lists for the party), read through
the index install.py adds on GL Entry (party, party_type, company, posting_date, name, is_cancelled, debit,
credit): a page seeks to its cursor and reads `limit` rows, and the balance is summed from the index alone.
The running balance travels in the cursor, so a deep page never sums the rows above it.
"""

from __future__ import annotations

import time
from datetime import date

import frappe
from frappe.utils import getdate, nowdate

from customer_360 import cache
from customer_360.core import money as core
from customer_360.facts import receivables
from customer_360.sources import journal_entry

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
GL = "`tabGL Entry`"
INDEX = "c360_party_ledger"
_STATUS_SQL = {
	"open": "si.name is not null and si.outstanding_amount <> 0",
	"overdue": "si.name is not null and si.outstanding_amount > 0 and si.due_date < %(today)s",
	"paid": "si.name is not null and si.is_return = 0 and si.outstanding_amount = 0",
}


def ledger_page(
	customer: str,
	company: str,
	*,
	status: str | None = None,
	from_date: date | None = None,
	to_date: date | None = None,
	min_amount: float | None = None,
	max_amount: float | None = None,
	cursor: str | None = None,
	limit: int = DEFAULT_LIMIT,
	today: date | None = None,
) -> dict:
	"""One page of the ledger. The caller has checked the customer, the company and the finance capability.
	A running balance is given when the view is the whole ledger (a date range keeps it; status and amount
	filters skip rows, so their pages carry none)."""
	today = today or getdate(nowdate())
	if status and status not in core.LEDGER_STATUSES:
		raise core.LedgerError(f"unknown status {status}")
	limit = max(1, min(int(limit or DEFAULT_LIMIT), MAX_LIMIT))
	after = core.decode_ledger_cursor(cursor) if cursor else None
	values = {"customer": customer, "company": company, "today": today, "from": from_date, "to": to_date}
	where = [
		"g.party = %(customer)s",
		"g.party_type = 'Customer'",
		"g.company = %(company)s",
		"g.is_cancelled = 0",
	]
	if to_date:
		where.append("g.posting_date <= %(to)s")
	if from_date:
		where.append("g.posting_date >= %(from)s")
	filtered = bool(status or min_amount is not None or max_amount is not None)
	if status:
		where.append(_STATUS_SQL[status])
	if min_amount is not None:
		values["min"] = float(min_amount)
		where.append("abs(g.debit_in_account_currency - g.credit_in_account_currency) >= %(min)s")
	if max_amount is not None:
		values["max"] = float(max_amount)
		where.append("abs(g.debit_in_account_currency - g.credit_in_account_currency) <= %(max)s")
	if after:
		values["after_date"], values["after_name"] = after[0], after[1]
		where.append(
			"(g.posting_date < %(after_date)s or (g.posting_date = %(after_date)s and g.name < %(after_name)s))"
		)
	rows = frappe.db.sql(
		f"""select g.name, g.posting_date, g.voucher_type, g.voucher_no, g.against_voucher_type,
			g.against_voucher, g.debit_in_account_currency as debit, g.credit_in_account_currency as credit,
			g.account_currency as currency, si.is_return, si.outstanding_amount as outstanding, si.due_date
		from {GL} g {_index_hint()}
		left join `tabSales Invoice` si on g.voucher_type = 'Sales Invoice' and si.name = g.voucher_no
		where {" and ".join(where)}
		order by g.posting_date desc, g.name desc
		limit {limit + 1}""",
		values,
		as_dict=True,
	)
	more = len(rows) > limit
	rows = rows[:limit]
	# The balance sums every row of the party account: cached per index version (customer_360.cache; every
	# invoice, payment and journal entry bumps it), so the first page costs what a deep page costs when warm.
	currencies = (
		cache.get_or_compute(
			"ledger_balance",
			customer,
			[company, str(to_date) if to_date else None],
			lambda: closing_balances(customer, company, to_date),
		)
		if not after
		else {}
	)
	if after:
		start = None if filtered else after[2]
	elif filtered or len(currencies) != 1:
		start = None  # a filtered view, or (never in ERPNext) two party-account currencies in one company
	else:
		start = next(iter(currencies.values()))
	_describe(rows, customer, today)
	below = core.with_running_balance(rows, start, receivables.precision())
	last = rows[-1] if rows else None
	return {
		"customer": customer,
		"company": company,
		"company_currency": frappe.get_cached_value("Company", company, "default_currency"),
		"rows": rows,
		"running_balance": start is not None,
		"closing_balances": currencies or None,
		"next_cursor": core.encode_ledger_cursor(getdate(last.posting_date), last.name, below)
		if more and last
		else None,
	}


def _index_hint() -> str:
	"""Our index once install.py has added it (a site not yet migrated still gets its ledger, slower). The
	optimizer otherwise picks ERPNext's (party_type, party) index and sorts the customer's every row."""
	sites = _index_hint.__dict__.setdefault("sites", {})
	site = frappe.local.site
	if site not in sites:
		sites[site] = bool(frappe.db.has_index("tabGL Entry", INDEX))
	return f"force index ({INDEX})" if sites[site] else ""


def closing_balances(customer: str, company: str, to_date: date | None = None) -> dict[str, float]:
	"""account currency -> what the customer owes on its party account (up to to_date), from the index."""
	rows = frappe.db.sql(
		f"""select g.account_currency, sum(g.debit_in_account_currency - g.credit_in_account_currency)
		from {GL} g {_index_hint()}
		where g.party = %(customer)s and g.party_type = 'Customer' and g.company = %(company)s
			and g.is_cancelled = 0 {"and g.posting_date <= %(to)s" if to_date else ""}
		group by g.account_currency""",
		{"customer": customer, "company": company, "to": to_date},
	)
	return {cur or "": float(total or 0) for cur, total in rows}


def _describe(rows: list[dict], customer: str, today: date) -> None:
	"""Each row's kind (and an invoice's status): journal entries are read like their timeline events."""
	journals = sorted({r.voucher_no for r in rows if r.voucher_type == "Journal Entry"})
	kinds = {}
	if journals:
		lines = frappe.db.sql(
			journal_entry.SOURCE.links_sql(lambda c: f"{c} in %(names)s"), {"names": journals}
		)
		vtypes = dict(
			frappe.db.sql("select name, voucher_type from `tabJournal Entry` where name in %s", [journals])
		)
		for name, party, _contact, net, _net_ac, _cur, has_bank, has_expense in lines:
			if party == customer:
				kinds[name] = journal_entry.kind_of(net, has_bank, has_expense, vtypes.get(name))
	for r in rows:
		r.posting_date = str(r.posting_date)
		r.debit, r.credit = float(r.debit or 0), float(r.credit or 0)
		if r.voucher_type == "Sales Invoice":
			r.kind = "credit_note" if r.is_return else "invoice"
			r.status = invoice_status(r.outstanding, r.due_date, today) if not r.is_return else None
			r.outstanding = float(r.outstanding or 0)
		elif r.voucher_type == "Payment Entry":
			r.kind = "payment" if r.credit > r.debit else "refund"
		elif r.voucher_type == "Journal Entry":
			r.kind = kinds.get(r.voucher_no, "journal_entry")
		else:
			r.kind = frappe.scrub(r.voucher_type)
		r.due_date = str(r.due_date) if r.due_date else None
		r.pop("is_return", None)


def invoice_status(outstanding, due_date, today: date) -> str:
	if not outstanding or float(outstanding) == 0:
		return "paid"
	if float(outstanding) > 0 and due_date and getdate(due_date) < today:
		return "overdue"
	return "open"


def dues(customer: str, company: str, today: date | None = None) -> dict:
	"""Overdue and due soon over every open voucher of the customer in the company (company currency)."""
	today = today or getdate(nowdate())
	currency = frappe.get_cached_value("Company", company, "default_currency")
	vouchers = receivables.open_vouchers([customer], today, companies=[company])
	balances = [core.VoucherBalance(v.voucher_type, v.voucher_no, v.balance, v.due) for v in vouchers]
	precision = receivables.precision()
	# The party account's own currency as well, when it is not the company's (never added together).
	party: dict[str, list] = {}
	for v in vouchers:
		if v.account_currency and v.account_currency != currency:
			party.setdefault(v.account_currency, []).append(
				core.VoucherBalance(v.voucher_type, v.voucher_no, v.balance_in_account_currency or 0.0, v.due)
			)
	return {
		"currency": currency,
		**core.due_summary(balances, today, precision),
		"in_party_currency": [
			{"currency": cur, **core.due_summary(b, today, precision)} for cur, b in sorted(party.items())
		],
	}


def benchmark_pages(
	customer: str | None = None, company: str | None = None, deep_page: int = 200, limit: int = 50
):
	"""For the benchmark (helper G's table): milliseconds of the ledger's first page and of page `deep_page`
	on `customer` (default: the customer with the most Sales Invoices, the seed-scale whale). Read-only."""
	if not customer:
		customer, company_of = frappe.db.sql(
			"""select customer, company from `tabSales Invoice` where docstatus = 1
			group by customer, company order by count(*) desc limit 1"""
		)[0]
		company = company or company_of
	company = company or frappe.db.get_value("GL Entry", {"party": customer}, "company")
	# Cold = the balance not cached (a new index version), in a process that has served a page before, as a
	# gunicorn worker has: the first call in a fresh process also pays imports and metadata, once per worker.
	ledger_page(customer, company, limit=limit)
	cold, warm = [], []
	for _run in range(3):
		cache.forget("ledger_balance", customer)
		for times in (cold, warm):
			started = time.perf_counter()
			page = ledger_page(customer, company, limit=limit)
			times.append((time.perf_counter() - started) * 1000)
	cold_ms, first_ms = sorted(cold)[1], min(warm)
	cursor, pages = page["next_cursor"], 1
	while cursor and pages < deep_page - 1:
		cursor = ledger_page(customer, company, cursor=cursor, limit=limit)["next_cursor"]
		pages += 1
	deep_ms = None
	if cursor:
		started = time.perf_counter()
		ledger_page(customer, company, cursor=cursor, limit=limit)
		deep_ms = (time.perf_counter() - started) * 1000
		pages += 1
	started = time.perf_counter()
	dues(customer, company)
	dues_ms = (time.perf_counter() - started) * 1000
	return {
		"customer": customer,
		"company": company,
		"limit": limit,
		# The dues over every open voucher (ERPNext's Payment Ledger): get_dues, the page's second call, uncached.
		"dues_ms": round(dues_ms, 1),
		"first_page_cold_ms": round(cold_ms, 1),
		"first_page_ms": round(first_ms, 1),
		"deep_page": pages if deep_ms is not None else None,
		"deep_page_ms": round(deep_ms, 1) if deep_ms is not None else None,
	}

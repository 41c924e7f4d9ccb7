"""Journal Entry lines with a Customer party: receipts, refunds and write-offs booked by journal, one event per
journal entry and customer (a journal crediting two customers concerns both, each with its own figure).

The kind is read from the accounts and the customer's net: a bank or cash line with the customer credited is a
receipt, debited a refund; credited against an expense account (or a Write Off Entry) is a write-off; anything
else (opening balances, transfers between parties, revaluations) is a plain journal entry.
"""

from customer_360.sources import Source, day_time, sql, voucher_events

DOCTYPE = "Journal Entry"
_LINES = "`tabJournal Entry Account`"
TITLES = {
	"journal_receipt": "Receipt",
	"journal_refund": "Refund",
	"write_off": "Write-off",
	"journal_entry": "Journal entry",
}


def kind_of(net, has_bank, has_expense, voucher_type) -> str:
	"""net: the customer's credit minus debit in company currency (> 0: the customer owes less)."""
	net = float(net or 0)
	if has_bank and net > 0:
		return "journal_receipt"
	if has_bank and net < 0:
		return "journal_refund"
	if net > 0 and (voucher_type == "Write Off Entry" or has_expense):
		return "write_off"
	return "journal_entry"


def _customer_lines(names) -> str:
	"""(name, customer, contact, net, net_in_account_currency, account_currency, has_bank, has_expense):
	one row per journal entry and customer, summing that customer's lines."""
	return (
		"select a.parent as name, a.party as customer, null as contact,"
		" sum(a.credit - a.debit) as net,"
		" sum(a.credit_in_account_currency - a.debit_in_account_currency) as net_in_account_currency,"
		" max(a.account_currency) as account_currency,"
		f" exists(select 1 from {_LINES} b where b.parent = a.parent and b.parenttype = 'Journal Entry'"
		"  and b.account_type in ('Bank', 'Cash')) as has_bank,"
		f" exists(select 1 from {_LINES} b join `tabAccount` ac on ac.name = b.account"
		"  where b.parent = a.parent and b.parenttype = 'Journal Entry' and ac.root_type = 'Expense') as has_expense"
		f" from {_LINES} a where a.parenttype = 'Journal Entry' and a.party_type = 'Customer'"
		f" and {sql.given('a.party')} and {names('a.parent')} group by a.parent, a.party"
	)


def to_events(row: dict) -> list:
	kind = kind_of(row.get("net"), row.get("has_bank"), row.get("has_expense"), row.get("voucher_type"))
	ref = f" (ref {row['cheque_no']})" if row.get("cheque_no") else ""
	amount = row.get("net_in_account_currency")
	return voucher_events(
		row,
		DOCTYPE,
		"money",
		"journal_cancelled",
		kind=kind,
		event_time=day_time(row, "posting_date"),
		title=f"{TITLES[kind]} {row['name']}",
		summary=f"{row.get('voucher_type') or 'Journal Entry'}{ref}",
		amount=abs(amount) if amount is not None else None,
		currency=row.get("account_currency"),
		# A journal entry has no contact person: the link's contact (links_sql reads none).
		contact=row.get("contact"),
	)


# The set-based path: one row per journal entry and customer (its first line for that customer), the figures as
# subqueries on that entry's own lines. Driven by the journal rows of the batch through the `parent` index, so a
# backfill batch reads only its own lines (a grouped derived table would scan every line for every batch).
_SAME_CUSTOMER = (
	f"from {_LINES} y where y.parent = t.name and y.parenttype = 'Journal Entry' and y.party_type = 'Customer'"
	" and y.party = x.party"
)
_NET = f"(select sum(y.credit - y.debit) {_SAME_CUSTOMER})"
_NET_AC = f"(select sum(y.credit_in_account_currency - y.debit_in_account_currency) {_SAME_CUSTOMER})"
_CURRENCY = f"(select max(y.account_currency) {_SAME_CUSTOMER})"
_HAS_BANK = (
	f"exists(select 1 from {_LINES} b where b.parent = t.name and b.parenttype = 'Journal Entry'"
	" and b.account_type in ('Bank', 'Cash'))"
)
_HAS_EXPENSE = (
	f"exists(select 1 from {_LINES} b join `tabAccount` ac on ac.name = b.account where b.parent = t.name"
	" and b.parenttype = 'Journal Entry' and ac.root_type = 'Expense')"
)
# Only the columns it needs (the mapping's `where` names the journal's own docstatus unqualified); MariaDB merges
# this plain derived table into the query, so the `parent` index still drives it.
_FIRST_LINE = (
	f"join (select j.parent, j.parenttype, j.party_type, j.party, j.idx from {_LINES} j) x"
	" on x.parent = t.name and x.parenttype = 'Journal Entry' and x.party_type = 'Customer'"
	f" and {sql.given('x.party')} and x.idx = (select min(y.idx) {_SAME_CUSTOMER})"
)
_KIND = (
	f"case when {_HAS_BANK} and {_NET} > 0 then 'journal_receipt'"
	f" when {_HAS_BANK} and {_NET} < 0 then 'journal_refund'"
	f" when {_NET} > 0 and (t.voucher_type = 'Write Off Entry' or {_HAS_EXPENSE}) then 'write_off'"
	" else 'journal_entry' end"
)
# A simple CASE: the kind is evaluated once, not once per branch.
_TITLE = f"case {_KIND} " + " ".join(f"when {sql.lit(k)} then {sql.lit(v + ' ')}" for k, v in TITLES.items())
_TITLE += " end"
SQL_EVENTS = sql.voucher(
	"money",
	"journal_cancelled",
	kind=_KIND,
	event_time=sql.day_time("t.posting_date"),
	title=f"concat({_TITLE}, t.name)",
	summary="concat(coalesce(nullif(t.voucher_type, ''), 'Journal Entry'),"
	f" if({sql.given('t.cheque_no')}, concat(' (ref ', t.cheque_no, ')'), ''))",
	amount=f"abs({_NET_AC})",
	currency=_CURRENCY,
	contact="NULL",  # no contact person (see to_events)
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("company", "voucher_type", "posting_date", "cheque_no", "docstatus"),
	where="docstatus > 0",
	customer_column=None,
	links_sql=_customer_lines,
	link_fields=("net", "net_in_account_currency", "account_currency", "has_bank", "has_expense"),
	to_events=to_events,
	sql_events=SQL_EVENTS,
	sql_direct=(_FIRST_LINE, "x.party"),
)

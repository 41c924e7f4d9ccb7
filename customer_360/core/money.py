"""Receivable figures from per-voucher balances. Pure Python.

The Frappe adapter sums ERPNext's Payment Ledger per voucher (what the voucher still owes: an invoice's
outstanding, or a payment's unallocated advance as a negative balance). This module turns those balances into
the figures of ERPNext's Accounts Receivable report, with the same rules:

- a voucher is aged from its due date, or its posting date when it has none (advances);
- a voucher whose date is after the report date is "not due" (the report leaves its ranges empty);
- the report's default ranges are 0-30, 31-60, 61-90, 91-120, 121+; we show 90+ as one bucket;
- overdue is the sum of the report's rows that are past their date and still owed (unreconciled credit notes
  and advances stay separate rows, as in the report).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date

from customer_360.core.definitions import settled_below

BUCKETS = ("not_due", "0_30", "31_60", "61_90", "90_plus")


@dataclass(frozen=True)
class VoucherBalance:
	voucher_type: str
	voucher_no: str
	outstanding: float
	entry_date: date | None  # due date, else posting date


def bucket(entry_date: date | None, as_on: date) -> str | None:
	if entry_date is None:
		return None
	age = (as_on - entry_date).days
	if age < 0:
		return "not_due"
	if age <= 30:
		return "0_30"
	if age <= 60:
		return "31_60"
	if age <= 90:
		return "61_90"
	return "90_plus"


def receivables(balances: list[VoucherBalance], as_on: date, precision: int = 2) -> dict:
	ageing = dict.fromkeys(BUCKETS, 0.0)
	outstanding = overdue = advances = 0.0
	tiny = settled_below(precision)
	for b in balances:
		if abs(b.outstanding) < tiny:
			continue  # settled, as the report hides it
		outstanding += b.outstanding
		which = bucket(b.entry_date, as_on)
		if which:
			ageing[which] += b.outstanding
		if b.outstanding > 0 and b.entry_date is not None and b.entry_date < as_on:
			overdue += b.outstanding
		if b.outstanding < 0 and b.voucher_type in ("Payment Entry", "Journal Entry"):
			advances -= b.outstanding
	r = lambda x: round(x, precision) + 0.0  # noqa: E731  (+0.0 turns -0.0 into 0.0)
	return {
		"outstanding": r(outstanding),
		"overdue": r(overdue),
		"unallocated_advances": r(advances),
		"ageing": {k: r(v) for k, v in ageing.items()},
	}


def due_by(
	balances: list[VoucherBalance], horizon: date, precision: int = 2, limit: int = 20
) -> tuple[list[VoucherBalance], int]:
	"""Open invoices due on or before `horizon` (overdue ones included), earliest first, over ALL open vouchers:
	(the first `limit`, how many there are)."""
	tiny = settled_below(precision)
	due = sorted(
		(
			b
			for b in balances
			if b.voucher_type == "Sales Invoice"
			and b.outstanding >= tiny
			and b.entry_date is not None
			and b.entry_date <= horizon
		),
		key=lambda b: (b.entry_date, b.voucher_no),
	)
	return due[:limit], len(due)


def in_party_currencies(vouchers, company_currency: str, as_on: date, precision: int = 2) -> list[dict]:
	"""Receivable figures per party-account currency other than the company's (each voucher carries
	balance_in_account_currency and account_currency): one entry per currency, never summed together."""
	by_currency: dict[str, list[VoucherBalance]] = {}
	for v in vouchers:
		if v.account_currency and v.account_currency != company_currency:
			by_currency.setdefault(v.account_currency, []).append(
				VoucherBalance(v.voucher_type, v.voucher_no, v.balance_in_account_currency or 0.0, v.due)
			)
	return [
		{"currency": cur, **receivables(balances, as_on, precision)}
		for cur, balances in sorted(by_currency.items())
	]


def average_days(count: int, total_days: int) -> float | None:
	"""Mean days to pay from SQL totals; None without paid invoices."""
	return round(total_days / count, 1) if count else None


def average_days_to_pay(pairs: list[tuple[date, date]]) -> float | None:
	"""Mean days from invoice date to the payment that settled it; None without paid invoices."""
	if not pairs:
		return None
	return round(sum((paid - invoiced).days for invoiced, paid in pairs) / len(pairs), 1)


# ---------------------------------------------------------------- the ledger (ledger.py)

LEDGER_STATUSES = ("open", "overdue", "paid")
DUE_SOON_DAYS = 14


class LedgerError(ValueError):
	"""Bad ledger query input; the API turns it into a translated 4xx message."""


def encode_ledger_cursor(posting_date: date, name: str, balance: float | None) -> str:
	"""Where the next page starts (strictly before this row, newest first) and the running balance there: the
	next page continues the balance without summing the rows above it, so page 200 costs what page 1 does."""
	payload = json.dumps([posting_date.isoformat(), name, balance], separators=(",", ":")).encode()
	return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_ledger_cursor(cursor: str) -> tuple[date, str, float | None]:
	try:
		padded = cursor + "=" * (-len(cursor) % 4)
		day, name, balance = json.loads(base64.urlsafe_b64decode(padded.encode()))
		if not isinstance(name, str) or not name:
			raise ValueError
		if balance is not None and not isinstance(balance, int | float):
			raise ValueError
		return date.fromisoformat(day), name, (float(balance) if balance is not None else None)
	except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, AttributeError):
		raise LedgerError("malformed cursor")


def with_running_balance(
	rows: list[dict], balance_after_first: float | None, precision: int = 2
) -> float | None:
	"""rows newest first, each with debit and credit (party-account currency). Sets each row's balance (what
	the customer owed after it) from the balance after the newest row; returns the balance after the row
	below the last (the next page's start). None: no running balance (a filtered view)."""
	running = balance_after_first
	for row in rows:
		row["balance"] = round(running, precision) + 0.0 if running is not None else None
		if running is not None:
			running -= float(row["debit"] or 0) - float(row["credit"] or 0)
	return running


def due_summary(
	balances: list[VoucherBalance], today: date, precision: int = 2, soon_days: int = DUE_SOON_DAYS
) -> dict:
	"""Over ALL open invoices (not a page): what is overdue (total, count, largest, oldest in days) and what
	falls due within `soon_days`. Negative balances (credit notes, advances) are not dues."""
	tiny = settled_below(precision)
	overdue = [b for b in balances if b.outstanding >= tiny and b.entry_date and b.entry_date < today]
	soon = [
		b
		for b in balances
		if b.outstanding >= tiny and b.entry_date and 0 <= (b.entry_date - today).days <= soon_days
	]
	r = lambda x: round(x, precision) + 0.0  # noqa: E731
	return {
		"overdue_total": r(sum(b.outstanding for b in overdue)),
		"overdue_count": len(overdue),
		"largest_overdue": r(max((b.outstanding for b in overdue), default=0.0)),
		"oldest_overdue_days": max(((today - b.entry_date).days for b in overdue), default=0),
		"due_soon_total": r(sum(b.outstanding for b in soon)),
		"due_soon_count": len(soon),
		"due_soon_days": soon_days,
	}

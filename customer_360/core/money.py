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


def average_days(count: int, total_days: int) -> float | None:
	"""Mean days to pay from SQL totals; None without paid invoices."""
	return round(total_days / count, 1) if count else None


def average_days_to_pay(pairs: list[tuple[date, date]]) -> float | None:
	"""Mean days from invoice date to the payment that settled it; None without paid invoices."""
	if not pairs:
		return None
	return round(sum((paid - invoiced).days for invoiced, paid in pairs) / len(pairs), 1)

"""What the fact queries share: the date windows, the customer scope, and small SQL helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Sum

EVIDENCE_LIMIT = 20  # documents attached to one flag; the reason carries the totals
TINY = 0.005  # a voucher balance below this is settled (rounding), as the Accounts Receivable report hides it


@dataclass(frozen=True)
class Windows:
	today: date
	window_days: int  # the risk rules' look-back (settings: window_days)

	def ago(self, days: int) -> date:
		return self.today - timedelta(days=days)

	@property
	def start(self) -> date:
		return self.ago(self.window_days)

	@property
	def end(self) -> datetime:
		"""First moment after `today`, for datetime columns."""
		return datetime.combine(self.today + timedelta(days=1), time.min)


def issue_tracking() -> bool:
	# ERPNext is moving Issue out (Helpdesk); without it support is "no data", not "no issues".
	return bool(frappe.db.table_exists("Issue"))


def params(w: Windows, scope, **extra) -> dict:
	return {"today": w.today, "start": w.start, "customers": scope, **extra}


def scoped(column: str, scope) -> str:
	return f" and {column} in %(customers)s" if scope is not None else ""


def total(condition, value):
	return Sum(Case().when(condition, value).else_(0))

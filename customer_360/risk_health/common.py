"""What the fact queries share: the date windows, the customer scope, and small SQL helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Sum

EVIDENCE_LIMIT = 20  # documents attached to one flag; the reason carries the totals


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

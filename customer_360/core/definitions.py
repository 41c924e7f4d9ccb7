"""What the app's words mean, defined once so every badge, rule, panel and report agrees. Pure Python.

- settled: a voucher whose open balance is below one unit of the last decimal place (0.01 at precision 2), as
  ERPNext's Accounts Receivable report hides it;
- an issue is open unless its status is one of CLOSED_ISSUE_STATUSES;
- activity is customer-facing contact indexed on the timeline (ACTIVITY_EVENT_TYPES) dated up to today: a task,
  a note or a file added on our side is not contact, and a task due next week is not activity today; a
  cancelled document still was contact (and counting it keeps the query inside its index);
- a customer is dormant after DEFAULT_DORMANT_DAYS (settings: dormant_days) without activity, counted from the
  day it was created when it never had any: the directory badge, the 360 header and the win-back rule all ask
  `is_dormant` / `quiet_since` below.
"""

from __future__ import annotations

from datetime import date

CLOSED_ISSUE_STATUSES = ("Resolved", "Closed")
ACTIVITY_EVENT_TYPES = ("money", "sales", "support", "message", "interaction")
# Engagement (the health score's factor): messages, logged interactions, quotations and orders.
ENGAGEMENT_EVENT_TYPES = ("message", "interaction", "sales")
DEFAULT_DORMANT_DAYS = 90
VIP_ORDER_DAYS = 365  # VIP by orders counts buying occasions of the last year


def settled_below(precision: int = 2) -> float:
	"""A voucher whose balance is smaller than this (in absolute value) is settled."""
	return 1.0 / 10**precision


SETTLED_BELOW = settled_below(2)


def quiet_since(last_activity: date | None, created: date | None) -> date | None:
	"""The day quietness counts from: the last activity, else the day the customer was created."""
	return last_activity or created


def is_dormant(last_activity: date | None, today: date, days: int = DEFAULT_DORMANT_DAYS) -> bool:
	"""No activity for `days` days or more. No activity at all counts as dormant: callers pass `quiet_since`
	(the creation date when there is nothing else), so a brand-new customer is not dormant."""
	if days < 1:
		raise ValueError(f"dormancy needs a period of at least 1 day, got {days!r}")
	return last_activity is None or (today - last_activity).days >= days

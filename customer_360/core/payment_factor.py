"""The health score's payment factor (core.health). Pure Python.

Payment behaviour weighs what is overdue now as well as the history of paid invoices: the share of the balance
overdue, the share more than 90 days overdue, and whether one item holds it (a dispute), next to days paid late.
Calibrated on four cases written as tests (tests/test_money_payment_factor.py, README "Payment behaviour").
"""

from __future__ import annotations

from datetime import date

from customer_360.core.messages import Message

OVERDUE_PENALTY_MAX = 60  # points lost when overdue reaches OVERDUE_SHARE_FOR_MAX of the billing base
OVERDUE_SHARE_FOR_MAX = 0.4
LATE_PENALTY_MAX = 40  # one point per day paid late on average, up to this
# What is overdue now weighs whatever the history of paid invoices says (paying early on the invoices one does
# pay says nothing about the ones one does not): points lost for the share of the outstanding balance overdue,
# and again for the share more than 90 days overdue. A balance overdue in one invoice (a dispute) loses half
# the age points: finance chases one document, not a customer who stopped paying.
OVERDUE_NOW_PENALTY_MAX = 40
AGED_PENALTY_MAX = 40
DISPUTE_CONCENTRATION = 0.8  # the largest overdue item holds this share of the overdue: one dispute
# Most of the balance more than 90 days overdue: the overall score stays below green, whatever else is good.
AGED_SHARE_NOT_GREEN = 0.5


def _clamp(x: float) -> int:
	# Half up equals core.health's half away from zero wherever it matters: below 0 clamps to 0 anyway.
	return max(0, min(100, int(x + 0.5)))


def aged_share(facts) -> float:
	"""The share of the outstanding balance more than 90 days overdue (0 without a balance)."""
	owed = facts.outstanding or 0
	return min(1.0, max(0.0, (facts.overdue_90 or 0) / owed)) if owed > 0 else 0.0


def payment(facts, today: date):
	"""(score, detail, values) of the payment factor; facts is a core.health.CustomerFacts."""
	owed = facts.outstanding or 0
	overdue = max(facts.overdue or 0, 0)
	if not facts.billed_365 and not owed and not overdue and facts.avg_days_late is None:
		return None, Message("no_data"), {}
	base = max(facts.billed_365 or 0, owed)
	share = overdue / base if base > 0 else float(overdue > 0)
	billing_penalty = min(OVERDUE_PENALTY_MAX, OVERDUE_PENALTY_MAX * share / OVERDUE_SHARE_FOR_MAX)
	# What is overdue now, against what is owed: share overdue, and share of it past 90 days.
	now_share = min(1.0, overdue / owed) if owed > 0 else float(overdue > 0)
	aged = aged_share(facts)
	largest = max(facts.largest_overdue or 0, 0)
	dispute = overdue > 0 and largest >= DISPUTE_CONCENTRATION * overdue
	aged_penalty = AGED_PENALTY_MAX * aged * (0.5 if dispute else 1.0)
	penalty = max(billing_penalty, OVERDUE_NOW_PENALTY_MAX * now_share + aged_penalty)
	params, code = {"overdue": overdue, "outstanding": owed}, "payment"
	late = facts.avg_days_late
	if late is not None:
		penalty += min(LATE_PENALTY_MAX, max(0.0, late))
		if late > 0:
			code, params["late"] = "payment_late", late
		elif late < 0:
			code, params["early"] = "payment_early", -late
		else:
			code = "payment_on_time"
	if aged > 0:
		# Said first: the history of paid invoices must not read as good news over an aged balance.
		code, params = "payment_aged", {"overdue": overdue, "outstanding": owed, "aged_pct": round(aged, 2)}
	values = {"overdue": overdue, "outstanding": owed, "avg_days_late": late}
	if facts.overdue_90 is not None:
		values.update(overdue_90=facts.overdue_90 or 0, largest_overdue=largest)
	return _clamp(100 - penalty), Message(code, params), values

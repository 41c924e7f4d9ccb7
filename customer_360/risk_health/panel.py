"""The health panel: a customer's latest score with its factor breakdown, explanation, 180-day trend and signals.

A user without the see_risk capability gets every figure as null with masked: true. A user who sees risk but
not finance figures gets the score without the amounts inside it: factor details and explanation lines are
rendered for the reader (amount clauses dropped or masked), amount values and lifetime value are null.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from customer_360.core import health, masking, messages
from customer_360.facts import scores
from customer_360.permissions import capabilities_for
from customer_360.risk_health import job, wording
from customer_360.risk_health.customer_signals import signals

STORED_FIELDS = ("score_date", "score", "band", "factors", "explanation", "explanation_codes", "figures")
TREND_DAYS = 180


def health_panel(customer: str) -> dict:
	"""The latest score with its factors and explanation, the trend and the signals, masked for the reader."""
	caps = capabilities_for(customer)
	if not caps.see_risk:
		return masking.mask({"customer": customer}, caps, masking.HEALTH_FIELDS)
	today = getdate(nowdate())
	rows = scores.history([customer], add_days(today, -TREND_DAYS), today, banded=False, fields=STORED_FIELDS)
	latest = rows[-1] if rows else None
	see_finance = caps.see_finance
	result = job.stored_result(latest, see_finance) if latest else None
	out = {
		"customer": customer,
		"masked": False,
		"finance_masked": not caps.see_finance,
		"score_date": str(latest.score_date) if latest else None,
		"score": result.score if result else None,
		"band": result.band if result else None,
		"factors": [_factor(f, see_finance) for f in result.factors] if result else [],
		"explanation": _explanation(latest, see_finance) if latest else [],
		"trend": [{"date": str(r.score_date), "score": r.score if r.band else None} for r in rows],
		"signals": _signals(customer, today),
	}
	if out["signals"]:
		# Details and explanation lines were rendered without amounts; what is left is lifetime value.
		masking.mask(out["signals"], caps, ("lifetime_value",), flag=None)
	return out


def _signals(customer: str, today) -> dict | None:
	try:
		return signals(customer, today)
	except Exception:
		# The score must still show when a signal query fails.
		frappe.log_error(f"customer_360: health signals failed for {customer}")
		return None


def _explanation(row, see_finance: bool) -> list[str]:
	if row.explanation_codes:
		figures = wording.parse(row.figures) if see_finance else None
		lines = health.join_explanation(wording.parse(row.explanation_codes), figures)
	else:  # a row written before codes: its text may quote amounts (finance as a whole)
		lines = [messages.Message.coerce(line) for line in (row.explanation or "").splitlines()]
	return [text for text in (wording.render(m, see_finance) for m in lines if m) if text]


def _factor(f: health.Factor, see_finance: bool) -> dict:
	values = (
		f.values if see_finance else {k: v for k, v in f.values.items() if k not in health.FINANCE_VALUES}
	)
	return {
		"name": f.name,
		"label": _(f.label),
		"score": f.score,
		"no_data": f.score is None,
		"weight": f.weight,
		"effective_weight": f.effective_weight,
		"detail": wording.render(f.detail, see_finance),
		"values": values,
	}

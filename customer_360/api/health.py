"""Health API: a customer's latest score with its factor breakdown, explanation, 180-day trend and signals.

A user without the see_risk capability gets every figure as null with masked: true. A user who sees risk but
not finance figures gets the score without the amounts inside it (factor values and money details, the
explanation lines that quote amounts, and lifetime value).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import add_days, getdate, nowdate

from customer_360.core import health
from customer_360.customer_360.doctype.customer_risk_flag.customer_risk_flag import may_manage
from customer_360.permissions import check_customer_read, get_capabilities
from customer_360.risk_health import job
from customer_360.risk_health.customer_signals import signals

Score = DocType("Customer Health Score")
MASKED = ("score", "band", "score_date", "factors", "explanation", "trend", "signals")
TREND_DAYS = 180
# Factors whose detail and values quote amounts.
MONEY_FACTORS = ("payment", "revenue_trend", "returns")


@frappe.whitelist()
@frappe.read_only()
def get_health(customer: str) -> dict:
	check_customer_read(customer)
	return _health(customer)


@frappe.whitelist(methods=["POST"])
def recompute(customer: str) -> dict:
	check_customer_read(customer)
	if not may_manage():
		frappe.throw(_("You are not permitted to recompute health scores."), frappe.PermissionError)
	job.recompute_customer(customer)
	return _health(customer)  # not get_health: its read_only() could read a replica that lags this write


def _health(customer: str) -> dict:
	caps = get_capabilities()
	if not caps.see_risk:
		return {"customer": customer, "masked": True, **dict.fromkeys(MASKED)}
	today = getdate(nowdate())
	rows = (
		frappe.qb.from_(Score)
		.select(Score.score_date, Score.score, Score.band, Score.factors, Score.explanation)
		.where((Score.customer == customer) & (Score.score_date > add_days(today, -TREND_DAYS)))
		.where(Score.score_date <= today)
		.orderby(Score.score_date)
		.run(as_dict=True)
	)
	latest = rows[-1] if rows else None
	result = job.stored_result(latest) if latest else None
	out = {
		"customer": customer,
		"masked": False,
		"finance_masked": not caps.see_finance,
		"score_date": str(latest.score_date) if latest else None,
		"score": result.score if result else None,
		"band": result.band if result else None,
		"factors": [_factor(f) for f in result.factors] if result else [],
		"explanation": (latest.explanation or "").splitlines() if latest else [],
		"trend": [{"date": str(r.score_date), "score": r.score if r.band else None} for r in rows],
		"signals": _signals(customer, today),
	}
	if not caps.see_finance:
		_mask_amounts(out)
	return out


def _signals(customer: str, today) -> dict | None:
	try:
		return signals(customer, today)
	except Exception:
		# The score must still show when a signal query fails.
		frappe.log_error(f"customer_360: health signals failed for {customer}")
		return None


def _factor(f: health.Factor) -> dict:
	return {
		"name": f.name,
		"label": _(f.label),
		"score": f.score,
		"no_data": f.score is None,
		"weight": f.weight,
		"effective_weight": f.effective_weight,
		"detail": f.detail,
		"values": f.values,
	}


def _mask_amounts(out: dict) -> None:
	for f in out["factors"]:
		f["values"] = None
		if f["name"] in MONEY_FACTORS and not f["no_data"]:
			f["detail"] = None
	# Lines explain in amounts ("overdue amount rose from 1,000 to 3,000"); the factor scores still show.
	out["explanation"] = None
	if out["signals"]:
		out["signals"]["lifetime_value"] = None

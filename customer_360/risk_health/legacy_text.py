"""One-off patch: rows stored before reasons became codes + parameters carry amounts in their plain text.

Idempotent (only rows without a code are touched). The old sentence moves to the permlevel-1 figures field
as a "text" message (finance as a whole: rendered only for readers with see_finance); the readable field keeps
a figure-free label. Listed in patches.txt.
"""

from __future__ import annotations

import frappe

from customer_360.core import health, next_steps, risk
from customer_360.core.wording import LEGACY_TEXT
from customer_360.risk_health import wording

AMOUNT_FLAGS = ("overdue_payment", "frequent_refunds")


def execute():
	_flags()
	_decisions()
	_scores()


def _legacy(text: str) -> dict:
	return {
		"reason_code": LEGACY_TEXT,
		"reason_params": "{}",
		"reason_figures": wording._dump({"text": text}),
	}


def _flags():
	for name, flag_type, reason in frappe.get_all(
		"Customer Risk Flag",
		filters={"source": "automatic", "flag_type": ["in", AMOUNT_FLAGS], "reason_code": ["is", "not set"]},
		fields=["name", "flag_type", "reason"],
		as_list=True,
	):
		values = {**_legacy(reason or ""), "reason": risk.FLAG_LABELS[flag_type]}
		frappe.db.set_value("Customer Risk Flag", name, values, update_modified=False)


def _decisions():
	for name, key, reason in frappe.get_all(
		"Customer Suggestion Decision",
		filters={"suggestion_key": next_steps.PAYMENT_REMINDER, "reason_code": ["is", "not set"]},
		fields=["name", "suggestion_key", "suggestion_reason"],
		as_list=True,
	):
		values = {**_legacy(reason or ""), "suggestion_reason": next_steps.RULE_LABELS[key]}
		frappe.db.set_value("Customer Suggestion Decision", name, values, update_modified=False)


def _scores():
	# Rows without codes, or whose factor details are still sentences (a plain string where a code should be).
	rows = frappe.get_all(
		"Customer Health Score",
		or_filters={"explanation_codes": ["is", "not set"], "factors": ["like", '%"detail":"%']},
		fields=["name", "score", "band", "factors", "explanation", "explanation_codes"],
	)
	for row in rows:
		result = health.join_result(row.score, row.band, wording.parse(row.factors) or [], None)
		lines = [line for line in (row.explanation or "").splitlines() if line.strip()]
		if row.explanation_codes and not lines:
			lines = wording.parse(row.explanation_codes) or []
		factors, explained, figures = health.split_result(result, lines)
		values = {
			"factors": wording._dump(factors),
			"explanation": "",
			"explanation_codes": wording._dump(explained),
			"figures": wording._dump(figures),
		}
		frappe.db.set_value("Customer Health Score", row.name, values, update_modified=False)

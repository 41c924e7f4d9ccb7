"""Alerts: a new risk flag, or a health score that fell more than 20 points within 7 days, tells the customer's
account owner (Customer.account_manager) with a notification and a ToDo carrying a suggested next step.

The ToDo shows on the customer's timeline, which every reader of the customer sees, so its text is neutral; the
reason (flag, score movement, explanation) is only in the notification, and only for an owner who may see risk
data, rendered for that owner: amounts only when they may see finance figures too. A customer without an account owner gets no alert: the "Orphaned Customers" report lists them.

Alerts never fail what caused them (a flag insert, the nightly job): errors are logged.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from customer_360.core import alerts, health, messages
from customer_360.facts import scores
from customer_360.permissions import get_capabilities
from customer_360.risk_health import wording

EXPLAINED = ("score", "explanation", "explanation_codes", "figures")


def on_new_flag(flag) -> None:
	"""Customer Risk Flag after_insert (rules and people alike)."""
	try:
		name = frappe.db.get_value("Customer", flag.customer, "customer_name") or flag.customer
		# A rule's reason with its figures (rendered per owner in _send); a person's reason as written.
		reason = wording.load(flag.reason_code, flag.reason_params, flag.reason_figures, True) or flag.reason
		_send(alerts.flag_alert(flag.customer, name, flag.flag_type, reason or ""), exclude=flag.raised_by)
	except Exception:
		frappe.log_error("customer_360: could not send a risk flag alert")


def score_drops(scope: list[str] | None, today) -> list[alerts.Alert]:
	"""Customers whose score today is more than DROP_POINTS below their best of the previous DROP_DAYS days
	(facts.scores: a row with an empty band is "no data" and never counts)."""
	today = getdate(today or nowdate())
	yesterday = add_days(today, -1)
	now = {r.customer: r for r in scores.history(scope, yesterday, today, fields=EXPLAINED)}
	peaks = {}
	for r in scores.history(list(now), add_days(yesterday, -alerts.DROP_DAYS), yesterday, fields=("score",)):
		peaks[r.customer] = max(r.score, peaks.get(r.customer, r.score))
	dropped = [c for c, r in now.items() if alerts.is_drop(peaks.get(c), r.score)]
	names = dict(
		frappe.get_all(
			"Customer", filters={"name": ["in", dropped]}, fields=["name", "customer_name"], as_list=True
		)
		if dropped
		else ()
	)
	return [
		alerts.drop_alert(c, names[c] or c, peaks[c], now[c].score, _explanation(now[c]))
		for c in dropped
		if c in names
	]


def _explanation(row) -> list:
	"""The score's explanation lines with their figures (rendered per owner); a row written before codes
	existed has only text, which may quote amounts: it counts as finance as a whole."""
	if row.explanation_codes:
		return health.join_explanation(wording.parse(row.explanation_codes), wording.parse(row.figures))
	return [messages.Message.coerce(line) for line in (row.explanation or "").splitlines() if line.strip()]


def send_drop_alerts(scope: list[str] | None, today) -> int:
	sent = 0
	for alert in score_drops(scope, today):
		try:
			if _recently_alerted(alert, today):
				continue  # the nightly run and a same-week recompute must not repeat the alert
			sent += _send(alert)
		except Exception:
			frappe.log_error(f"customer_360: could not send a health drop alert for {alert.customer}")
	return sent


def _recently_alerted(alert: alerts.Alert, today) -> bool:
	owner = _owner(alert.customer)
	return bool(
		owner
		and frappe.db.exists(
			"Notification Log",
			{
				"for_user": owner,
				"document_type": "Customer",
				"document_name": alert.customer,
				"subject": ["in", [alert.subject, alert.neutral_subject]],
				"creation": [">=", add_days(getdate(today or nowdate()), -alerts.DROP_DAYS)],
			},
		)
	)


def _html(text: str) -> str:
	return "<br>".join(frappe.utils.escape_html(line) for line in text.splitlines())


def _owner(customer: str) -> str | None:
	owner = frappe.db.get_value("Customer", customer, "account_manager")
	if owner and frappe.db.get_value("User", owner, "enabled"):
		return owner
	return None


def _send(alert: alerts.Alert, exclude: str | None = None) -> int:
	owner = _owner(alert.customer)
	if not owner or owner == exclude:
		return 0  # nobody to tell, or the owner raised the flag themselves
	caps = get_capabilities(owner)
	sees_risk = owner == "Administrator" or caps.see_risk
	sees_finance = owner == "Administrator" or caps.see_finance
	frappe.get_doc(
		{
			"doctype": "Notification Log",
			"for_user": owner,
			"type": "Alert",
			"document_type": "Customer",
			"document_name": alert.customer,
			"subject": alert.subject if sees_risk else alert.neutral_subject,
			"email_content": _html(alert.detail_for(_, sees_finance)) if sees_risk else "",
		}
	).insert(ignore_permissions=True)
	customer_name = frappe.db.get_value("Customer", alert.customer, "customer_name") or alert.customer
	text = alerts.todo_text(customer_name)
	if not frappe.db.exists(
		"ToDo",
		{
			"allocated_to": owner,
			"reference_type": "Customer",
			"reference_name": alert.customer,
			"status": "Open",
			"description": text,
		},
	):
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": owner,
				"reference_type": "Customer",
				"reference_name": alert.customer,
				"description": text,
				"priority": "High",
				"date": nowdate(),
				"assigned_by": "Administrator",
			}
		).insert(ignore_permissions=True)
	return 1

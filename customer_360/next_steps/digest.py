"""Weekly digest per account manager (Customer.account_manager), through Frappe's email queue.

Each digest is built as its recipient: their permissions and capabilities decide what it says (no health or
flags for a manager without the risk capability, no payment reminders without finance), exactly as the 360
page would show it to them. Switched off with "Send Weekly Digest" in Customer 360 Settings.
"""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import get_fullname, getdate, nowdate

from customer_360.assistant import meetings
from customer_360.core.next_steps.digest import compose_digest
from customer_360.facts import scores
from customer_360.next_steps import config, service
from customer_360.permissions import get_capabilities

CUSTOMER = DocType("Customer")
USER = DocType("User")
FLAG = DocType("Customer Risk Flag")
WEEK = 7
MIN_MOVEMENT = 5  # points; smaller day-to-day wobble is not news


def send_weekly_digests(today=None) -> dict:
	"""Scheduled (weekly_long). Returns {"sent": n, "skipped": n, "failed": n}."""
	result = {"sent": 0, "skipped": 0, "failed": 0, "enabled": config.digest_enabled()}
	if not result["enabled"]:
		return result
	today = getdate(today or nowdate())
	for owner in account_managers():
		try:
			queued = send_digest(owner, today)
		except frappe.OutgoingEmailError:
			frappe.db.rollback()
			frappe.log_error("customer_360: weekly digests need a default outgoing Email Account")
			result["failed"] += 1
			break  # the same for every owner: one log entry, not one per owner
		except Exception:
			frappe.db.rollback()
			frappe.log_error(
				"customer_360: weekly digest failed", reference_doctype="User", reference_name=owner
			)
			result["failed"] += 1
			continue
		result["sent" if queued else "skipped"] += 1
		frappe.db.commit()
	return result


def account_managers() -> list[str]:
	return (
		frappe.qb.from_(CUSTOMER)
		.join(USER)
		.on(USER.name == CUSTOMER.account_manager)
		.select(CUSTOMER.account_manager)
		.distinct()
		.where((CUSTOMER.disabled == 0) & (USER.enabled == 1) & (USER.user_type == "System User"))
		.orderby(CUSTOMER.account_manager)
		.run(pluck=True)
	)


def send_digest(owner: str, today) -> bool:
	data = digest_data(owner, today)
	digest = compose_digest(data)
	if digest["empty"]:
		return False
	frappe.sendmail(recipients=[owner], subject=digest["subject"], message=digest["html"], delayed=True)
	return True


def digest_data(owner: str, today) -> dict:
	"""The digest's content as `owner` may see it."""
	previous = frappe.session.user
	frappe.set_user(owner)
	try:
		return _digest_data(owner, getdate(today))
	finally:
		frappe.set_user(previous)


def _digest_data(owner: str, today) -> dict:
	customers = frappe.get_list(  # the owner's customers that they may read
		"Customer", filters={"account_manager": owner, "disabled": 0}, pluck="name", limit_page_length=0
	)
	names = dict(
		frappe.get_all(
			"Customer",
			filters={"name": ["in", customers or ["-"]]},
			fields=["name", "customer_name"],
			as_list=True,
		)
	)
	t = config.thresholds()
	caps = get_capabilities(owner)
	data = {
		"owner_name": get_fullname(owner),
		"week_ending": str(today),
		"health": _health_moves(customers, today, names) if caps.see_risk else None,
		"flags": _new_flags(customers, today, names) if caps.see_risk else None,
		"renewals": [],
		"suggestions": [],
		# Briefings prepared ahead of their meetings (assistant.meetings), linked from the digest.
		"meetings": meetings.for_owner(owner, today),
	}
	if not customers:
		return data
	facts, suggestions = service.facts_and_suggestions(customers, today)
	for customer, f in facts.items():
		for doc in f.renewals or ():
			if doc.day and 0 <= (doc.day - today).days <= t.renewal_days:
				data["renewals"].append(
					{
						"customer": customer,
						"customer_name": names.get(customer),
						"doctype": doc.doctype,
						"name": doc.name,
						"ends": str(doc.day),
					}
				)
	for customer, found in suggestions.items():
		data["suggestions"] += [
			{
				"customer": customer,
				"customer_name": names.get(customer),
				"rule": s.rule,
				"title": s.title,
				"reason": s.text(_, caps.see_finance),
			}
			for s in found
		]
	return data


def _health_moves(customers: list[str], today, names: dict) -> list[dict]:
	"""Latest score against the latest one at least a week older, per customer, set-based."""
	if not customers:
		return []
	rows = scores.history(customers, today - timedelta(days=5 * WEEK), today)
	by_customer: dict[str, list] = {}
	for r in rows:
		by_customer.setdefault(r.customer, []).append(r)
	moves = []
	week_ago = today - timedelta(days=WEEK)
	for customer, history in by_customer.items():
		latest = history[-1]
		before = [s for s in history if getdate(s.score_date) <= week_ago]
		if getdate(latest.score_date) <= week_ago or not before:
			continue
		start = before[-1]
		if abs(int(latest.score) - int(start.score)) >= MIN_MOVEMENT:
			moves.append(
				{
					"customer": customer,
					"customer_name": names.get(customer),
					"from": int(start.score),
					"to": int(latest.score),
					"band_from": start.band,
					"band_to": latest.band,
				}
			)
	return moves


def _new_flags(customers: list[str], today, names: dict) -> list[dict]:
	if not customers:
		return []
	rows = (
		frappe.qb.from_(FLAG)
		.select(FLAG.customer, FLAG.flag_type, FLAG.raised_on)
		.where(
			FLAG.customer.isin(customers)
			& (FLAG.status == "active")
			& (FLAG.raised_on > today - timedelta(days=WEEK))
		)
		.run(as_dict=True)
	)
	from customer_360.core import risk

	return [
		{
			"customer": r.customer,
			"customer_name": names.get(r.customer),
			"label": risk.FLAG_LABELS.get(r.flag_type, r.flag_type),
			"raised_on": str(getdate(r.raised_on)),
		}
		for r in rows
	]

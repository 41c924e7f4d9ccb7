"""Next steps API: suggested actions with their reasons and evidence, accepting (a ToDo) or dismissing them (who
and why), email drafts for review, and the one-page briefing (deterministic, or drafted by the optional
assistant) that can be saved as a note. Nothing here sends anything to a customer."""

from __future__ import annotations

import frappe
from frappe import _

from customer_360.next_steps import briefing, service
from customer_360.permissions import check_customer_read


@frappe.whitelist()
@frappe.read_only()
def get_suggestions(customer: str) -> dict:
	check_customer_read(customer)
	found = service.for_customer(customer)
	return {"customer": customer, "suggestions": [service.as_dict(s) for s in found]}


@frappe.whitelist(methods=["POST"])
def accept_suggestion(customer: str, key: str, assignee: str | None = None) -> dict:
	check_customer_read(customer)
	return service.accept(customer, _key(key), assignee)


@frappe.whitelist(methods=["POST"])
def dismiss_suggestion(customer: str, key: str, reason: str) -> dict:
	check_customer_read(customer)
	return service.dismiss(customer, _key(key), reason)


@frappe.whitelist()
def get_draft(customer: str, key: str, use_model: bool = False) -> dict:
	"""An email for the composer (subject, message, recipients). The user reviews and sends it themselves."""
	check_customer_read(customer)
	return service.draft(customer, _key(key), _flag(use_model))


@frappe.whitelist()
def get_briefing(customer: str, use_model: bool = False) -> dict:
	check_customer_read(customer)
	return briefing.build(customer, _flag(use_model))


@frappe.whitelist(methods=["POST"])
def save_briefing_as_note(customer: str, use_model: bool = False, scope: str = "internal") -> dict:
	check_customer_read(customer)
	return briefing.save_as_note(customer, _flag(use_model), (scope or "internal").strip().lower())


def _key(key) -> str:
	if not key or not isinstance(key, str):
		frappe.throw(_("Say which suggestion (its key)."), frappe.ValidationError)
	return key.strip()


def _flag(value) -> bool:
	# Desk calls send booleans as "0"/"1"/"true"/"false".
	if isinstance(value, str):
		return value.strip().lower() in ("1", "true", "yes")
	return bool(value)

"""Ask about a customer: answers from the record as the asking user may see it, each statement with the
records it rests on. POST only: a model call costs money and is logged."""

from __future__ import annotations

import frappe

from customer_360.assistant import ask as service
from customer_360.assistant import drafts, model, summaries
from customer_360.permissions import check_customer_read


@frappe.whitelist(methods=["POST"])
def ask(customer: str, question: str, use_model: bool = True) -> dict:
	check_customer_read(customer)
	return service.ask(customer, question, _flag(use_model))


@frappe.whitelist()
@frappe.read_only()
def status(customer: str) -> dict:
	"""Whether a model is configured: the page offers it on the Ask box, the briefing and the drafts."""
	check_customer_read(customer)
	return {"model": model.configured()}


def _flag(value) -> bool:
	# Desk calls send booleans as "0"/"1"/"true"/"false".
	if isinstance(value, str):
		return value.strip().lower() in ("1", "true", "yes")
	return bool(value)


@frappe.whitelist(methods=["POST"])
def draft_briefing(customer: str) -> dict:
	"""The briefing drafted by the model (with citations), or the standard one with the reason. A draft only."""
	check_customer_read(customer)
	return drafts.briefing(customer)


@frappe.whitelist(methods=["POST"])
def draft_email(customer: str, about: str) -> dict:
	"""An email drafted by the model for the composer (subject, message, citations). The user sends it, or not."""
	check_customer_read(customer)
	return drafts.email(customer, about)


@frappe.whitelist()
@frappe.read_only()
def threads(customer: str) -> list[dict]:
	"""The customer's recent email threads and cases this user may read, to summarise."""
	check_customer_read(customer)
	return summaries.threads(customer)


@frappe.whitelist(methods=["POST"])
def summarize(customer: str, doctype: str, name: str, use_model: bool = True) -> dict:
	"""A thread's summary with the messages it cites: the model's when configured, else an extract. Cached per
	thread until a message in it changes."""
	check_customer_read(customer)
	return summaries.summarize(customer, doctype, name, _flag(use_model))

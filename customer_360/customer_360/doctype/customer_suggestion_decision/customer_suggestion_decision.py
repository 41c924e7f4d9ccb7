"""Customer Suggestion Decision: who accepted or dismissed a suggested next step, when, and why.

Written only by customer_360.next_steps (after the customer-read check); the evidence fingerprint keeps a
dismissed suggestion away until the facts behind it change.

Who may read a decision (list, Report View, export, print, REST: the hooks below, on top of DocPerm): a user who
may read its customer and who holds the capability its suggestion needs (a payment reminder is finance, a
health check-in is risk). The stored sentence carries no amount either way (see next_steps.service._record).
"""

import frappe
from frappe.model.document import Document

from customer_360.compat import NO_OBJECTION
from customer_360.core.next_steps import RULE_CAPABILITY
from customer_360.permissions import get_capabilities

DECISION = "Customer Suggestion Decision"


class CustomerSuggestionDecision(Document):
	pass


def has_permission(doc, ptype=None, user=None, debug=False):
	"""False without the suggestion's capability or without read on the customer; else DocPerm decides."""
	user = user or frappe.session.user
	if user == "Administrator":
		return NO_OBJECTION
	if doc.suggestion_key in _withheld(user):
		return False
	if not doc.customer or not frappe.has_permission("Customer", "read", doc=doc.customer, user=user):
		return False
	return NO_OBJECTION


def get_permission_query_conditions(user=None, doctype=None):
	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	table = f"`tab{DECISION}`"
	conditions = []
	withheld = _withheld(user)
	if withheld:
		keys = ", ".join(frappe.db.escape(k) for k in withheld)
		conditions.append(f"{table}.`suggestion_key` not in ({keys})")
	conditions.append(f"{table}.`customer` in ({_readable_customers(user)})")
	return " and ".join(conditions)


def _withheld(user: str) -> list[str]:
	"""Suggestion keys whose capability the user lacks."""
	caps = get_capabilities(user)
	return sorted(key for key, cap in RULE_CAPABILITY.items() if not caps.has(cap))


def _readable_customers(user: str) -> str:
	"""A subquery of the customers `user` may read (Customer's own DocPerm, User Permissions and hooks)."""
	if not frappe.has_permission("Customer", "read", user=user):
		return "select null from dual where 1=0"
	return frappe.get_list(
		"Customer", fields=["name"], user=user, order_by=None, run=False, limit_page_length=0
	)

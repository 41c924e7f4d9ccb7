"""People API: the People panel of a customer, and setting a person's role on the account."""

from __future__ import annotations

import frappe
from frappe import _

from customer_360 import people, timeline
from customer_360.core.people import ACCOUNT_ROLES
from customer_360.messages import bold
from customer_360.permissions import check_customer_read


@frappe.whitelist()
@frappe.read_only()
def get_people(customer: str) -> dict:
	check_customer_read(customer)
	return people.people(customer)


@frappe.whitelist()
@frappe.read_only()
def get_person_timeline(
	customer: str,
	contact: str,
	cursor: str | None = None,
	limit: int = 20,
	event_types: str | list | None = None,
) -> dict:
	"""One person's activity with the customer: the customer's timeline filtered to events of `contact` (a
	contact of the customer the reader may read), masked and filtered as the timeline is."""
	check_customer_read(customer)
	_check_contact(customer, contact)
	if not frappe.has_permission("Contact", "read", doc=contact):
		frappe.throw(_("You may not read contact {0}.").format(bold(contact)), frappe.PermissionError)
	# timeline.read validates the limit, the cursor and the types.
	return timeline.read(customer, cursor, limit, event_types, contact=contact)


def _check_contact(customer: str, contact) -> None:
	if not isinstance(contact, str) or contact not in people.linked_contacts(customer):
		frappe.throw(
			_("{0} is not a contact of customer {1}.").format(bold(contact or ""), bold(customer)),
			frappe.DoesNotExistError,
		)


@frappe.whitelist(methods=["POST"])
def set_account_role(customer: str, contact: str, role: str | None = None) -> dict:
	"""Saved on the Contact with the user's own permissions (write on the Contact), so Frappe's Version keeps
	who changed it and when."""
	check_customer_read(customer)
	_check_contact(customer, contact)
	role = role or ""
	if role and role not in ACCOUNT_ROLES:
		frappe.throw(
			_("Unknown role {0}. Use one of: {1}").format(bold(role), ", ".join(ACCOUNT_ROLES)),
			frappe.ValidationError,
		)
	doc = frappe.get_doc("Contact", contact)
	doc.check_permission("write")
	doc.set(people.ROLE_FIELD, role)
	doc.save()
	return {"contact": contact, "account_role": role or None}

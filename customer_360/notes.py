"""Frappe glue for notes that is not an API: share guard, portal lookup."""

import frappe
from frappe import _
from frappe.utils.html_utils import sanitize_html

from customer_360.core.notes import PORTAL_SCOPE
from customer_360.messages import bold


def on_share(doc, method=None):
	if doc.share_doctype != "Customer Note":
		return
	# "Everyone" is nobody's audience: it would hand a scoped note to every desk user.
	if doc.everyone or not doc.user:
		frappe.throw(_("A customer note cannot be shared with everyone."), frappe.PermissionError)
	from customer_360.permissions import may_read_note

	scope, author = frappe.db.get_value("Customer Note", doc.share_name, ["scope", "author"]) or (None, None)
	if scope and not may_read_note(scope, author, doc.user):
		frappe.throw(
			_("{0} is not in the audience of this {1} note; it cannot be shared with them.").format(
				bold(doc.user), bold(scope)
			),
			frappe.PermissionError,
		)


def portal_customers(user: str) -> list[str]:
	"""Customers whose contacts are this website user (by Contact.user or by the user's email)."""
	if not user or user == "Guest":
		return []
	Contact, Link, ContactEmail = (frappe.qb.DocType(d) for d in ("Contact", "Dynamic Link", "Contact Email"))
	by_user = frappe.qb.from_(Contact).select(Contact.name).where(Contact.user == user)
	by_email = frappe.qb.from_(ContactEmail).select(ContactEmail.parent).where(ContactEmail.email_id == user)
	rows = (
		frappe.qb.from_(Link)
		.select(Link.link_name)
		.distinct()
		.where(Link.parenttype == "Contact")
		.where(Link.link_doctype == "Customer")
		.where(Link.parent.isin(by_user) | Link.parent.isin(by_email))
		.run(pluck=True)
	)
	return sorted(rows)


def portal_notes(user: str) -> list[dict]:
	"""Customer-scope notes of the user's own customers, nothing else (read past DocPerm: portal users
	have no desk rights, so the filter here is the whole rule)."""
	customers = portal_customers(user)
	if not customers:
		return []
	rows = frappe.get_all(
		"Customer Note",
		filters={"customer": ["in", customers], "scope": PORTAL_SCOPE},
		fields=["name", "customer", "content", "pinned", "creation", "author_name"],
		order_by="pinned desc, creation desc",
		limit=200,
		ignore_permissions=True,
	)
	for row in rows:
		row.content = sanitize_html(row.content)  # rendered as HTML on the portal
	return rows

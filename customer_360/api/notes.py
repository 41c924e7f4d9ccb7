"""Notes API: scoped notes and free-form tags on a customer. Scope rules live in core/notes.py and are enforced
by the Customer Note permission hooks, so this API and every standard Frappe path agree."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.desk.doctype.tag.tag import DocTags
from frappe.utils import cint

from customer_360 import inputs
from customer_360.messages import bold
from customer_360.permissions import check_customer_read, get_capabilities

NOTE = "Customer Note"
_FIELDS = ["name", "customer", "scope", "pinned", "content", "author", "author_name", "creation", "modified"]


def _note(note: str, ptype: str):
	if not note or not isinstance(note, str) or not frappe.db.exists(NOTE, note):
		frappe.throw(_("Note {0} does not exist.").format(bold(note)), frappe.DoesNotExistError)
	doc = frappe.get_doc(NOTE, note)
	doc.check_permission(ptype)
	return doc


@frappe.whitelist()
@frappe.read_only()
def get_notes(customer: str, scope: str | None = None, limit: int = 100) -> dict:
	check_customer_read(customer)
	filters = {"customer": customer}
	if scope:
		filters["scope"] = scope
	notes = frappe.get_list(  # permission_query_conditions apply the scope rule
		NOTE,
		filters=filters,
		fields=_FIELDS,
		order_by="pinned desc, creation desc",
		limit_page_length=max(1, min(cint(limit) or 100, 500)),
	)
	return {
		"notes": notes,
		"writable_scopes": sorted(get_capabilities().note_scopes),
		"tags": _tags(customer),
	}


@frappe.whitelist(methods=["POST"])
def add_note(customer: str, content: str, scope: str = "internal", pinned: bool = False) -> dict:
	check_customer_read(customer)
	content = inputs.text(content, "Note", required=True)
	scope = inputs.text(scope, "Scope", 40)
	doc = frappe.get_doc(
		{"doctype": NOTE, "customer": customer, "content": content, "scope": scope, "pinned": cint(pinned)}
	).insert()
	return doc.as_dict()


@frappe.whitelist(methods=["POST"])
def update_note(
	note: str, content: str | None = None, scope: str | None = None, pinned: bool | None = None
) -> dict:
	doc = _note(note, "write")
	content = inputs.text(content, "Note")
	scope = inputs.text(scope, "Scope", 40)
	if content is not None:
		doc.content = content
	if scope is not None:
		doc.scope = scope
	if pinned is not None:
		doc.pinned = cint(pinned)
	# The audit tab reads Versions: ask for one explicitly (Frappe skips them by default under tests).
	doc.save(ignore_version=False)
	return doc.as_dict()


@frappe.whitelist(methods=["POST"])
def delete_note(note: str) -> dict:
	doc = _note(note, "read")
	# Authors may withdraw their own notes; otherwise the role needs delete rights on notes.
	if doc.author != frappe.session.user:
		doc.check_permission("delete")
	frappe.delete_doc(NOTE, doc.name, ignore_permissions=True)
	return {"deleted": doc.name}


def _tags(customer: str) -> list[str]:
	raw = frappe.db.get_value("Customer", customer, "_user_tags") or ""
	return [t for t in raw.split(",") if t]


@frappe.whitelist(methods=["POST"])
def add_tag(customer: str, tag: str) -> list[str]:
	check_customer_read(customer)
	frappe.has_permission("Customer", "write", doc=customer, throw=True)
	tag = (tag or "").strip()
	if not tag or "," in tag or len(tag) > 140:
		frappe.throw(_("A tag is a short word or phrase without commas."), frappe.ValidationError)
	DocTags("Customer").add(customer, tag)
	return _tags(customer)


@frappe.whitelist(methods=["POST"])
def remove_tag(customer: str, tag: str) -> list[str]:
	check_customer_read(customer)
	frappe.has_permission("Customer", "write", doc=customer, throw=True)
	DocTags("Customer").remove(customer, (tag or "").strip())
	return _tags(customer)

"""Interactions, tasks, referrals, files and the audit trail of a customer, for the 360 page."""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import cint, getdate, nowdate

from customer_360 import inputs
from customer_360.customer_360.doctype.customer_interaction.customer_interaction import make_task
from customer_360.messages import bold
from customer_360.permissions import check_assignee, check_customer_read, may_read_note

INTERACTION = "Customer Interaction"
AUDITED = ("Customer Note", "Customer Interaction")
# Documents whose attachments belong to the customer's files panel: doctype -> customer column (+ condition).
_DOCUMENTS = {
	"Sales Invoice": ("customer", {}),
	"Sales Order": ("customer", {}),
	"Delivery Note": ("customer", {}),
	"Quotation": ("party_name", {"quotation_to": "Customer"}),
	"Payment Entry": ("party", {"party_type": "Customer"}),
	"Issue": ("customer", {}),
	"Opportunity": ("party_name", {"opportunity_from": "Customer"}),
	# Attachments of notes follow the note's scope: get_list applies the notes' permission query.
	"Customer Note": ("customer", {}),
	"Customer Interaction": ("customer", {}),
}


@frappe.whitelist()
@frappe.read_only()
def get_interactions(customer: str, limit: int = 100) -> list[dict]:
	check_customer_read(customer)
	return frappe.get_list(
		INTERACTION,
		filters={"customer": customer},
		fields=[
			"name",
			"interaction_type",
			"interaction_time",
			"contact",
			"logged_by",
			"outcome",
			"summary",
			"next_follow_up",
			"follow_up_task",
		],
		order_by="interaction_time desc",
		limit_page_length=max(1, min(cint(limit) or 100, 500)),
	)


@frappe.whitelist(methods=["POST"])
def log_interaction(
	customer: str,
	interaction_type: str,
	summary: str,
	interaction_time: str | None = None,
	contact: str | None = None,
	outcome: str | None = None,
	next_follow_up: str | None = None,
) -> dict:
	check_customer_read(customer)
	doc = frappe.get_doc(
		{
			"doctype": INTERACTION,
			"customer": customer,
			"interaction_type": interaction_type,
			"summary": inputs.text(summary, "Summary"),
			"interaction_time": inputs.datetime(interaction_time, "When"),
			"contact": inputs.text(contact, "Contact", 140),
			"outcome": inputs.text(outcome, "Outcome", 140),
			"next_follow_up": inputs.date(next_follow_up, "Follow up on"),
		}
	).insert()
	return doc.as_dict()


@frappe.whitelist(methods=["POST"])
def create_task(customer: str, description: str, assignee: str | None = None, due_date: str | None = None):
	check_customer_read(customer)
	if not (inputs.text(description, "Description") or "").strip():
		frappe.throw(_("A task needs a description."), frappe.ValidationError)
	assignee = check_assignee(customer, assignee or frappe.session.user)
	due_date = inputs.date(due_date, "Due")
	return make_task(customer, description.strip(), assignee, due_date).as_dict()


@frappe.whitelist()
@frappe.read_only()
def get_tasks(customer: str) -> dict:
	"""Open tasks on the customer. Like the assignments on ERPNext's own form, they show to whoever may read
	the customer, whoever they are assigned to."""
	check_customer_read(customer)
	tasks = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Customer", "reference_name": customer, "status": "Open"},
		fields=["name", "description", "allocated_to", "date", "priority", "assigned_by", "creation"],
		order_by="creation asc",
		limit_page_length=500,
	)
	# Due first (earliest first), undated last: an expression sort that get_all no longer takes (compat 4).
	tasks.sort(key=lambda t: (t.date is None, t.date or getdate("1900-01-01")))
	today = getdate(nowdate())
	for task in tasks:
		task["overdue"] = bool(task.date and getdate(task.date) < today)
	return {"open": tasks, "overdue": sum(t["overdue"] for t in tasks)}


@frappe.whitelist()
@frappe.read_only()
def get_referrals(customer: str) -> dict:
	check_customer_read(customer)
	referred_by = frappe.db.get_value("Customer", customer, "c360_referred_by")
	return {
		"referred_by": (
			{
				"name": referred_by,
				"customer_name": frappe.db.get_value("Customer", referred_by, "customer_name"),
			}
			if referred_by and frappe.has_permission("Customer", "read", doc=referred_by)
			else None
		),
		# get_list: customers the user may not read stay out
		"referred": frappe.get_list(
			"Customer",
			filters={"c360_referred_by": customer},
			fields=["name", "customer_name", "creation"],
			order_by="creation desc",
			limit_page_length=500,
		),
	}


@frappe.whitelist()
@frappe.read_only()
def get_files(customer: str) -> list[dict]:
	"""Files attached to the customer and to its documents (of doctypes the user may read)."""
	check_customer_read(customer)
	attached = {"Customer": [customer]}
	for doctype, (column, extra) in _DOCUMENTS.items():
		if frappe.db.table_exists(doctype) and frappe.has_permission(doctype, "read"):
			attached[doctype] = frappe.get_list(
				doctype, filters={column: customer, **extra}, pluck="name", limit_page_length=0
			)
	files = []
	for doctype, names in attached.items():
		if names:
			files += frappe.get_all(
				"File",
				filters={"attached_to_doctype": doctype, "attached_to_name": ["in", names], "is_folder": 0},
				fields=[
					"name",
					"file_name",
					"file_url",
					"is_private",
					"file_size",
					"attached_to_doctype",
					"attached_to_name",
					"owner",
					"creation",
				],
			)
	return sorted(files, key=lambda f: f.creation, reverse=True)


@frappe.whitelist()
@frappe.read_only()
def get_audit(customer: str, limit: int = 200) -> list[dict]:
	"""Who created, changed and deleted the customer's notes and interactions, and when — only for records
	the user may read (a note's scope applies to its history too)."""
	check_customer_read(customer)
	entries = []
	for doctype in AUDITED:
		if not frappe.has_permission(doctype, "read"):
			continue
		docs = {d.name: d for d in frappe.get_list(doctype, filters={"customer": customer},
			fields=["name", "owner", "creation"], limit_page_length=0)}  # fmt: skip
		entries += [
			{"action": "created", "doctype": doctype, "docname": d.name, "actor": d.owner, "at": d.creation}
			for d in docs.values()
		]
		if docs:
			for v in frappe.get_all("Version", filters={"ref_doctype": doctype, "docname": ["in", list(docs)]},
				fields=["docname", "owner", "creation", "data"]):  # fmt: skip
				changed = [c[0] for c in (json.loads(v.data or "{}").get("changed") or [])]
				if changed:
					entries.append({"action": "edited", "doctype": doctype, "docname": v.docname,
						"actor": v.owner, "at": v.creation, "fields": changed})  # fmt: skip
		entries += _deletions(doctype, customer)
	entries.sort(key=lambda e: e["at"], reverse=True)
	return entries[: max(1, min(cint(limit) or 200, 1000))]


def _deletions(doctype: str, customer: str) -> list[dict]:
	out = []
	for d in frappe.get_all("Deleted Document", filters={"deleted_doctype": doctype},
		fields=["deleted_name", "owner", "creation", "data"], order_by="creation desc", limit_page_length=1000):  # fmt: skip
		data = json.loads(d.data or "{}")
		if data.get("customer") != customer:
			continue
		if doctype == "Customer Note" and not may_read_note(
			data.get("scope"), data.get("author"), frappe.session.user
		):
			continue
		out.append(
			{
				"action": "deleted",
				"doctype": doctype,
				"docname": d.deleted_name,
				"actor": d.owner,
				"at": d.creation,
			}
		)
	return out

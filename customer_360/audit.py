"""A customer's complete audit trail: every action recorded against it, with actor and time, filtered by what
the reader may see, newest first, keyset-paged (core.audit.page).

Sources: the Customer's own field changes (Version), its notes and interactions (created, edited, deleted; a
note's scope changes), risk flags raised and resolved (risk readers only), merges and undos (Customer Merge
Log), suggestion decisions, tasks (ToDo) created and closed, tags, files, and exports of the customer's
record (Access Log). Lists the reader reads through frappe.get_list apply their DocPerm, User Permissions and
our permission hooks; no entry carries a figure or a note's text — only names, kinds and field names.
"""

from __future__ import annotations

import json
from datetime import datetime

import frappe
from frappe import _
from frappe.utils import get_datetime

from customer_360.core import audit as core
from customer_360.core.capabilities import Capabilities
from customer_360.core.next_steps import RULE_LABELS
from customer_360.core.wording import FLAG_LABELS
from customer_360.permissions import may_read_note

RECORDS = ("Customer Note", "Customer Interaction")
NOTE = "Customer Note"
MERGE_LOG = "Customer Merge Log"


def trail(customer: str, caps: Capabilities, after: tuple[datetime, str] | None, limit: int) -> dict:
	upto = after[0] if after else None
	n = limit + 1
	entries: list[dict] = []
	for source in (_customer, _records, _flags, _merges, _decisions, _tasks, _tags, _files, _exports):
		entries += source(customer, caps, upto, n)
	rows, more = core.page(entries, after, limit)
	return {"entries": rows, "more": more}


def _upto(field: str, upto) -> dict:
	return {field: ["<=", upto]} if upto else {}


def _versions(doctype: str, names: list[str], upto, n: int) -> list:
	if not names:
		return []
	return frappe.get_all(
		"Version",
		filters={"ref_doctype": doctype, "docname": ["in", names], **_upto("creation", upto)},
		fields=["name", "docname", "owner", "creation", "data"],
		order_by="creation desc",
		limit_page_length=n,
	)


def _changes(data: str | None) -> tuple[list[str], dict]:
	"""Field names a Version changed (tables by their field name), and {field: (old, new)}."""
	d = json.loads(data or "{}")
	changed = {c[0]: (c[1], c[2]) for c in d.get("changed") or [] if len(c) == 3}
	tables = {r[0] for key in ("added", "removed", "row_changed") for r in d.get(key) or [] if r}
	return sorted(set(changed) | tables), changed


def _customer(customer, caps, upto, n) -> list[dict]:
	out = []
	owner, creation = frappe.db.get_value("Customer", customer, ["owner", "creation"])
	if not upto or creation <= upto:
		out.append(
			core.entry("customer_created", creation, owner, customer, doctype="Customer", docname=customer)
		)
	for v in _versions("Customer", [customer], upto, n):
		fields, _values = _changes(v.data)
		if fields:  # field names only: a changed credit limit must not show its figures here
			out.append(
				core.entry(
					"field_changed",
					v.creation,
					v.owner,
					v.name,
					doctype="Customer",
					docname=customer,
					fields=fields,
				)
			)
	return out


def _records(customer, caps, upto, n) -> list[dict]:
	out = []
	for doctype in RECORDS:
		if not frappe.has_permission(doctype, "read"):
			continue
		# The records the reader may read (a note's scope applies to its history too).
		readable = frappe.get_list(doctype, filters={"customer": customer}, pluck="name", limit_page_length=0)
		created = frappe.get_list(
			doctype,
			filters={"customer": customer, **_upto("creation", upto)},
			fields=["name", "owner", "creation"],
			order_by="creation desc",
			limit_page_length=n,
		)
		out += [
			core.entry("record_created", r.creation, r.owner, r.name, doctype=doctype, docname=r.name)
			for r in created
		]
		for v in _versions(doctype, readable, upto, n):
			fields, values = _changes(v.data)
			if doctype == NOTE and "scope" in values:
				old, new = values["scope"]
				out.append(
					core.entry(
						"note_scope_changed",
						v.creation,
						v.owner,
						v.name,
						doctype=doctype,
						docname=v.docname,
						scope_from=old,
						scope_to=new,
					)
				)
				fields = [f for f in fields if f != "scope"]
			if fields:
				out.append(
					core.entry(
						"record_edited",
						v.creation,
						v.owner,
						v.name,
						doctype=doctype,
						docname=v.docname,
						fields=fields,
					)
				)
		out += _deletions(doctype, customer, upto, n)
	return out


def _deletions(doctype: str, customer: str, upto, n: int) -> list[dict]:
	out = []
	for d in frappe.get_all(
		"Deleted Document",
		filters={"deleted_doctype": doctype, **_upto("creation", upto)},
		fields=["name", "deleted_name", "owner", "creation", "data"],
		order_by="creation desc",
		limit_page_length=1000,
	):
		data = json.loads(d.data or "{}")
		if data.get("customer") != customer:
			continue
		if doctype == NOTE and not may_read_note(data.get("scope"), data.get("author"), frappe.session.user):
			continue
		out.append(
			core.entry("record_deleted", d.creation, d.owner, d.name, doctype=doctype, docname=d.deleted_name)
		)
		if len(out) >= n:
			break
	return out


def _flags(customer, caps, upto, n) -> list[dict]:
	if not caps.see_risk:  # flags are risk data: the ownership rule included (caps are the customer's)
		return []
	out = []
	fields = ["name", "flag_type", "raised_by", "raised_on", "resolved_by", "resolved_on"]
	for kind, by, on in (
		("flag_raised", "raised_by", "raised_on"),
		("flag_resolved", "resolved_by", "resolved_on"),
	):
		rows = frappe.get_all(
			"Customer Risk Flag",
			filters={"customer": customer, on: ["is", "set"], **_upto(on, upto)},
			fields=fields,
			order_by=f"{on} desc",
			limit_page_length=n,
		)
		for r in rows:
			label = _(FLAG_LABELS.get(r.flag_type, r.flag_type))
			out.append(
				core.entry(
					kind,
					get_datetime(r[on]),
					r[by],
					r.name,
					doctype="Customer Risk Flag",
					docname=r.name,
					label=label,
				)
			)
	return out


def _merges(customer, caps, upto, n) -> list[dict]:
	if not frappe.db.table_exists(MERGE_LOG) or not frappe.has_permission(MERGE_LOG, "read"):
		return []
	as_loser = frappe.get_all(
		"Customer Merge Log Loser", filters={"customer": customer, "parenttype": MERGE_LOG}, pluck="parent"
	)
	names = set(frappe.get_all(MERGE_LOG, filters={"survivor": customer}, pluck="name")) | set(as_loser)
	if not names:
		return []
	rows = frappe.get_list(
		MERGE_LOG,
		filters={"name": ["in", list(names)]},
		fields=[
			"name",
			"survivor",
			"merged_customers",
			"status",
			"actor",
			"started",
			"undone_by",
			"undone_at",
		],
		order_by="started desc",
		limit_page_length=n * 2,
	)
	out = []
	for r in rows:
		if r.started and (not upto or r.started <= upto):
			out.append(
				core.entry(
					"merged", r.started, r.actor, r.name, doctype=MERGE_LOG, docname=r.name, status=r.status
				)
			)
		if r.undone_at and (not upto or r.undone_at <= upto):
			out.append(
				core.entry(
					"merge_undone", r.undone_at, r.undone_by, r.name, doctype=MERGE_LOG, docname=r.name
				)
			)
	return out


def _decisions(customer, caps, upto, n) -> list[dict]:
	doctype = "Customer Suggestion Decision"
	if not frappe.has_permission(doctype, "read"):
		return []
	rows = frappe.get_list(
		doctype,
		filters={"customer": customer, **_upto("decided_on", upto)},
		fields=["name", "suggestion_key", "decision", "decided_by", "decided_on"],
		order_by="decided_on desc",
		limit_page_length=n,
	)
	return [
		core.entry(
			f"suggestion_{r.decision}",
			r.decided_on,
			r.decided_by,
			r.name,
			doctype=doctype,
			docname=r.name,
			label=_(RULE_LABELS.get(r.suggestion_key, r.suggestion_key)),
		)
		for r in rows
		if r.decision in ("accepted", "dismissed") and r.decided_on
	]


def _tasks(customer, caps, upto, n) -> list[dict]:
	base = {"reference_type": "Customer", "reference_name": customer}
	fields = ["name", "owner", "creation", "modified_by", "modified", "status", "allocated_to"]
	created = frappe.get_list(
		"ToDo",
		filters={**base, **_upto("creation", upto)},
		fields=fields,
		order_by="creation desc",
		limit_page_length=n,
	)
	closed = frappe.get_list(
		"ToDo",
		filters={**base, "status": "Closed", **_upto("modified", upto)},
		fields=fields,
		order_by="modified desc",
		limit_page_length=n,
	)
	return [
		*(
			core.entry(
				"task_created",
				t.creation,
				t.owner,
				t.name,
				doctype="ToDo",
				docname=t.name,
				assignee=t.allocated_to,
			)
			for t in created
		),
		*(
			core.entry("task_closed", t.modified, t.modified_by, t.name, doctype="ToDo", docname=t.name)
			for t in closed
		),
	]


def _tags(customer, caps, upto, n) -> list[dict]:
	rows = frappe.get_all(
		"Tag Link",
		filters={"document_type": "Customer", "document_name": customer, **_upto("creation", upto)},
		fields=["name", "tag", "owner", "creation"],
		order_by="creation desc",
		limit_page_length=n,
	)
	return [core.entry("tag_added", r.creation, r.owner, r.name, label=r.tag) for r in rows]


def _files(customer, caps, upto, n) -> list[dict]:
	rows = frappe.get_list(
		"File",
		filters={
			"attached_to_doctype": "Customer",
			"attached_to_name": customer,
			"is_folder": 0,
			**_upto("creation", upto),
		},
		fields=["name", "file_name", "owner", "creation"],
		order_by="creation desc",
		limit_page_length=n,
	)
	return [
		core.entry(
			"file_added", r.creation, r.owner, r.name, doctype="File", docname=r.name, label=r.file_name
		)
		for r in rows
	]


def _exports(customer, caps, upto, n) -> list[dict]:
	"""Exports, prints and PDFs of the customer's record (Frappe's Access Log), for readers of that log."""
	if not frappe.has_permission("Access Log", "read"):
		return []
	rows = frappe.get_list(
		"Access Log",
		filters={
			"reference_document": customer,
			"export_from": ["in", ["Customer", ""]],
			**_upto("creation", upto),
		},
		fields=["name", "user", "creation", "file_type", "method", "export_from"],
		order_by="creation desc",
		limit_page_length=n,
	)
	return [
		core.entry(
			"exported",
			r.creation,
			r.user,
			r.name,
			doctype="Access Log",
			docname=r.name,
			label=r.file_type or r.method,
		)
		for r in rows
	]

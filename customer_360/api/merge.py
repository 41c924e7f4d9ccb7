"""Duplicates and merges: find_duplicates, duplicate_warning, preview, merge, undo (+ the log's status).

Every method checks first: the can_merge capability (Customer 360 Settings: role -> capabilities), then what
ERPNext's own rename-merge needs on the customers themselves: read and write on the survivor, read, write and
delete on each duplicate, User Permissions applied (customer_360.merge.access). A log is shown only to who may
read every customer it names. The form warning needs read on the customer, and shows only customers the user
may read; without the capability, only their number. Bad input is refused with a translated message before
anything is looked up, locked or written, every value the user sent escaped (customer_360.merge.request). The merge and the
undo themselves run in RQ (customer_360.merge.job); customer_360.merge.state keeps their customers busy until
they finish and marks the ones whose job died.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint

from customer_360.core.capabilities import CAN_MERGE
from customer_360.facts.merges import resolve_customer
from customer_360.merge import access, job, request, state
from customer_360.merge import duplicates as dups
from customer_360.merge import preview as merge_preview
from customer_360.merge.log import DOCS
from customer_360.merge.undo import queue as queue_undo
from customer_360.messages import bold
from customer_360.permissions import check_capability, has_capability

LOG = job.LOG
# Duplicates shown on the form at most (the rest is a count).
MAX_WARNING_MATCHES = 20


# ---------------------------------------------------------------- duplicates


@frappe.whitelist()
@frappe.read_only()
def find_duplicates(threshold: int = 60, start: int = 0, limit: int = 50, refresh: bool = False) -> dict:
	"""Candidate groups of likely duplicates among the customers the user may read, best first, paged."""
	check_capability(CAN_MERGE)
	threshold, start, limit = cint(threshold), max(0, cint(start)), min(max(1, cint(limit)), 500)
	if not 1 <= threshold <= 100:
		frappe.throw(_("The threshold is a score from 1 to 100."), frappe.ValidationError)
	found = dups.readable_groups(dups.find_groups(threshold, use_cache=not cint(refresh)))
	return {
		"threshold": threshold,
		"customers_scanned": found["customers_scanned"],
		"skipped": found["skipped"],
		"total": len(found["groups"]),
		"groups": found["groups"][start : start + limit],
	}


@frappe.whitelist()
@frappe.read_only()
def duplicate_warning(customer: str) -> dict:
	"""Likely duplicates of one customer, for the Customer form and the 360: only customers the user may read
	(frappe.has_permission, User Permissions included); without the merge capability only their number
	(`count`, `matches` empty). Never fails the form: a scoring error is logged and answers "none"."""
	request.check_read(customer)
	try:
		matches = dups.duplicates_of(customer)
	except Exception:
		frappe.log_error(
			"customer_360: duplicate warning failed", reference_doctype="Customer", reference_name=customer
		)
		matches = []
	readable = [
		m
		for m in matches[: MAX_WARNING_MATCHES * 5]
		if frappe.db.exists("Customer", m["customer"])  # the answer may be cached: skip a deleted one
		and access.customer_allows(m["customer"], "read")
	][:MAX_WARNING_MATCHES]
	can_merge = has_capability(CAN_MERGE)
	return {
		"customer": customer,
		"count": len(readable),
		"matches": readable if can_merge else [],
		"can_merge": can_merge,
	}


# ---------------------------------------------------------------- merge


@frappe.whitelist()
def preview(survivor: str, duplicates: str | list) -> dict:
	"""Everything the merge would move, counted per doctype and field, and the field conflicts to decide."""
	check_capability(CAN_MERGE)
	survivor, losers = request.validate(survivor, duplicates)
	return merge_preview.build(survivor, losers)


@frappe.whitelist(methods=["POST"])
def merge(survivor: str, duplicates: str | list, choices: str | dict | None = None) -> dict:
	"""Lock the customers, write the log and enqueue the merge; returns at once with the log to follow."""
	check_capability(CAN_MERGE)
	survivor, losers = request.validate(survivor, duplicates)
	choices = request.field_choices(choices, survivor, losers)
	log = job.create_log(survivor, losers, choices)
	job_id = job.enqueue("merge", log)
	return {"log": log, "job_id": job_id, "status": "Queued"}


@frappe.whitelist()
def undo_check(log: str) -> dict:
	"""What would stop an undo of this log now (empty: it may go ahead)."""
	check_capability(CAN_MERGE)
	doc = request.open_log(log, undo=True)
	found = job.blockers(doc.name) if doc.status in ("Done", "Failed") else []
	return {
		"log": doc.name,
		"status": doc.status,
		"blockers": [b.__dict__ | {"text": str(b)} for b in found],
	}


@frappe.whitelist(methods=["POST"])
def undo(log: str) -> dict:
	"""Refuse with the full list of blockers when undo is unsafe; otherwise lock and enqueue it."""
	check_capability(CAN_MERGE)
	doc = request.open_log(log, undo=True)
	job_id = queue_undo(doc.name, doc.status)
	return {"log": doc.name, "job_id": job_id, "status": "Undoing"}


@frappe.whitelist()
def get_log(log: str) -> dict:
	"""Status, progress and a per-doctype summary of the manifest (the page polls it while a job runs). Not
	read-only: reading a log whose job died marks it (customer_360.merge.state)."""
	check_capability(CAN_MERGE)
	doc = request.open_log(log)
	fields = ["name", "survivor", "survivor_name", "merged_customers", "status", "progress", "actor", "started",
			  "finished", "documents_moved", "rows_moved", "undone_by", "undone_at", "message", "creation"]  # fmt: skip
	out = frappe.db.get_value(LOG, doc.name, fields, as_dict=True)
	out["losers"] = frappe.get_all(
		job.LOSER,
		filters={"parent": doc.name, "parenttype": LOG},
		fields=["customer", "customer_name", "deleted"],
		order_by="idx asc",
	)
	out["documents"] = [
		{"doctype": dt, "count": n}
		for dt, n in frappe.db.sql(
			f"""select r.ref_doctype, count(distinct d.ref_name) n from `tab{job.ROW}` r join {DOCS}
			where r.parent = %s and r.parenttype = %s group by r.ref_doctype order by n desc, r.ref_doctype""",
			(doc.name, LOG),
		)
	]
	return out


@frappe.whitelist()
def recent_logs(limit: int = 20) -> list[dict]:
	"""The newest merges whose customers the user may all read (the others are left out, unmentioned)."""
	check_capability(CAN_MERGE)
	limit = min(max(1, cint(limit)), 200)
	fields = [
		"name",
		"survivor",
		"survivor_name",
		"merged_customers",
		"status",
		"progress",
		"actor",
		"creation",
	]
	out, memo, start, page = [], {}, 0, max(limit, 50)
	while len(out) < limit and start < 20 * page:
		rows = frappe.get_all(
			LOG,
			fields=fields,
			order_by="creation desc",
			start=start,
			limit=page,
			ignore_permissions=True,  # the capability and the customers decide, as for every merge method
		)
		for row in rows:
			if access.log_readable(row.name, memo=memo):
				if row.status in state.BUSY and state.reap(row.name):
					row.status = frappe.db.get_value(LOG, row.name, "status")
				out.append(row)
		if len(rows) < page:
			break
		start += page
	return out[:limit]


@frappe.whitelist()
@frappe.read_only()
def resolve(customer: str) -> dict:
	"""Where a customer name leads today (itself, or the survivor of the merge that took it). Says so only to
	who may read where it leads; otherwise the name "does not exist"."""
	if not customer or not isinstance(customer, str):
		frappe.throw(_("A customer is required."), frappe.ValidationError)
	target = resolve_customer(customer) if len(customer) <= request.MAX_NAME else None
	if target == customer:
		request.check_read(customer)  # it exists: "not permitted" unless readable, as everywhere
	elif not target or not access.customer_allows(target, "read"):
		frappe.throw(_("Customer {0} does not exist.").format(bold(customer)), frappe.DoesNotExistError)
	return {"customer": customer, "resolved": target, "merged": target != customer}

"""Duplicates and merges: find_duplicates, duplicate_warning, preview, merge, undo (+ the log's status).

Every method checks on its first line: the can_merge capability (Customer 360 Settings: role -> capabilities),
or for the form warning that the user may read the customer. Bad input is refused with a translated message
before anything is locked or written; the merge and the undo themselves run in RQ (customer_360.merge.job).
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import cint, escape_html

from customer_360.core.capabilities import CAN_MERGE
from customer_360.core.merge_plan import MergeError, resolve_fields, validate_request
from customer_360.merge import customer as cust
from customer_360.merge import duplicates as dups
from customer_360.merge import job, lock
from customer_360.merge import preview as merge_preview
from customer_360.merge.resolve import merged_into, resolve_customer
from customer_360.permissions import check_capability, check_customer_read, has_capability

LOG = job.LOG
MAX_LOSERS = 20


# ---------------------------------------------------------------- duplicates


@frappe.whitelist()
@frappe.read_only()
def find_duplicates(threshold: int = 60, start: int = 0, limit: int = 50, refresh: bool = False) -> dict:
	"""Candidate groups of likely duplicates across all customers, best first, paged."""
	check_capability(CAN_MERGE)
	threshold, start, limit = cint(threshold), max(0, cint(start)), min(max(1, cint(limit)), 500)
	if not 1 <= threshold <= 100:
		frappe.throw(_("The threshold is a score from 1 to 100."), frappe.ValidationError)
	found = dups.find_groups(threshold, use_cache=not cint(refresh))
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
	"""Likely duplicates of one customer, for the Customer form and the 360. Never fails the form: a scoring
	error is logged and answers "none"."""
	check_customer_read(customer)
	try:
		matches = dups.duplicates_of(customer)
	except Exception:
		frappe.log_error(
			"customer_360: duplicate warning failed", reference_doctype="Customer", reference_name=customer
		)
		matches = []
	return {"customer": customer, "matches": matches, "can_merge": has_capability(CAN_MERGE)}


# ---------------------------------------------------------------- merge


@frappe.whitelist()
def preview(survivor: str, duplicates: str | list) -> dict:
	"""Everything the merge would move, counted per doctype and field, and the field conflicts to decide."""
	check_capability(CAN_MERGE)
	survivor, losers = _validate(survivor, duplicates)
	return merge_preview.build(survivor, losers)


@frappe.whitelist(methods=["POST"])
def merge(survivor: str, duplicates: str | list, choices: str | dict | None = None) -> dict:
	"""Lock the customers, write the log and enqueue the merge; returns at once with the log to follow."""
	check_capability(CAN_MERGE)
	survivor, losers = _validate(survivor, duplicates)
	choices = _choices(choices, survivor, losers)
	log = job.create_log(survivor, losers, choices)
	job_id = job.enqueue("merge", log)
	return {"log": log, "job_id": job_id, "status": "Queued"}


@frappe.whitelist()
def undo_check(log: str) -> dict:
	"""What would stop an undo of this log now (empty: it may go ahead)."""
	check_capability(CAN_MERGE)
	doc = _log(log)
	found = job.blockers(doc.name) if doc.status in ("Done", "Failed") else []
	return {"log": doc.name, "status": doc.status, "blockers": [b.__dict__ | {"text": str(b)} for b in found]}


@frappe.whitelist(methods=["POST"])
def undo(log: str) -> dict:
	"""Refuse with the full list of blockers when undo is unsafe; otherwise lock and enqueue it."""
	check_capability(CAN_MERGE)
	doc = _log(log)
	if doc.status not in ("Done", "Failed"):
		frappe.throw(
			_("Only a finished or failed merge can be undone; {0} is {1}.").format(doc.name, _(doc.status)),
			frappe.ValidationError,
		)
	survivor, loser_rows = job.log_customers(doc.name)
	customers = [survivor, *(r.customer for r in loser_rows)]
	_refuse_if_busy(customers)
	found = job.blockers(doc.name)
	if found:
		items = "".join(f"<li>{escape_html(str(b))}</li>" for b in found[:100])
		more = _("… and {0} more").format(len(found) - 100) if len(found) > 100 else ""
		frappe.throw(
			_("This merge cannot be undone safely ({0} problems):").format(len(found))
			+ f"<ul>{items}</ul>{more}",
			frappe.ValidationError,
			title=_("Undo refused"),
		)
	lock.acquire(customers, doc.name)
	frappe.db.after_rollback.add(lambda: lock.release(customers, doc.name))
	frappe.db.set_value(LOG, doc.name, {"status": "Undoing", "message": ""}, update_modified=False)
	job_id = job.enqueue("undo", doc.name)
	return {"log": doc.name, "job_id": job_id, "status": "Undoing"}


@frappe.whitelist()
@frappe.read_only()
def get_log(log: str) -> dict:
	"""Status, progress and a per-doctype summary of the manifest (the page polls it while a job runs)."""
	check_capability(CAN_MERGE)
	doc = _log(log)
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
			f"""select ref_doctype, count(distinct ref_name) n from `tab{job.ROW}`
			where parent = %s and parenttype = %s group by ref_doctype order by n desc, ref_doctype""",
			(doc.name, LOG),
		)
	]
	return out


@frappe.whitelist()
@frappe.read_only()
def recent_logs(limit: int = 20) -> list[dict]:
	check_capability(CAN_MERGE)
	return frappe.get_all(
		LOG,
		fields=[
			"name",
			"survivor",
			"survivor_name",
			"merged_customers",
			"status",
			"progress",
			"actor",
			"creation",
		],
		order_by="creation desc",
		limit=min(max(1, cint(limit)), 200),
		ignore_permissions=True,  # the capability decides, as for every merge method
	)


@frappe.whitelist()
@frappe.read_only()
def resolve(customer: str) -> dict:
	"""Where a customer name leads today (itself, or the survivor of the merge that took it)."""
	if not customer or not isinstance(customer, str):
		frappe.throw(_("A customer is required."), frappe.ValidationError)
	target = resolve_customer(customer)
	if not target:
		frappe.throw(
			_("Customer {0} does not exist.").format(frappe.bold(customer)), frappe.DoesNotExistError
		)
	check_customer_read(target)
	return {"customer": customer, "resolved": target, "merged": target != customer}


# ---------------------------------------------------------------- input


def _names(value) -> list[str]:
	if value is None:
		return []
	if isinstance(value, str):
		text = value.strip()
		if text.startswith("["):
			try:
				value = json.loads(text)
			except ValueError:
				frappe.throw(_("The duplicates must be a list of customer names."), frappe.ValidationError)
		else:
			value = text.replace("\n", ",").split(",")
	if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
		frappe.throw(_("The duplicates must be a list of customer names."), frappe.ValidationError)
	return list(dict.fromkeys(v.strip() for v in value if v and v.strip()))


def _refuse_if_busy(customers: list[str]) -> None:
	busy = sorted(lock.locked(customers))
	if busy:
		frappe.throw(
			_("Already being merged or unmerged: {0}. Try again when that finishes.").format(", ".join(busy)),
			frappe.ValidationError,
			title=_("Customer busy"),
		)


def _validate(survivor: str, duplicates) -> tuple[str, list[str]]:
	"""(survivor, losers) or a translated frappe.throw saying what is wrong with the request."""
	if survivor is not None and not isinstance(survivor, str):
		frappe.throw(_("The surviving customer must be a customer name."), frappe.ValidationError)
	survivor = (survivor or "").strip()
	losers = _names(duplicates)
	if not survivor:
		frappe.throw(_("Choose the customer that survives the merge."), frappe.ValidationError)
	if not losers:
		frappe.throw(
			_("Choose at least one duplicate to merge into {0}.").format(survivor), frappe.ValidationError
		)
	if survivor in losers:
		frappe.throw(
			_("Cannot merge customer {0} into itself.").format(frappe.bold(survivor)), frappe.ValidationError
		)
	if len(losers) > MAX_LOSERS:
		frappe.throw(_("Merge at most {0} duplicates at a time.").format(MAX_LOSERS), frappe.ValidationError)
	exists = {n: bool(frappe.db.exists("Customer", n)) for n in (survivor, *losers)}
	unknown = [n for n, ok in exists.items() if not ok]
	if unknown:
		already = {n: merged_into(n) for n in unknown}
		parts = [
			_("{0} was already merged into {1}").format(n, already[n])
			if already[n]
			else _("{0} does not exist").format(n)
			for n in unknown
		]
		frappe.throw(_("Unknown customer: {0}.").format("; ".join(parts)), frappe.DoesNotExistError)
	disabled = {n: bool(frappe.db.get_value("Customer", n, "disabled")) for n in (survivor, *losers)}
	if disabled[survivor]:
		frappe.throw(
			_("The surviving customer {0} is disabled; enable it or choose another survivor.").format(
				frappe.bold(survivor)
			),
			frappe.ValidationError,
		)
	_refuse_if_busy([survivor, *losers])
	try:  # the same rules, pure and unit-tested: the last word
		losers = validate_request(survivor, losers, exists, disabled, set())
	except MergeError as e:
		frappe.throw(_("Cannot merge: {0}").format(str(e)), frappe.ValidationError)
	from erpnext.accounts.party import validate_party_currency_before_merging

	for loser in losers:
		# ERPNext's own rule: two parties with ledger entries in different currencies cannot become one.
		validate_party_currency_before_merging("Customer", loser, survivor)
	return survivor, losers


def _choices(choices, survivor: str, losers: list[str]) -> dict:
	if choices in (None, "", {}):
		return {}
	if isinstance(choices, str):
		try:
			choices = json.loads(choices)
		except ValueError:
			frappe.throw(_("The field choices must be a JSON object."), frappe.ValidationError)
	if not isinstance(choices, dict) or not all(isinstance(v, str) for v in choices.values()):
		frappe.throw(_("The field choices must map a field to a customer name."), frappe.ValidationError)
	fields = cust.conflict_fields()
	try:  # a dry run of the rule the job applies: unknown fields or customers are refused now
		resolve_fields(
			cust.values(survivor, fields), [cust.values(n, fields) for n in losers], fields, choices
		)
	except MergeError as e:
		frappe.throw(_("Invalid field choice: {0}").format(str(e)), frappe.ValidationError)
	return choices


def _log(log: str):
	if not log or not isinstance(log, str) or not frappe.db.exists(LOG, log):
		frappe.throw(_("Merge log {0} does not exist.").format(frappe.bold(log)), frappe.DoesNotExistError)
	return frappe._dict(name=log, status=frappe.db.get_value(LOG, log, "status"))

"""Duplicates and merges: find_duplicates, duplicate_warning, preview, merge, undo (+ the log's status).

Every method checks first: the can_merge capability (Customer 360 Settings: role -> capabilities), then what
ERPNext's own rename-merge needs on the customers themselves: read and write on the survivor, read, write and
delete on each duplicate, User Permissions applied (customer_360.merge.access). A log is shown only to who may
read every customer it names. The form warning needs read on the customer, and shows only customers the user
may read; without the capability, only their number. Bad input is refused with a translated message before
anything is looked up, locked or written; every value the user sent is escaped when echoed. The merge and the
undo themselves run in RQ (customer_360.merge.job); customer_360.merge.state keeps their customers busy until
they finish and marks the ones whose job died.
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import cint, escape_html

from customer_360.core.capabilities import CAN_MERGE
from customer_360.core.merge_plan import MergeError, request_shape, resolve_fields, validate_request
from customer_360.facts.merges import merged_into, resolve_customer
from customer_360.merge import access, job, lock, state
from customer_360.merge import customer as cust
from customer_360.merge import duplicates as dups
from customer_360.merge import preview as merge_preview
from customer_360.merge.access import show
from customer_360.permissions import check_capability, has_capability

LOG = job.LOG
MAX_LOSERS = 20
# Longest customer name Frappe stores (varchar 140), and the most text a list or choices may be sent as.
MAX_NAME = 140
MAX_INPUT = 20_000
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
	_check_read(customer)
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
	doc = _log(log, undo=True)
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
	doc = _log(log, undo=True)
	if doc.status not in ("Done", "Failed"):
		frappe.throw(
			_("Only a finished or failed merge can be undone; {0} is {1}.").format(
				show(doc.name), _(doc.status)
			),
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
	# `modified` says since when it is Undoing (the watchdog's clock).
	frappe.db.set_value(LOG, doc.name, {"status": "Undoing", "message": ""}, update_modified=True)
	job_id = job.enqueue("undo", doc.name)
	return {"log": doc.name, "job_id": job_id, "status": "Undoing"}


@frappe.whitelist()
def get_log(log: str) -> dict:
	"""Status, progress and a per-doctype summary of the manifest (the page polls it while a job runs). Not
	read-only: reading a log whose job died marks it (customer_360.merge.state)."""
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
	target = resolve_customer(customer) if len(customer) <= MAX_NAME else None
	if target == customer:
		_check_read(customer)  # it exists: "not permitted" unless readable, as everywhere
	elif not target or not access.customer_allows(target, "read"):
		frappe.throw(_("Customer {0} does not exist.").format(show(customer)), frappe.DoesNotExistError)
	return {"customer": customer, "resolved": target, "merged": target != customer}


def _check_read(customer: str) -> None:
	"""The customer exists and the user may read it (User Permissions included); the name is escaped."""
	if not customer or not isinstance(customer, str):
		frappe.throw(_("A customer is required."), frappe.ValidationError)
	if len(customer) > MAX_NAME or not frappe.db.exists("Customer", customer):
		frappe.throw(_("Customer {0} does not exist.").format(show(customer)), frappe.DoesNotExistError)
	if not access.customer_allows(customer, "read"):
		frappe.throw(
			_("You do not have permission to view customer {0}.").format(show(customer)),
			frappe.PermissionError,
		)


# ---------------------------------------------------------------- input


def _too_big(value) -> bool:
	return isinstance(value, str) and len(value) > MAX_INPUT


def _json(text: str, message: str):
	if _too_big(text):
		frappe.throw(message, frappe.ValidationError)
	try:
		return json.loads(text)
	except (ValueError, RecursionError):
		frappe.throw(message, frappe.ValidationError)


def _names(value) -> list[str]:
	message = _("The duplicates must be a list of customer names.")
	if value is None:
		return []
	if isinstance(value, str):
		text = value.strip()
		if text.startswith("["):
			value = _json(text, message)
		else:
			if _too_big(text):
				frappe.throw(message, frappe.ValidationError)
			value = text.replace("\n", ",").split(",")
	if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
		frappe.throw(message, frappe.ValidationError)
	names = list(dict.fromkeys(v.strip() for v in value if v and v.strip()))
	if len(names) > MAX_LOSERS:
		frappe.throw(_("Merge at most {0} duplicates at a time.").format(MAX_LOSERS), frappe.ValidationError)
	if any(len(n) > MAX_NAME for n in names):
		frappe.throw(_("A customer name is at most {0} characters.").format(MAX_NAME), frappe.ValidationError)
	return names


def _merge_error(e: MergeError) -> str:
	"""The core's refusal, in the reader's language, every customer name escaped."""
	p = e.params
	names = lambda key: ", ".join(show(n) for n in p.get(key) or ())  # noqa: E731
	if e.code == "no_survivor":
		return _("Choose the customer that survives the merge.")
	if e.code == "no_losers":
		return _("Choose at least one duplicate to merge into the survivor.")
	if e.code == "itself":
		return _("Cannot merge customer {0} into itself.").format(show(p["customer"]))
	if e.code == "too_many":
		return _("Merge at most {0} duplicates at a time.").format(p["limit"])
	if e.code == "unknown":
		return _("Unknown customer: {0} does not exist.").format(names("customers"))
	if e.code == "disabled":
		return _("The surviving customer {0} is disabled; enable it or choose another survivor.").format(
			show(p["customer"])
		)
	if e.code == "busy":
		return _("Already being merged or unmerged: {0}. Try again when that finishes.").format(
			names("customers")
		)
	if e.code == "no_field":
		return _("Invalid field choice: no such field to choose: {0}.").format(
			", ".join(escape_html(f) for f in p.get("fields") or ())
		)
	if e.code == "not_merged":
		return _("Invalid field choice: {0} is not one of the customers being merged.").format(
			show(p.get("customer"))
		)
	return _("Cannot merge: {0}").format(escape_html(str(e)))


def _refuse_if_busy(customers: list[str]) -> None:
	busy = sorted(state.busy_customers(customers))
	if busy:
		frappe.throw(
			_("Already being merged or unmerged: {0}. Try again when that finishes.").format(
				", ".join(show(b) for b in busy)
			),
			frappe.ValidationError,
			title=_("Customer busy"),
		)


def _unknown(name: str) -> str:
	"""Why `name` cannot be merged: where it went, to who may read that customer; else it does not exist."""
	target = merged_into(name) and resolve_customer(name)
	if target and access.customer_allows(target, "read"):
		return _("{0} was already merged into {1}").format(show(name), show(target))
	return _("{0} does not exist").format(show(name))


def _validate(survivor: str, duplicates) -> tuple[str, list[str]]:
	"""(survivor, losers) or a translated frappe.throw saying what is wrong with the request.

	The rules are core.merge_plan's (request_shape before any lookup, validate_request as the last word,
	with every customer a merge or undo has not finished with as `locked`); the adapter adds what needs
	Frappe: who may merge these customers, and where a merged name went."""
	if survivor is not None and not isinstance(survivor, str):
		frappe.throw(_("The surviving customer must be a customer name."), frappe.ValidationError)
	if survivor and len(survivor.strip()) > MAX_NAME:
		frappe.throw(_("A customer name is at most {0} characters.").format(MAX_NAME), frappe.ValidationError)
	losers = _names(duplicates)
	try:
		survivor, losers = request_shape(survivor or "", losers, MAX_LOSERS)
	except MergeError as e:
		frappe.throw(_merge_error(e), frappe.ValidationError)
	everyone = [survivor, *losers]
	exists = {n: bool(frappe.db.exists("Customer", n)) for n in everyone}
	unknown = [n for n in everyone if not exists[n]]
	if unknown:
		frappe.throw(
			_("Unknown customer: {0}.").format("; ".join(_unknown(n) for n in unknown)),
			frappe.DoesNotExistError,
		)
	access.check_merge_rights(survivor, losers)
	disabled = {n: bool(frappe.db.get_value("Customer", n, "disabled")) for n in everyone}
	try:
		losers = validate_request(
			survivor, losers, exists, disabled, state.busy_customers(everyone), MAX_LOSERS
		)
	except MergeError as e:
		frappe.throw(
			_merge_error(e),
			frappe.DoesNotExistError if e.code == "unknown" else frappe.ValidationError,
			title=_("Customer busy") if e.code == "busy" else None,
		)
	from erpnext.accounts.party import validate_party_currency_before_merging

	for loser in losers:
		# ERPNext's own rule: two parties with ledger entries in different currencies cannot become one.
		validate_party_currency_before_merging("Customer", loser, survivor)
	return survivor, losers


def _choices(choices, survivor: str, losers: list[str]) -> dict:
	if choices in (None, "", {}):
		return {}
	if isinstance(choices, str):
		choices = _json(choices, _("The field choices must be a JSON object."))
	if not isinstance(choices, dict) or not all(isinstance(v, str) for v in choices.values()):
		frappe.throw(_("The field choices must map a field to a customer name."), frappe.ValidationError)
	fields = cust.conflict_fields()
	if len(choices) > len(fields) or any(len(k) > MAX_NAME or len(v) > MAX_NAME for k, v in choices.items()):
		frappe.throw(_("The field choices must map a field to a customer name."), frappe.ValidationError)
	try:  # a dry run of the rule the job applies: unknown fields or customers are refused now
		resolve_fields(
			cust.values(survivor, fields), [cust.values(n, fields) for n in losers], fields, choices
		)
	except MergeError as e:
		frappe.throw(_merge_error(e), frappe.ValidationError)
	return choices


def _log(log: str, undo: bool = False):
	"""The log, if the user may see it (undo: may merge its customers); its job's death is noticed here."""
	if not log or not isinstance(log, str) or len(log) > MAX_NAME or not frappe.db.exists(LOG, log):
		frappe.throw(_("Merge log {0} does not exist.").format(show(log)), frappe.DoesNotExistError)
	if undo:
		access.check_log_undo(log)
	else:
		access.check_log_read(log)
	status = frappe.db.get_value(LOG, log, "status")
	if status in state.BUSY and state.reap(log):
		status = frappe.db.get_value(LOG, log, "status")
	return frappe._dict(name=log, status=status)

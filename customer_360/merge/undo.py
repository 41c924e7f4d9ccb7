"""Undo of a merge: `queue` refuses an unsafe undo (with every blocker) or locks and enqueues it; the job, in one
transaction, restores each loser from its snapshot (same name, same child rows), puts every manifest row back,
removes the copied child rows, and restores each survivor field nobody changed since. It restores first and
counts: only a short count (a row changed after the request) costs a rollback and the full check, whose
blockers it then reports."""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

from customer_360.core.merge_plan import UndoBlocker, undo_blockers, undo_plan
from customer_360.merge import customer as cust
from customer_360.merge import links, lock
from customer_360.merge.log import (
	DOCS,
	LOG,
	LOSER,
	ROW,
	TIMELINE,
	_publish,
	_set,
	changed_rows,
	enqueue,
	log_customers,
	manifest,
	manifest_groups,
	restore_recorded,
	undo_job_id,
)
from customer_360.merge.request import refuse_if_busy
from customer_360.merge.steps import _Abandoned, _names, _reindex, comment, start
from customer_360.messages import bold


def blockers(log: str, rows_too: bool = True) -> list:
	"""What makes undoing this log unsafe now (core.merge_plan.undo_blockers); empty when it may go ahead.
	`rows_too` off: the customers only (cheap; the job checks the rows by restoring them, see run_undo)."""
	survivor, loser_rows = log_customers(log)
	# Only the rows that can block: the others hold their new value.
	rows, current = changed_rows(log) if rows_too else ([], {})
	taken = {
		r.customer: bool(r.deleted) and bool(frappe.db.exists("Customer", r.customer)) for r in loser_rows
	}
	missing = [r.customer for r in loser_rows if r.deleted and not r.snapshot]
	found = undo_blockers(rows, current, bool(frappe.db.exists("Customer", survivor)), taken, survivor)
	for name in missing:
		found.insert(0, UndoBlocker("Customer", name, "", "snapshot", "none", "no snapshot to restore from"))
	return found


class _Changed(Exception):
	"""A manifest row no longer holds what the merge wrote (or is recorded twice): the fast path stops."""


def queue(log: str, status: str) -> str:
	"""Refuse with the full list of blockers when undoing `log` is unsafe; otherwise lock and enqueue it."""
	if status not in ("Done", "Failed"):
		frappe.throw(
			_("Only a finished or failed merge can be undone; {0} is {1}.").format(bold(log), _(status)),
			frappe.ValidationError,
		)
	survivor, loser_rows = log_customers(log)
	customers = [survivor, *(r.customer for r in loser_rows)]
	refuse_if_busy(customers)
	found = blockers(log)
	if found:
		items = "".join(f"<li>{escape_html(str(b))}</li>" for b in found[:100])
		more = _("… and {0} more").format(len(found) - 100) if len(found) > 100 else ""
		frappe.throw(
			_("This merge cannot be undone safely ({0} problems):").format(len(found))
			+ f"<ul>{items}</ul>{more}",
			frappe.ValidationError,
			title=_("Undo refused"),
		)
	lock.acquire(customers, log)
	frappe.db.after_rollback.add(lambda: lock.release(customers, log))
	# `modified` says since when it is Undoing (the watchdog's clock).
	frappe.db.set_value(LOG, log, {"status": "Undoing", "message": ""}, update_modified=True)
	return enqueue("undo", log)


def run_undo(log: str) -> None:
	survivor, loser_rows = log_customers(log)
	losers = [r.customer for r in loser_rows]
	before = "Done" if any(r.deleted for r in loser_rows) else "Failed"
	if not start(log, [survivor, *losers], "Undoing", before):
		return
	try:
		# Optimistic: the request checked every row moments ago, so the job restores them straight away and
		# counts; only when the count comes out short does it roll back and look for what blocks (reading the
		# manifest twice, check then restore, made the undo slower than the merge).
		found = blockers(log, rows_too=False)
		if not found:
			_publish(log, 0, "Undoing", _("Restoring"))
			try:
				_restore(log, loser_rows, fast=True)
			except _Changed:
				frappe.db.rollback()
				found = blockers(log)
				if not found:
					_restore(log, loser_rows, fast=False)
		if found:
			frappe.db.rollback()
			_set(log, status=before, message=_refusal(found))
			frappe.db.commit()
			_publish(log, 100, before, _("Undo refused"))
			return
		kept = _restore_survivor(log, survivor)
		frappe.db.sql(
			f"update `tab{LOSER}` set deleted = 0 where parent = %s and parenttype = %s", (log, LOG)
		)
		message = (
			_("Kept on {0}, changed since the merge: {1}").format(
				_names([survivor]), escape_html(", ".join(kept))
			)
			if kept
			else ""
		)
		_set(
			log,
			status="Undone",
			undone_by=frappe.session.user,
			undone_at=now_datetime(),
			progress=100,
			message=message,
		)
		sources = frappe.db.sql(
			f"select distinct source_doctype, source_name from `tab{TIMELINE}` where customer = %s", survivor
		)
		frappe.clear_document_cache("Customer", survivor)
		comment(
			survivor,
			_("undid the merge of {0} into {1} ({2})").format(
				_names(losers), _names([survivor]), escape_html(log)
			),
		)
		# Every document the merge moved has its events under the survivor (the merge moved them there), so
		# `sources` names them all; the restored losers too: their own milestones (sources/customer.py) left the
		# index with them.
		_reindex(undo_job_id(log), [*map(tuple, sources), *(("Customer", n) for n in losers)])
		frappe.db.commit()
		_publish(log, 100, "Undone", _("Undone"))
	except _Abandoned:
		frappe.db.rollback()  # the watchdog gave up on this undo: it changed nothing
		return
	except Exception as e:
		frappe.db.rollback()
		reason = escape_html(frappe.utils.strip_html(str(e))) or type(e).__name__
		_set(log, status=before, message=_("The undo failed and changed nothing: {0}").format(reason)[:1000])
		frappe.db.commit()
		frappe.log_error(f"customer_360: undo of {log} failed", reference_doctype=LOG, reference_name=log)
		_publish(log, 100, before, _("Undo failed"))
	finally:
		lock.release([survivor, *losers], log)


def _restore(log: str, loser_rows: list, fast: bool) -> None:
	"""The losers from their snapshots, every manifest row, and the survivor without the copied child rows."""
	survivor = frappe.db.get_value(LOG, log, "survivor")
	for r in loser_rows:
		if r.deleted:
			cust.restore(r.snapshot)
			_mark_restored(r.customer)
	groups = manifest_groups(log)
	_restore_links(log, groups, fast)
	for doctype, name in _child_rows(log, groups):
		frappe.db.delete(doctype, {"name": name, "parent": survivor, "parenttype": "Customer"})


def _restore_links(log: str, groups: list, fast: bool = False) -> None:
	"""Every manifest row back, set-based; a manifest that records a field twice goes through core's undo_plan
	(it decides which value was there before the merge). `fast`: restore, then count; short raises _Changed
	(a changed row, or a field recorded twice: the join restores it once). `groups`: manifest_groups(log)."""
	rows = sum(n for _dt, _f, child, n, _first, _last in groups if not child)
	if fast:
		if restore_recorded(log, groups) != rows:
			raise _Changed(log)
		return
	fields = frappe.db.sql(
		f"""select count(distinct r.ref_doctype, d.ref_name, r.fieldname) from `tab{ROW}` r join {DOCS}
		where r.parent = %s and r.parenttype = %s and r.kind != 'child'""",
		(log, LOG),
	)[0][0]
	if rows != fields:
		links.apply(undo_plan([r for r in manifest(log) if r.kind != "child"]))
		return
	if restore_recorded(log, groups) != rows:  # a row changed since the check: change nothing
		frappe.throw(
			_("Some documents changed while the undo ran; nothing was undone."), frappe.ValidationError
		)


def _child_rows(log: str, groups: list) -> list[tuple[str, str]]:
	"""(doctype, name) of the child rows the merge copied to the survivor (none read when it copied none)."""
	found = []
	for doctype, _field, child, _rows, first, last in groups:
		if child:
			found.extend(
				(doctype, name)
				for name in frappe.db.sql(
					f"""select d.ref_name from `tab{ROW}` r join {DOCS} where r.parent = %s and r.parenttype = %s
					and r.name between %s and %s and r.ref_doctype = %s and r.kind = 'child' order by r.idx, d.pos""",
					(log, LOG, first, last, doctype),
					pluck=True,
				)
			)
	return found


def _refusal(found: list) -> str:
	lines = [escape_html(str(b)) for b in found[:50]]
	if len(found) > 50:
		lines.append(_("… and {0} more").format(len(found) - 50))
	return _("Undo refused:") + "\n" + "\n".join(lines)


def _restore_survivor(log: str, survivor: str) -> list[str]:
	"""Each survivor field back to its value before the merge, unless someone changed it since (kept, listed)."""
	changes = json.loads(frappe.db.get_value(LOG, log, "survivor_changes") or "{}")
	kept = []
	for field, (old, new) in changes.items():
		now = frappe.db.get_value("Customer", survivor, field)
		if _text(now) == _text(new):
			frappe.db.set_value("Customer", survivor, field, old, update_modified=False)
		else:
			kept.append(field)
	return kept


def _text(v) -> str:
	return "" if v is None else str(v)


def _mark_restored(name: str) -> None:
	"""ERPNext's Deleted Document entry for the loser must not offer a second restore."""
	frappe.db.sql(
		"update `tabDeleted Document` set restored = 1, new_name = %(n)s"
		" where deleted_doctype = 'Customer' and deleted_name = %(n)s and restored = 0",
		{"n": name},
	)

"""The merge and undo jobs (RQ, queue "long"). The request validated, locked the customers and wrote the log;
these do the work and always release the locks.

Merge, in committed steps so the log's progress is real and the manifest always matches the database:
1. snapshot each loser (every child row, plus the health-score rows that cannot move) and apply the chosen
   field values and the losers' child rows to the survivor (validated by ERPNext's own Customer.save, so a
   bad combination fails before anything moves);
2. re-point, field by field, 1000 rows at a time: the rows are read FOR UPDATE, updated, and written to the
   manifest in one transaction;
3. move the timeline index, delete the losers, mark the log Done (one transaction).
A failure leaves the log Failed with what moved so far in its manifest; undo reverses exactly that.

A job first claims its log (customer_360.merge.state has the state machine): the log must still be in the state
the request left it in (a watchdog may have marked it Failed meanwhile) and the customers' locks must be its own
or free (they expire while a job waits in a long queue; another merge may hold them by then). A job that cannot
claim refuses and marks its log Failed; it never touches the customers. While it runs, each committed step
checks again that the log is still Running, so a job the watchdog gave up on stops at its next step.

The loser is deleted, as ERPNext's own merge (rename with merge) does, so it leaves link pickers, lists and
reports, and its name resolves to the survivor through the log (customer_360.merge.resolve). Disabling it
instead would leave an empty twin in every list and a name nothing could reuse.

Undo runs in one transaction: restore each loser from its snapshot (same name, same child rows), put every
manifest row back, remove the copied child rows, and restore each survivor field nobody changed since.
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime
from pymysql.converters import escape_string

from customer_360.core.merge_plan import ManifestRow, UndoBlocker, resolve_fields, undo_blockers, undo_plan
from customer_360.merge import customer as cust
from customer_360.merge import links, lock

LOG = "Customer Merge Log"
ROW = "Customer Merge Log Row"
LOSER = "Customer Merge Log Loser"
TIMELINE = "Customer Timeline Event"
PROGRESS_EVENT = "customer_360_merge_progress"
# Rows re-pointed (and recorded) per transaction: one progress step, one commit.
REPOINT_BATCH = 5000
ROW_FIELDS = ("ref_doctype", "ref_name", "fieldname", "old_value", "new_value", "kind")


def merge_job_id(log: str) -> str:
	return f"customer_360:merge:{log}"


def undo_job_id(log: str) -> str:
	return f"customer_360:undo:{log}"


def enqueue(action: str, log: str) -> str:
	job_id = merge_job_id(log) if action == "merge" else undo_job_id(log)
	frappe.enqueue(
		f"customer_360.merge.job.run_{action}",
		queue="long",
		timeout=4 * 3600,
		job_id=job_id,
		deduplicate=True,
		enqueue_after_commit=True,
		log=log,
	)
	return job_id


# ---------------------------------------------------------------- log helpers


def create_log(survivor: str, losers: list[str], choices: dict | None = None) -> str:
	"""The Queued log of a validated request, with the customers' locks taken (owner: the log)."""
	name_of = lambda n: frappe.db.get_value("Customer", n, "customer_name")  # noqa: E731
	log = frappe.get_doc(
		{
			"doctype": LOG,
			"survivor": survivor,
			"survivor_name": name_of(survivor),
			"merged_customers": ", ".join(losers),
			"status": "Queued",
			"actor": frappe.session.user,
			"choices": frappe.as_json(choices or {}, indent=1),
			"losers": [{"customer": n, "customer_name": name_of(n)} for n in losers],
		}
	).insert(ignore_permissions=True)
	customers = [survivor, *losers]
	lock.acquire(customers, log.name)
	# Should the caller's transaction roll back, no job will run: give the customers back.
	frappe.db.after_rollback.add(lambda: lock.release(customers, log.name))
	return log.name


def log_customers(log: str) -> tuple[str, list[dict]]:
	survivor = frappe.db.get_value(LOG, log, "survivor")
	losers = frappe.get_all(
		LOSER,
		filters={"parent": log, "parenttype": LOG},
		fields=["name", "customer", "deleted", "snapshot"],
		order_by="idx asc",
	)
	return survivor, losers


def manifest(log: str) -> list[ManifestRow]:
	rows = frappe.db.sql(
		f"select {', '.join(ROW_FIELDS)} from `tab{ROW}` where parent = %s and parenttype = %s order by idx",
		(log, LOG),
	)
	return [
		ManifestRow(dt, name, field, old or "", new or "", kind) for dt, name, field, old, new, kind in rows
	]


def _set(log: str, **values) -> None:
	frappe.db.set_value(LOG, log, values, update_modified=False)


class _Recorder:
	"""Appends manifest rows to the log in bulk (one INSERT per batch, names <log>-<idx>)."""

	def __init__(self, log: str):
		self.log = log
		self.idx = frappe.db.count(ROW, {"parent": log, "parenttype": LOG})

	def add(self, rows: list[ManifestRow]) -> None:
		if not rows:
			return
		# Built by hand with the driver's own escaping: Frappe's bulk_insert goes through pypika, which costs
		# more than the whole re-pointing at 20k rows.
		q = lambda v: "'" + escape_string(str(v)) + "'"  # noqa: E731
		now, user = q(now_datetime()), q(frappe.session.user)
		head = f"{now}, {now}, {user}, {user}, 0, "
		tail = f", {q(self.log)}, {q(LOG)}, 'rows', "
		for start in range(0, len(rows), 1000):
			values = []
			for r in rows[start : start + 1000]:
				self.idx += 1
				fields = (r.doctype, r.name, r.field, r.old_value, r.new_value, r.kind)
				values.append(
					f"({q(f'{self.log}-{self.idx}')}, {head}{self.idx}{tail}{', '.join(map(q, fields))})"
				)
			frappe.db.sql(
				f"insert into `tab{ROW}` (name, creation, modified, owner, modified_by, docstatus, idx, parent,"
				f" parenttype, parentfield, {', '.join(ROW_FIELDS)}) values {', '.join(values)}"
			)


def _publish(log: str, percent: float, status: str, description: str = "") -> None:
	percent = round(min(100.0, max(0.0, percent)), 1)
	_set(log, progress=percent)
	try:
		frappe.publish_progress(
			percent, title=_("Customer merge"), doctype=LOG, docname=log, description=description
		)
		frappe.publish_realtime(
			PROGRESS_EVENT,
			{"log": log, "percent": percent, "status": status, "description": description},
			user=frappe.session.user,
		)
	except Exception:
		pass  # progress is informative; a realtime hiccup must not stop the job


# ---------------------------------------------------------------- merge


def _names(names) -> str:
	return frappe.bold(escape_html(", ".join(names)))


class _Abandoned(Exception):
	"""The log left the state this job runs in (the watchdog marked it): stop without touching it."""


class _NotMine(Exception):
	"""The log is not in the state this job starts from (a duplicate run, or the watchdog marked it): leave
	it alone."""


def _claim(log: str, customers: list[str], expected: str) -> str | None:
	"""None when this job may run; else why not (the job then refuses, see the module). Holds the log's row
	lock until the caller commits. Raises _NotMine when the log is not `expected`."""
	from customer_360.merge.state import busy_logs

	status = frappe.db.get_value(LOG, log, "status", for_update=True)
	if status != expected:
		raise _NotMine(f"{log} is {status}, not {expected}")
	others = lock.take(customers, log)
	if others:
		return _("{0} is locked by another merge or undo").format(_names(others))
	elsewhere = sorted(n for n, c in busy_logs(customers).items() if n != log and c)
	if elsewhere:
		lock.release(customers, log)
		return _("another merge or undo ({0}) has not finished with these customers").format(
			escape_html(", ".join(elsewhere))
		)
	return None


def _refuse(log: str, reason: str, expected: str, status: str = "Failed") -> None:
	message = _("Refused when the job started: {0}").format(reason)
	frappe.db.sql(
		f"update `tab{LOG}` set status = %s, message = %s, finished = %s where name = %s and status = %s",
		(status, message[:1000], now_datetime(), log, expected),
	)
	frappe.db.commit()
	_publish(log, float(frappe.db.get_value(LOG, log, "progress") or 0), status, message)


def _still(log: str, status: str) -> None:
	"""Under the log's row lock: the log is still in `status`, else stop (the caller rolls back)."""
	if frappe.db.get_value(LOG, log, "status", for_update=True) != status:
		raise _Abandoned(log)


def run_merge(log: str) -> None:
	survivor, loser_rows = log_customers(log)
	losers = [r.customer for r in loser_rows]
	try:
		refusal = _claim(log, [survivor, *losers], "Queued")
	except _NotMine as e:
		frappe.db.rollback()
		frappe.logger("customer_360").info(f"merge job not run: {e}")
		return
	if refusal:
		frappe.db.rollback()
		_refuse(log, refusal, "Queued")
		return
	try:
		_set(log, status="Running", started=now_datetime(), progress=0)
		frappe.db.commit()
		_publish(log, 1, "Running", _("Taking snapshots"))
		recorder = _Recorder(log)
		_prepare(log, survivor, loser_rows, recorder)
		_still(log, "Running")
		frappe.db.commit()
		moved = _repoint(log, survivor, losers, recorder)
		_finish(log, survivor, losers, moved)
		_still(log, "Running")
		_set(log, status="Done")
		frappe.db.commit()
		_publish(log, 100, "Done", _("Done"))
	except _Abandoned:
		frappe.db.rollback()  # the watchdog gave up on this job; what it committed is in the manifest
		return
	except Exception as e:
		frappe.db.rollback()
		reason = escape_html(frappe.utils.strip_html(str(e))) or type(e).__name__
		message = _("The merge stopped: {0}").format(reason)
		_set(log, status="Failed", finished=now_datetime(), message=message[:1000])
		frappe.db.commit()
		frappe.log_error(f"customer_360: merge {log} failed", reference_doctype=LOG, reference_name=log)
		_publish(log, float(frappe.db.get_value(LOG, log, "progress") or 0), "Failed", message)
	finally:
		lock.release([survivor, *losers], log)


def _prepare(log: str, survivor: str, loser_rows: list[dict], recorder: _Recorder) -> None:
	"""Snapshots, and the survivor's new field values and child rows, in one transaction."""
	losers = [r.customer for r in loser_rows]
	doomed = cust.conflicting_scores(survivor, losers)
	snapshots = []
	for r in loser_rows:
		extra = cust.score_rows(doomed.get(r.customer, []))
		snap = cust.snapshot(r.customer, extra)
		frappe.db.set_value(LOSER, r.name, "snapshot", snap, update_modified=False)
		if doomed.get(r.customer):
			frappe.db.delete(cust.SCORE, {"name": ["in", doomed[r.customer]]})
		snapshots.append(json.loads(snap))

	choices = json.loads(frappe.db.get_value(LOG, log, "choices") or "{}")
	fields = cust.conflict_fields()
	doc = frappe.get_doc("Customer", survivor)
	updates = cust.drop_self_links(
		resolve_fields(
			cust.values(survivor, fields), [cust.values(n, fields) for n in losers], fields, choices
		),
		survivor,
		losers,
	)
	changes = {f: [doc.get(f), v] for f, v in updates.items()}
	doc.update(updates)
	existing = {d.name for d in doc.get_all_children()}
	for fieldname, values in cust.rows_to_copy(doc, snapshots):
		doc.append(fieldname, values)
	if updates or len(doc.get_all_children()) > len(existing):
		doc.flags.ignore_permissions = True
		doc.save(ignore_version=False)
		recorder.add(
			[
				ManifestRow(d.doctype, d.name, "parent", "", survivor, "child")
				for d in doc.get_all_children()
				if d.name not in existing
			]
		)
	# Assignments follow the ToDos the merge moves: the survivor lists the losers' assignees too.
	assign = _union_assign(survivor, snapshots)
	if assign is not None:
		changes["_assign"] = [frappe.db.get_value("Customer", survivor, "_assign"), assign]
		frappe.db.set_value("Customer", survivor, "_assign", assign, update_modified=False)
	_set(log, survivor_changes=frappe.as_json(changes, indent=1))


def _union_assign(survivor: str, snapshots: list[dict]) -> str | None:
	mine = json.loads(frappe.db.get_value("Customer", survivor, "_assign") or "[]")
	theirs = [u for s in snapshots for u in json.loads(s.get("_assign") or "[]")]
	union = list(dict.fromkeys([*mine, *theirs]))
	return json.dumps(union) if union != mine else None


def _repoint(log: str, survivor: str, losers: list[str], recorder: _Recorder) -> int:
	fields = links.link_fields()
	total = max(1, sum(links.count_rows(losers, losers).values()))
	done = 0
	for lf in fields:
		previous = None
		while True:
			found = links.find_rows(lf, losers, losers, limit=REPOINT_BATCH, for_update=True)
			if not found:
				break
			if found == previous:  # an update that did not take (a trigger?): never loop forever
				raise frappe.ValidationError(_("Could not re-point {0}.{1}").format(lf.doctype, lf.field))
			previous = found
			rows = [links.planned_row(lf, name, value, survivor) for name, value in found]
			links.apply(rows)
			recorder.add(rows)
			done += len(rows)
			_publish(log, 5 + 85 * done / total, "Running", _("{0} of about {1} rows").format(done, total))
			_still(log, "Running")
			frappe.db.commit()
			lock.refresh([survivor, *losers], log)
	return done


def _finish(log: str, survivor: str, losers: list[str], moved: int) -> None:
	"""The timeline follows, the losers go, the log says Done: one transaction."""
	sources = frappe.db.sql(
		f"select distinct source_doctype, source_name from `tab{TIMELINE}` where customer in %(l)s",
		{"l": losers},
	)
	frappe.db.sql(
		f"update `tab{TIMELINE}` set customer = %(s)s where customer in %(l)s", {"s": survivor, "l": losers}
	)
	for loser in losers:
		# ERPNext's own checks run here: had any link been missed, deleting would fail and the merge with it.
		_delete_loser(loser)
	frappe.db.sql(f"update `tab{LOSER}` set deleted = 1 where parent = %s and parenttype = %s", (log, LOG))
	documents = frappe.db.sql(
		f"select count(distinct ref_doctype, ref_name) from `tab{ROW}` where parent = %s and parenttype = %s",
		(log, LOG),
	)[0][0]
	_set(
		log, finished=now_datetime(), progress=100, rows_moved=moved, documents_moved=documents, message="",
	)  # fmt: skip
	frappe.get_doc("Customer", survivor).add_comment(
		"Edit",
		_("merged {0} into {1} ({2})").format(_names(losers), _names([survivor]), escape_html(log)),
	)
	_reindex(merge_job_id(log), [tuple(s) for s in sources])


def reindex_job_id(job_id: str) -> str:
	return f"{job_id}:reindex"


def _reindex(job_id: str, items: list[tuple[str, str]]) -> None:
	"""Rebuild the timeline rows of these source documents (row names carry the customer) after commit, in one
	job with a known id so a caller (the tests) can wait for it."""
	frappe.enqueue(
		"customer_360.indexer.index_documents",
		queue="long",
		timeout=3600,
		job_id=reindex_job_id(job_id),
		enqueue_after_commit=True,
		items=sorted(set(items)),
	)


def _delete_loser(name: str) -> None:
	"""frappe.delete_doc, minus the background job that deletes the Comments, ToDos, Versions... still naming
	the deleted record (delete_dynamic_links): the merge re-pointed them all already, and should the job run
	late, after an undo, it would delete the restored customer's history. ERPNext's on_trash, the link checks
	(a link the scan missed stops the merge here), the Deleted Document entry and the rest run as usual."""
	from frappe.desk.doctype.tag.tag import delete_tags_for_document
	from frappe.model.delete_doc import (
		add_to_deleted_document,
		check_if_doc_is_dynamically_linked,
		check_if_doc_is_linked,
		delete_from_table,
	)
	from frappe.utils.global_search import delete_for_document

	doc = frappe.get_doc("Customer", name)
	doc.flags.ignore_permissions = True
	doc.run_method("on_trash")
	doc.flags.in_delete = True
	doc.run_method("on_change")
	check_if_doc_is_linked(doc)
	check_if_doc_is_dynamically_linked(doc)
	delete_from_table("Customer", name, [], doc)
	doc.run_method("after_delete")
	delete_for_document(doc)
	delete_tags_for_document(doc)
	add_to_deleted_document(doc)
	doc.clear_cache()


# ---------------------------------------------------------------- undo


def blockers(log: str) -> list:
	"""What makes undoing this log unsafe now (core.merge_plan.undo_blockers); empty when it may go ahead."""
	survivor, loser_rows = log_customers(log)
	rows = [r for r in manifest(log) if r.kind != "child"]
	current = links.current_values(rows)
	taken = {
		r.customer: bool(r.deleted) and bool(frappe.db.exists("Customer", r.customer)) for r in loser_rows
	}
	missing = [r.customer for r in loser_rows if r.deleted and not r.snapshot]
	found = undo_blockers(rows, current, bool(frappe.db.exists("Customer", survivor)), taken, survivor)
	for name in missing:
		found.insert(0, UndoBlocker("Customer", name, "", "snapshot", "none", "no snapshot to restore from"))
	return found


def run_undo(log: str) -> None:
	survivor, loser_rows = log_customers(log)
	losers = [r.customer for r in loser_rows]
	before = "Done" if any(r.deleted for r in loser_rows) else "Failed"
	try:
		refusal = _claim(log, [survivor, *losers], "Undoing")
	except _NotMine as e:
		frappe.db.rollback()
		frappe.logger("customer_360").info(f"undo job not run: {e}")
		return
	if refusal:
		frappe.db.rollback()
		_refuse(log, refusal, "Undoing", before)
		return
	try:
		found = blockers(log)
		if found:
			_set(log, status=before, message=_refusal(found))
			frappe.db.commit()
			_publish(log, 100, before, _("Undo refused"))
			return
		_publish(log, 0, "Undoing", _("Restoring"))
		for r in loser_rows:
			if r.deleted:
				cust.restore(r.snapshot)
				_mark_restored(r.customer)
		rows = manifest(log)
		links.apply(undo_plan([r for r in rows if r.kind != "child"]))
		for r in rows:
			if r.kind == "child":
				frappe.db.delete(r.doctype, {"name": r.name, "parent": survivor, "parenttype": "Customer"})
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
		moved = [(r.doctype, r.name) for r in rows if r.kind != "child"]
		frappe.clear_document_cache("Customer", survivor)
		frappe.get_doc("Customer", survivor).add_comment(
			"Edit",
			_("undid the merge of {0} into {1} ({2})").format(
				_names(losers), _names([survivor]), escape_html(log)
			),
		)
		_reindex(undo_job_id(log), [*map(tuple, sources), *moved])
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

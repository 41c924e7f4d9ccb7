"""The merge and undo jobs (RQ, queue "long"). The request validated, locked the customers and wrote the log;
these do the work and always release the locks.

Merge, in committed steps so the log's progress is real and the manifest always matches the database:
1. snapshot each loser (every child row, plus the health-score rows that cannot move) and apply the chosen
   field values and the losers' child rows to the survivor (validated by ERPNext's own Customer.save, so a
   bad combination fails before anything moves);
2. re-point, field by field (only the fields some row of a loser uses, found in one query), up to
   REPOINT_BATCH rows per transaction: the rows are written to the manifest straight from the table (INSERT ...
   SELECT), then updated by one UPDATE that must change exactly as many (see _repoint);
3. sweep (a row that came to point at a loser meanwhile moves too, recorded), move the timeline index, delete
   the losers, mark the log Done (one transaction).
A failure leaves the log Failed with what moved so far in its manifest; undo reverses exactly that.

A job first claims its log (customer_360.merge.state has the state machine): the log must still be in the state
the request left it in (a watchdog may have marked it Failed meanwhile) and the customers' locks must be its own
or free (they expire while a job waits in a long queue; another merge may hold them by then). A job that cannot
claim refuses and marks its log Failed; it never touches the customers. While it runs, each committed step
checks again that the log is still Running, so a job the watchdog gave up on stops at its next step.

The loser is deleted, as ERPNext's own merge (rename with merge) does, so it leaves link pickers, lists and
reports, and its name resolves to the survivor through the log (customer_360.facts.merges). Disabling it
instead would leave an empty twin in every list and a name nothing could reuse.

Undo runs in one transaction: restore each loser from its snapshot (same name, same child rows), put every
manifest row back, remove the copied child rows, and restore each survivor field nobody changed since.
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

from customer_360.core.merge_plan import ManifestRow, resolve_fields
from customer_360.merge import customer as cust
from customer_360.merge import links, lock
from customer_360.merge.log import (
	LOG,
	LOSER,
	TIMELINE,
	_publish,
	_set,
	log_customers,
	merge_job_id,
)

# The merge tool's entry points, wherever they live (api/merge.py, the tests and the benchmark use them here).
from customer_360.merge.log import ROW as ROW
from customer_360.merge.log import create_log as create_log
from customer_360.merge.log import enqueue as enqueue
from customer_360.merge.log import manifest as manifest
from customer_360.merge.log import undo_job_id as undo_job_id
from customer_360.merge.recorder import _Recorder
from customer_360.merge.steps import _Abandoned, _names, _reindex, _still, comment, start
from customer_360.merge.steps import reindex_job_id as reindex_job_id
from customer_360.merge.undo import blockers as blockers
from customer_360.merge.undo import run_undo as run_undo

# Rows re-pointed (and recorded) per transaction: one progress step, one commit. 50,000 rows hold their locks
# for a second or two; a customer with 10,000 documents (23,000 rows) moves in one step.
REPOINT_BATCH = 50_000
SAVEPOINT = "c360_merge_field"


def run_merge(log: str) -> None:
	survivor, loser_rows = log_customers(log)
	losers = [r.customer for r in loser_rows]
	if not start(log, [survivor, *losers], "Queued"):
		return
	isolation, recorder = "", None
	try:
		isolation = links.read_committed()  # from the next transaction on (see _repoint)
		_set(log, status="Running", started=now_datetime(), progress=0)
		frappe.db.commit()
		_publish(log, 1, "Running", _("Taking snapshots"))
		recorder = _Recorder(log)
		_prepare(log, survivor, loser_rows, recorder)
		_still(log, "Running")
		frappe.db.commit()
		moved = _repoint(log, survivor, losers, recorder)
		_finish(log, survivor, losers, moved, recorder)
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
		links.set_isolation(isolation)
		if recorder:
			recorder.close()
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
	mine = cust.values(survivor, fields)
	updates = cust.drop_self_links(
		resolve_fields(mine, [cust.values(n, fields) for n in losers], fields, choices), survivor, losers
	)
	changes = {f: [mine.get(f), v] for f, v in updates.items()}
	if updates or cust.have_child_rows(snapshots):
		_apply_to_survivor(survivor, updates, snapshots, recorder)
	# Assignments follow the ToDos the merge moves: the survivor lists the losers' assignees too.
	assign = _union_assign(survivor, snapshots)
	if assign is not None:
		changes["_assign"] = [frappe.db.get_value("Customer", survivor, "_assign"), assign]
		frappe.db.set_value("Customer", survivor, "_assign", assign, update_modified=False)
	_set(log, survivor_changes=frappe.as_json(changes, indent=1))


def _apply_to_survivor(survivor: str, updates: dict, snapshots: list[dict], recorder: _Recorder) -> None:
	"""The chosen values and the losers' child rows, through ERPNext's Customer.save (its validation), the
	rows it added recorded. Skipped when there is neither (loading the survivor cost more than the step)."""
	doc = frappe.get_doc("Customer", survivor)
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


def _union_assign(survivor: str, snapshots: list[dict]) -> str | None:
	mine = json.loads(frappe.db.get_value("Customer", survivor, "_assign") or "[]")
	theirs = [u for s in snapshots for u in json.loads(s.get("_assign") or "[]")]
	union = list(dict.fromkeys([*mine, *theirs]))
	return json.dumps(union) if union != mine else None


def _repoint(log: str, survivor: str, losers: list[str], recorder: _Recorder, commit: bool = True) -> int:
	"""Record and re-point every row pointing at a loser; committed every ~REPOINT_BATCH rows unless `commit`
	is off (the last step's sweep, in the caller's transaction). Returns the rows moved.

	Set-based: each batch is written to the manifest straight from the table (INSERT ... SELECT), then
	re-pointed by one UPDATE; no row travels through Python. Optimistic, as the job runs in READ COMMITTED
	(links.read_committed): the batch is recorded by a plain read, which takes no lock, and a field that fits
	in one batch is then moved by one UPDATE through its own index, which locks what it changes as ERPNext's
	rename does. That UPDATE must change exactly as many rows as were recorded; a row that came or went in the
	milliseconds between (a user saving one of these documents) makes the counts differ, and the field starts
	again from a savepoint the exact way: recorded FOR UPDATE (the rows cannot leave), then exactly those rows
	moved, joined to their names in the manifest, until none is left (a row that came meanwhile is recorded
	next time round). (Only one row coming and another going in those same milliseconds would cancel out: the
	manifest would name the one that went, which the undo reports as changed since, and miss the one that came.)
	A field with more rows than a batch moves batch by batch, each by joining its manifest names (a row that
	came meanwhile waits for the next batch; one that went sends the field the locked way). (Locking every
	field's rows FOR UPDATE before moving them cost as much as recording them; a shared lock costs less but
	lets a user's write to one of these rows deadlock, the user's transaction the victim.)"""
	# Only the fields some row of the losers uses, found in one round trip (links.pointing); the others
	# (most of the ~150) would cost two statements each for nothing.
	fields = links.pointing(links.link_fields(), losers, losers)
	done = pending = 0
	for position, lf in enumerate(fields, 1):
		exact = False
		while True:
			frappe.db.savepoint(SAVEPOINT)
			added = recorder.record_pointing(lf, losers, survivor, REPOINT_BATCH, lock=exact)
			if not added:
				break
			whole = added < REPOINT_BATCH and not exact
			if whole:
				moved = links.repoint_next(lf, losers, survivor)
			else:
				moved = recorder.repoint_recorded(lf, losers, survivor)
			if moved != added:
				if exact:
					# A locked, recorded row that did not change (a trigger?): the manifest would lie, and the
					# next batch would read the same rows again. The batch rolls back and the merge stops.
					raise frappe.ValidationError(_("Could not re-point {0}.{1}").format(lf.doctype, lf.field))
				frappe.db.rollback(save_point=SAVEPOINT)  # a row came or went: this field, the exact way
				recorder.forget(lf)
				exact = True
				continue
			done += added
			pending += added
			if commit and pending >= REPOINT_BATCH:
				# One commit per ~REPOINT_BATCH rows, small fields together: a commit (and its progress, check
				# and lock refresh) per field cost more than re-pointing the small ones.
				_step(log, survivor, losers, 5 + 85 * position / len(fields), done)
				pending = 0
			if whole:
				break
	if commit and pending:
		_step(log, survivor, losers, 90, done)
	return done


def _step(log: str, survivor: str, losers: list[str], percent: float, done: int) -> None:
	"""Commit what was re-pointed and recorded so far (the manifest matches the database at every commit)."""
	_publish(log, percent, "Running", _("{0} rows re-pointed").format(done))
	_still(log, "Running")
	frappe.db.commit()
	lock.refresh([survivor, *losers], log)


def _finish(log: str, survivor: str, losers: list[str], moved: int, recorder: _Recorder) -> None:
	"""The timeline follows, the losers go, the log says Done: one transaction."""
	# A row that came to point at a loser while the steps ran (an invoice saved meanwhile) moves too, in this
	# transaction: the sweep reads every row committed before it, which is what Frappe's delete checks
	# (check_if_doc_is_linked and ..._dynamically_linked, a query per field) would verify; they are skipped in
	# _delete_loser. A document saved onto a loser after the sweep read its field can still name it, as with
	# ERPNext's own rename: its link check read the loser before the delete. Locking the index gaps (REPEATABLE
	# READ) would not close that: the writer would wait for this commit, then save the link it had checked, and
	# the sweep's one-query probe of the fields (links.pointing) is a plain read that locks nothing anyway.
	moved += _repoint(log, survivor, losers, recorder, commit=False)
	held = links.singles_pointing(losers)
	if held:
		frappe.throw(
			_("{0} is still selected in {1}; clear it there, then merge again.").format(
				_names(losers), escape_html(", ".join(_(d) for d in held))
			),
			frappe.LinkExistsError,
		)
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
	_set(
		log, finished=now_datetime(), progress=100, rows_moved=moved, documents_moved=recorder.documents(),
		message="",
	)  # fmt: skip
	comment(
		survivor, _("merged {0} into {1} ({2})").format(_names(losers), _names([survivor]), escape_html(log))
	)
	_reindex(merge_job_id(log), [tuple(s) for s in sources])


def _delete_loser(name: str) -> None:
	"""frappe.delete_doc, minus the background job that deletes the Comments, ToDos, Versions... still naming
	the deleted record (delete_dynamic_links): the merge re-pointed them all already, and should the job run
	late, after an undo, it would delete the restored customer's history. Minus the link checks too: _finish
	has just moved every row of every link field (the same fields those checks read, found the same way) and
	checked the Singles, where they cost a query per field. They also counted our own merge logs naming the
	customer as a survivor, so a customer that once survived a merge could not be merged away.
	ERPNext's on_trash, the Deleted Document entry and the rest run as usual."""
	from frappe.desk.doctype.tag.tag import delete_tags_for_document
	from frappe.model.delete_doc import add_to_deleted_document, delete_from_table
	from frappe.utils.global_search import delete_for_document

	doc = frappe.get_doc("Customer", name)
	doc.flags.ignore_permissions = True
	doc.run_method("on_trash")
	doc.flags.in_delete = True
	doc.run_method("on_change")
	delete_from_table("Customer", name, [], doc)
	doc.run_method("after_delete")
	delete_for_document(doc)
	delete_tags_for_document(doc)
	add_to_deleted_document(doc)
	doc.clear_cache()

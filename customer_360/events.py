"""doc_events handlers. They run inside the ERP transaction, so they only remember which document changed;
the index is written by an RQ job enqueued AFTER the transaction commits. Nothing here may raise into the
ERP transaction: a failure is logged and the scheduled reconcile repairs the index later.
"""

import frappe

INDEX_JOB = "customer_360.indexer.index_documents"


def on_change(doc, method=None):
	_remember(((doc.doctype, doc.name),))


def on_rename(doc, method=None, old=None, new=None, merge=False):
	_remember(((doc.doctype, old), (doc.doctype, new)))


def _remember(items):
	try:
		if _disabled():
			return
		pending = getattr(frappe.local, "c360_pending", None)
		if pending is None:
			pending = frappe.local.c360_pending = set()
		if not pending:
			# First change in this transaction: flush once on commit, forget on rollback.
			frappe.db.after_commit.add(_flush)
			frappe.db.after_rollback.add(_forget)
		pending.update((dt, name) for dt, name in items if name)
	except Exception:
		frappe.log_error("customer_360: could not record a timeline change")


def _disabled() -> bool:
	flags = frappe.flags
	# Install/migrate/patches: the backfill covers them. The benchmark switches hooks off to measure overhead.
	return bool(flags.in_install or flags.in_migrate or flags.in_patch or flags.c360_hooks_off)


def _forget():
	frappe.local.c360_pending = set()


def _flush():
	pending, frappe.local.c360_pending = frappe.local.c360_pending, set()
	if not pending:
		return
	try:
		_enqueue(sorted(pending))
	except Exception:
		# Redis down: the ERP transaction already committed; reconcile will index these documents.
		frappe.log_error("customer_360: could not enqueue timeline indexing")


def _enqueue(items):
	job = frappe.enqueue(INDEX_JOB, queue="short", items=items)
	if frappe.flags.in_test and job is not None:
		# Integration tests wait for exactly the jobs their commits caused (customer_360.tests.jobs).
		frappe.local.c360_test_jobs = [*getattr(frappe.local, "c360_test_jobs", []), job.id]

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
		_changed()  # this transaction's own reads (after the change) must not come from the cache
	except Exception:
		frappe.log_error("customer_360: could not record a timeline change")


def _changed():
	"""The cached per-customer reads (customer_360.cache) are keyed by the index version: a bump makes them
	stale. Bumped at once, and again after commit or rollback, so no entry computed while the transaction was
	open outlives it; the index job bumps once more when the timeline has the change."""
	from customer_360.indexer.store import bump_version

	bump_version()


def _disabled() -> bool:
	flags = frappe.flags
	# Install/migrate/patches: the backfill covers them. The benchmark switches hooks off to measure overhead.
	return bool(flags.in_install or flags.in_migrate or flags.in_patch or flags.c360_hooks_off)


def _forget():
	frappe.local.c360_pending = set()
	try:
		_changed()
	except Exception:
		frappe.log_error("customer_360: could not invalidate the 360 cache")


def _flush():
	pending, frappe.local.c360_pending = frappe.local.c360_pending, set()
	if not pending:
		return
	try:
		_changed()
		_enqueue(sorted(pending))
	except Exception:
		# Redis down: the ERP transaction already committed; reconcile will index these documents.
		frappe.log_error("customer_360: could not enqueue timeline indexing")


def _enqueue(items):
	job = frappe.enqueue(INDEX_JOB, queue="short", items=items)
	if frappe.flags.in_test and job is not None:
		# Integration tests wait for exactly the jobs their commits caused (customer_360.tests.jobs).
		frappe.local.c360_test_jobs = [*getattr(frappe.local, "c360_test_jobs", []), job.id]


# ---------------------------------------------------------------- documents that change without their own hooks


def on_stock_voucher(doc, method=None):
	"""Delivery Note / Sales Invoice submitted or cancelled: ERPNext sets (or clears) the customer and warranty
	of the delivered serial numbers with a raw UPDATE, which fires no Serial No hook and leaves its `modified`
	alone (so reconcile would not see it either): re-index those serials too."""
	try:
		if _disabled():
			return
		# Most vouchers carry no serial numbers: no query for them. (Cancelling clears the rows' bundle links
		# first, so a cancellation always asks; it is rare.)
		rows = doc.get("items") or ()
		if method != "on_cancel" and not any(
			d.get("serial_and_batch_bundle") or d.get("serial_no") for d in rows
		):
			return
		bundles = frappe.get_all(
			"Serial and Batch Bundle",
			filters={"voucher_type": doc.doctype, "voucher_no": doc.name},
			pluck="name",
		)
		if bundles:
			serials = frappe.get_all(
				"Serial and Batch Entry",
				filters={"parent": ["in", bundles], "serial_no": ["is", "set"]},
				pluck="serial_no",
			)
			_remember(("Serial No", s) for s in set(serials))
	except Exception:
		frappe.log_error("customer_360: could not record a voucher's serial numbers")


def on_project_change(doc, method=None):
	"""A project's tasks reach the customer through it (sources/task.py): when its customer changes, so do theirs."""
	try:
		if _disabled() or not doc.has_value_changed("customer"):
			return
		_remember(("Task", t) for t in frappe.get_all("Task", filters={"project": doc.name}, pluck="name"))
	except Exception:
		frappe.log_error("customer_360: could not record a project's tasks")

"""doc_events handlers. They run inside the ERP transaction, so they only remember which documents changed (and
what heavier work should follow, such as a customer's health recompute); after the transaction commits, ONE RQ
job is enqueued for all of it: it indexes the documents, then queues the follow-ups, each deduplicated by its job
id. Nothing here may raise into the ERP transaction: a failure is logged and the scheduled reconcile (and the
nightly health recompute) repairs it later.

What a submit pays for the app (`bench customer-360 benchmark --rows submit`): no SQL and no Redis call in the
hooks, and after commit one version bump (customer_360.cache) plus one enqueue.
"""

import frappe

from customer_360 import cache

INDEX_JOB = "customer_360.indexer.index_documents"


def on_change(doc, method=None):
	_remember(((doc.doctype, doc.name),))


def on_rename(doc, method=None, old=None, new=None, merge=False):
	_remember(((doc.doctype, old), (doc.doctype, new)))


def after_index(function: str, arg: str, job_id: str) -> None:
	"""Once this transaction commits, the index job it queues calls `function(arg)` after indexing: a
	deduplicated enqueue of heavier work (risk_health.job.enqueue_recompute, first_contact.queue_lead_history),
	which then reads the index with the change in it, and costs the request no enqueue of its own. `job_id` is
	the id of the job that function queues (integration tests wait for it)."""
	if arg:
		_remember((), {(function, arg): job_id})


def _remember(items, follow_ups=None):
	"""Note (doctype, name) pairs to re-index, and follow-ups, until this transaction commits. Memory only: the
	hooks of one submit run a dozen times, and each would otherwise pay a round trip."""
	try:
		if _disabled():
			return
		items = {(dt, name) for dt, name in items if name}
		if not items and not follow_ups:
			return
		local = frappe.local
		if getattr(local, "c360_pending", None) is None:
			local.c360_pending, local.c360_follow_ups = set(), {}
		if not local.c360_pending and not local.c360_follow_ups:
			# First change in this transaction: flush once on commit, forget on rollback.
			frappe.db.before_commit.add(_flush_last)
			frappe.db.after_rollback.add(_forget)
			cache.changing()
		local.c360_pending.update(items)
		local.c360_follow_ups.update(follow_ups or {})
	except Exception:
		frappe.log_error("customer_360: could not record a timeline change")


def _disabled() -> bool:
	flags = frappe.flags
	# Install/migrate/patches: the backfill covers them. The benchmark switches hooks off to measure overhead.
	return bool(flags.in_install or flags.in_migrate or flags.in_patch or flags.c360_hooks_off)


def _forget():
	frappe.local.c360_pending, frappe.local.c360_follow_ups = set(), {}
	cache.rolled_back()


def _flush_last():
	"""Just before COMMIT: queue the flush behind every after-commit callback already there (Frappe's realtime
	messages, ERPNext's own), so the worker this enqueue wakes does not compete with the rest of the request."""
	frappe.db.after_commit.add(_flush)


def _flush():
	local = frappe.local
	pending, follow_ups = getattr(local, "c360_pending", None), getattr(local, "c360_follow_ups", None)
	local.c360_pending, local.c360_follow_ups = set(), {}
	if not pending and not follow_ups:
		return
	try:
		# Entries cached before this commit are stale now (money figures read the ERP tables directly); the
		# index job bumps again once the timeline has the change.
		cache.committed()
	except Exception:
		frappe.log_error("customer_360: could not invalidate the 360 cache")
	try:
		_enqueue(sorted(pending), follow_ups or {})
	except Exception:
		# Redis down: the ERP transaction already committed; reconcile will index these documents.
		frappe.log_error("customer_360: could not enqueue timeline indexing")


def _enqueue(items, follow_ups: dict):
	calls = sorted([function, arg] for function, arg in follow_ups)
	job = frappe.enqueue(INDEX_JOB, queue="short", items=items, **({"then": calls} if calls else {}))
	if frappe.flags.in_test and job is not None:
		# Integration tests wait for exactly the jobs their commits caused (customer_360.tests.jobs): the index
		# job, then the jobs it queues (in this order: it queues them before it finishes).
		from frappe.utils.background_jobs import create_job_id

		ids = [job.id, *(create_job_id(follow_ups[tuple(c)]) for c in calls)]
		frappe.local.c360_test_jobs = [*getattr(frappe.local, "c360_test_jobs", []), *ids]


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

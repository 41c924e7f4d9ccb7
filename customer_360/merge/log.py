"""The merge log: job ids, queueing, the log's rows (customers, manifest), its status fields and the
progress published to the page."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import now_datetime
from pymysql.converters import escape_string

from customer_360.core.merge_plan import ManifestRow
from customer_360.merge import lock

LOG = "Customer Merge Log"
ROW = "Customer Merge Log Row"
LOSER = "Customer Merge Log Loser"
PROGRESS_EVENT = "customer_360_merge_progress"
TIMELINE = "Customer Timeline Event"
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

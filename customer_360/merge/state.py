"""The merge state machine outside the job: which customers are busy, and the watchdog for dead jobs.

Queued -> Running -> Done | Failed          (the merge job, customer_360.merge.job.run_merge)
Done | Failed -> Undoing -> Undone | back   (the undo job; a refused or failed undo goes back where it was)

A log in Queued, Running or Undoing keeps its customers busy from the request on, however long the queue
takes: the database says so, not only the Redis lock (which may expire while the job waits). A job dies
without a word when its worker is killed; the watchdog (every few minutes, and on every read of a busy log)
asks RQ about the job and marks a dead merge Failed (undo then puts back what moved, or merge again) and a
dead undo back to its state before the undo (the undo is one transaction: nothing changed).
"""

from __future__ import annotations

from collections.abc import Iterable

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from customer_360.core.merge_plan import job_is_dead
from customer_360.merge import lock

LOG = "Customer Merge Log"
LOSER = "Customer Merge Log Loser"
BUSY = ("Queued", "Running", "Undoing")
# Seconds a log may wait for its job to appear in Redis (enqueued after the request commits).
GRACE = 120
# Seconds without a heartbeat after which a started job's worker is taken for dead (RQ beats every 30 s).
STALE = 180


def busy_logs(customers: Iterable[str]) -> dict[str, set[str]]:
	"""{log: the given customers it involves} for every Queued, Running or Undoing log naming one of them."""
	names = sorted({c for c in customers if c})
	if not names:
		return {}
	rows = frappe.db.sql(
		f"""select l.name, l.survivor, x.customer from `tab{LOG}` l
		left join `tab{LOSER}` x on x.parent = l.name and x.parenttype = %(log)s
		where l.status in %(busy)s and (l.survivor in %(names)s or x.customer in %(names)s)""",
		{"log": LOG, "busy": BUSY, "names": names},
	)
	out: dict[str, set[str]] = {}
	wanted = set(names)
	for log, survivor, loser in rows:
		out.setdefault(log, set()).update({survivor, loser} & wanted)
	return out


def busy_customers(customers: Iterable[str]) -> set[str]:
	"""The customers a merge or undo has not finished with: a busy log (unless its job died: the watchdog
	answers first), or a Redis lock whose owner is not a finished log (a request being committed now)."""
	customers = [c for c in customers if c]
	busy = set()
	for log, involved in busy_logs(customers).items():
		if not reap(log):
			busy |= involved
	for customer, owner in lock.owners(customers).items():
		status = frappe.db.get_value(LOG, owner, "status")
		if status and status not in BUSY:
			lock.release([customer], owner)  # a finished log's leftover lock
		else:
			busy.add(customer)
	return busy


# ---------------------------------------------------------------- watchdog


def job_id(log: str, status: str) -> str:
	from customer_360.merge.log import merge_job_id, undo_job_id

	return undo_job_id(log) if status == "Undoing" else merge_job_id(log)


def _rq_state(job_name: str) -> tuple[str | None, bool | None, float | None]:
	"""(status, worker alive, seconds since the job's last heartbeat) of an RQ job; status None if absent."""
	from frappe.utils.background_jobs import create_job_id, get_redis_conn
	from rq.job import Job

	conn = get_redis_conn()
	try:
		rq_job = Job.fetch(create_job_id(job_name), connection=conn)
		status = rq_job.get_status()
	except Exception:  # NoSuchJobError, or a job record without data
		return None, None, None
	status = getattr(status, "value", status)
	worker_alive = None
	worker_name = getattr(rq_job, "worker_name", None)
	if status == "started" and worker_name:
		worker_alive = bool(conn.exists(f"rq:worker:{worker_name}"))
	heartbeat = getattr(rq_job, "last_heartbeat", None)
	age = None
	if heartbeat:
		from datetime import datetime, timezone

		if heartbeat.tzinfo is None:
			heartbeat = heartbeat.replace(tzinfo=timezone.utc)
		age = (datetime.now(timezone.utc) - heartbeat).total_seconds()
	return str(status), worker_alive, age


def _since(row) -> float:
	"""Seconds the log has been in its busy state."""
	if row.status == "Running" and row.started:
		start = row.started
	elif row.status == "Undoing":
		start = row.modified
	else:
		start = row.creation
	return (now_datetime() - get_datetime(start)).total_seconds()


def is_dead(log: str) -> bool:
	row = frappe.db.get_value(LOG, log, ["name", "status", "creation", "modified", "started"], as_dict=True)
	if not row or row.status not in BUSY:
		return False
	status, worker_alive, heartbeat_age = _rq_state(job_id(log, row.status))
	return job_is_dead(
		status,
		seconds_in_state=_since(row),
		worker_alive=worker_alive,
		heartbeat_age=heartbeat_age,
		grace=GRACE,
		stale=STALE,
	)


def reap(log: str) -> bool:
	"""Mark the log of a dead job (see the module); True if it was dead. Safe against a job that finishes
	meanwhile: the update only applies to the state the watchdog saw (read again under the row lock)."""
	if not is_dead(log):
		return False
	row = frappe.db.get_value(LOG, log, ["status"], as_dict=True, for_update=True)
	if not row or row.status not in BUSY:
		return False
	from customer_360.merge.log import log_customers

	survivor, loser_rows = log_customers(log)
	if row.status == "Undoing":
		status = "Done" if any(r.deleted for r in loser_rows) else "Failed"
		message = _("The undo stopped (its background job is gone) and changed nothing. Undo again.")
	else:
		status = "Failed"
		message = _(
			"The merge stopped (its background job is gone). Undo puts back what moved; or merge again."
		)
	frappe.db.sql(
		f"update `tab{LOG}` set status = %s, message = %s, finished = %s where name = %s and status = %s",
		(status, message, now_datetime(), log, row.status),
	)
	frappe.db.commit()
	lock.release([survivor, *(r.customer for r in loser_rows)], log)
	return True


def watchdog() -> list[str]:
	"""Scheduled (hooks.py, cron): every busy log whose job died is marked. Returns the logs it marked."""
	marked = []
	for log in frappe.get_all(LOG, filters={"status": ["in", BUSY]}, pluck="name", order_by="creation asc"):
		try:
			if reap(log):
				marked.append(log)
		except Exception:
			frappe.db.rollback()
			frappe.log_error(
				f"customer_360: merge watchdog on {log}", reference_doctype=LOG, reference_name=log
			)
	return marked

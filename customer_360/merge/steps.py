"""What the merge and undo jobs share: claiming the log (or refusing it), checking it is still theirs between
steps, and re-indexing the timeline of the documents they moved (see customer_360.merge.job)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

from customer_360.merge import lock
from customer_360.merge.log import LOG, _publish


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


def start(log: str, customers: list[str], expected: str, refused: str = "Failed") -> bool:
	"""Claim the log for the job that runs from `expected`; False when it must not run: the log is not
	`expected` (left alone), or the customers are taken (the log becomes `refused`, with the reason)."""
	try:
		refusal = _claim(log, customers, expected)
	except _NotMine as e:
		frappe.db.rollback()
		frappe.logger("customer_360").info(f"job for {expected} log not run: {e}")
		return False
	if refusal:
		frappe.db.rollback()
		_refuse(log, refusal, expected, refused)
	return not refusal


def _still(log: str, status: str) -> None:
	"""Under the log's row lock: the log is still in `status`, else stop (the caller rolls back)."""
	if frappe.db.get_value(LOG, log, "status", for_update=True) != status:
		raise _Abandoned(log)


def comment(customer: str, text: str) -> None:
	"""What Document.add_comment writes (an Edit comment on the customer's timeline), without loading the
	customer and its child tables first."""
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Edit",
			"comment_email": frappe.session.user,
			"reference_doctype": "Customer",
			"reference_name": customer,
			"content": text,
		}
	).insert(ignore_permissions=True)


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

"""What the app's hooks cost a Sales Invoice submit: the same invoice submitted with and without them.

"Without" removes only customer_360's handlers from the doc_events Frappe resolved for this process; ERPNext's
own stay. Runs alternate (with, without, with, ...) so cache warm-up and table growth hit both sides alike, and each
run starts once the RQ queues are idle: on a two-core machine the jobs the previous "with" submit queued would
otherwise run during the next "without" one and make the app look free. The app's work after commit (the RQ
jobs) is not in the request and not in this figure; the backfill and health figures measure that work.
"""

from __future__ import annotations

import statistics
import time

import frappe
from frappe.utils import add_days, nowdate

ITEM = "C360-SCALE-SERVICE"


def _without_app_hooks() -> dict:
	hooks = frappe.get_doc_hooks()
	return {
		doctype: {
			event: [h for h in handlers if not h.startswith("customer_360.")]
			for event, handlers in events.items()
		}
		for doctype, events in hooks.items()
	}


def _submit_once(customer: str, company: str) -> float:
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": company,
			"due_date": add_days(nowdate(), 30),
			"items": [{"item_code": ITEM, "qty": 1, "rate": 100}],
			"taxes_and_charges": "",
			"taxes": [],
		}
	)
	t = time.perf_counter()
	doc.insert(ignore_permissions=True)
	doc.submit()
	frappe.db.commit()  # the app's after-commit work (enqueueing) is part of what a request pays
	return (time.perf_counter() - t) * 1000


def _wait_idle(timeout: float = 60) -> None:
	from frappe.utils.background_jobs import get_queue, get_queue_list, get_workers
	from rq.registry import StartedJobRegistry

	if not get_workers():
		return  # nothing would drain the queues: submit_overhead says so instead of waiting a minute a run
	deadline = time.monotonic() + timeout
	queues = [get_queue(q) for q in get_queue_list()]
	while time.monotonic() < deadline:
		if all(q.count == 0 and StartedJobRegistry(queue=q).count == 0 for q in queues):
			return
		time.sleep(0.05)


def submit_overhead(customer: str, company: str, runs: int = 20) -> dict:
	from frappe.utils.background_jobs import get_workers

	frappe.set_user("Administrator")
	if not get_workers():
		print("submit row: no RQ worker is running, so the app's queued jobs are not drained between runs")
	with_app = frappe.get_doc_hooks()
	without_app = _without_app_hooks()
	timings = {"with": [], "without": []}
	for i in range(2 * runs + 2):
		side = "with" if i % 2 == 0 else "without"
		frappe.local.doc_events_hooks = with_app if side == "with" else without_app
		_wait_idle()
		ms = _submit_once(customer, company)
		if i >= 2:  # the first pair warms caches
			timings[side].append(ms)
	frappe.local.doc_events_hooks = with_app
	with_ms = statistics.median(timings["with"])
	without_ms = statistics.median(timings["without"])
	return {
		"runs": runs,
		"with_app_ms": round(with_ms, 1),
		"without_app_ms": round(without_ms, 1),
		"overhead_pct": round(100 * (with_ms - without_ms) / without_ms, 1),
		"rq_worker": bool(get_workers()),
	}

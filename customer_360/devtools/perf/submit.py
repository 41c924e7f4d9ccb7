"""What the app's hooks cost a Sales Invoice submit: the same invoice submitted with and without them.

"Without" removes only customer_360's handlers from the doc_events Frappe resolved for this process; ERPNext's
own stay. Each run starts once the RQ queues are idle and the workers are idle: on a two-core machine the jobs
the previous "with" submit queued would otherwise run during the next submit. The sides alternate in ABBA order
(with, without, without, with, ...), so whatever a run leaves behind (a worker winding down, MariaDB flushing)
falls on both sides alike, and the overhead is the median of the paired differences (each "with" run against the
"without" run next to it), which a machine whose load drifts during the row biases far less than two medians.
The app's work after commit (the RQ jobs) is not in the request and not in this figure; the backfill and health
figures measure that work.
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


def _submit_once(customer: str, company: str) -> tuple[float, float]:
	"""(wall ms, this process's CPU ms) of one insert + submit + commit."""
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
	t, cpu = time.perf_counter(), time.process_time()
	doc.insert(ignore_permissions=True)
	doc.submit()
	frappe.db.commit()  # the app's after-commit work (enqueueing) is part of what a request pays
	return (time.perf_counter() - t) * 1000, (time.process_time() - cpu) * 1000


def _wait_idle(timeout: float = 60) -> None:
	from frappe.utils.background_jobs import get_queue, get_queue_list, get_workers
	from rq.registry import StartedJobRegistry

	if not get_workers():
		return  # nothing would drain the queues: submit_overhead says so instead of waiting a minute a run
	deadline = time.monotonic() + timeout
	queues = [get_queue(q) for q in get_queue_list()]
	while time.monotonic() < deadline:
		if all(q.count == 0 and StartedJobRegistry(queue=q).count == 0 for q in queues) and all(
			w.get_state() != "busy" for w in get_workers()
		):
			return
		time.sleep(0.05)


_ABBA = ("with", "without", "without", "with")


def submit_overhead(customer: str, company: str, runs: int = 20) -> dict:
	from frappe.utils.background_jobs import get_workers

	frappe.set_user("Administrator")
	if not get_workers():
		print("submit row: no RQ worker is running, so the app's queued jobs are not drained between runs")
	with_app = frappe.get_doc_hooks()
	without_app = _without_app_hooks()
	timings = {"with": [], "without": []}
	cpu = {"with": [], "without": []}
	runs += runs % 2  # whole ABBA blocks
	for i in range(2 * runs + 4):
		side = _ABBA[i % 4]
		frappe.local.doc_events_hooks = with_app if side == "with" else without_app
		_wait_idle()
		ms, cpu_ms = _submit_once(customer, company)
		if i >= 4:  # the first block warms caches
			timings[side].append(ms)
			cpu[side].append(cpu_ms)
	frappe.local.doc_events_hooks = with_app
	with_ms = statistics.median(timings["with"])
	without_ms = statistics.median(timings["without"])
	return {
		"runs": runs,
		"with_app_ms": round(with_ms, 1),
		"without_app_ms": round(without_ms, 1),
		"overhead_ms": round(_paired(timings), 1),
		"overhead_pct": round(100 * _paired(timings) / without_ms, 1),
		# This process's CPU only (not MariaDB's or Redis's): what the hooks themselves cost, and the figure a
		# loaded machine disturbs least.
		"with_app_cpu_ms": round(statistics.median(cpu["with"]), 1),
		"without_app_cpu_ms": round(statistics.median(cpu["without"]), 1),
		"cpu_overhead_ms": round(_paired(cpu), 1),
		"rq_worker": bool(get_workers()),
	}


def _paired(values: dict) -> float:
	"""Median of (with - without) over neighbouring runs: in each ABBA block the first "with" against the first
	"without", the second against the second."""
	return statistics.median(w - wo for w, wo in zip(values["with"], values["without"], strict=True))

"""Wait for the app's RQ jobs in integration tests.

The timeline is written by RQ jobs enqueued after commit, so a test commits, then waits until a real worker
has drained the queues. `.ci/run` starts `bench worker`; when none is running (a developer's ad-hoc run) a
burst worker is started for the duration of the wait.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import frappe
from frappe.utils.background_jobs import get_queue, get_workers
from rq.registry import StartedJobRegistry

QUEUES = ("short", "default", "long")


def _busy() -> int:
	n = 0
	for name in QUEUES:
		q = get_queue(name)
		n += q.count + StartedJobRegistry(queue=q).count
	return n


def wait_for_jobs(timeout: float = 120) -> None:
	frappe.db.commit()
	if not get_workers():
		bench_sites = os.path.abspath(os.path.join(frappe.get_app_path("frappe"), "..", "..", "..", "sites"))
		subprocess.run(
			[
				sys.executable,
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"worker",
				"--burst",
				"--queue",
				",".join(QUEUES),
			],
			cwd=bench_sites,
			check=True,
			timeout=timeout,
			capture_output=True,
		)
	deadline = time.monotonic() + timeout
	while _busy():
		if time.monotonic() > deadline:
			raise AssertionError(f"RQ jobs still pending after {timeout}s")
		time.sleep(0.2)
	# The worker committed in its own connection; start a fresh snapshot to read it.
	frappe.db.commit()

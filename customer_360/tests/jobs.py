"""Wait for the app's RQ jobs in integration tests.

The timeline is written by RQ jobs enqueued after commit, so a test commits, then waits until a real worker
has finished exactly the jobs that commit caused. `.ci/run` starts `bench worker`; when none is running
(a developer's ad-hoc run) a burst worker is run for the wait.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import frappe
from frappe.utils.background_jobs import create_job_id, get_redis_conn, get_workers
from rq.job import Job, JobStatus

QUEUES = ("short", "default", "long")
_DONE = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


def wait_for_jobs(*job_ids: str, timeout: float = 180) -> None:
	"""Commit, then wait for the indexing jobs this process enqueued (plus `job_ids`, unprefixed)."""
	frappe.db.commit()
	ids = [*getattr(frappe.local, "c360_test_jobs", []), *(create_job_id(j) for j in job_ids)]
	frappe.local.c360_test_jobs = []
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
	conn = get_redis_conn()
	deadline = time.monotonic() + timeout
	for job_id in ids:
		while True:
			try:
				status = Job.fetch(job_id, connection=conn).get_status()
			except Exception:  # expired from Redis: it finished long ago
				break
			if status in _DONE:
				if status != JobStatus.FINISHED:
					raise AssertionError(f"job {job_id} ended {status}")
				break
			if time.monotonic() > deadline:
				raise AssertionError(f"job {job_id} still {status} after {timeout}s")
			time.sleep(0.1)
	# The worker committed in its own connection; start a fresh snapshot to read it.
	frappe.db.commit()

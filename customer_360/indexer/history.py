"""Backfill: index all history, source by source, resumable, in parallel lanes, with progress."""

from __future__ import annotations

import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

import frappe

from customer_360.indexer.live import retrying_deadlocks
from customer_360.indexer.store import (
	BATCH,
	build_events,
	bump_version,
	get_source,
	get_sources,
	read_rows,
	write_events,
	write_events_sql,
)
from customer_360.sources import Source

BACKFILL_JOB = "customer_360:backfill"
_STATE_KEY = "customer_360:backfill_state"  # hash: source doctype -> last name indexed, or _DONE
_DONE = "done"
_PROGRESS_TITLE = "Customer 360 backfill"


# Parallel lanes: one INSERT ... SELECT keeps one MariaDB core busy, so a second connection working on another
# source uses the second core. More lanes than database cores only queue up.
DEFAULT_WORKERS = 2


def enqueue_backfill(restart: bool = False) -> None:
	if restart:
		frappe.cache.delete_value(_STATE_KEY)
	frappe.enqueue(
		"customer_360.indexer.backfill",
		queue="long",
		timeout=4 * 3600,
		job_id=BACKFILL_JOB,
		deduplicate=True,
		enqueue_after_commit=True,
		workers=DEFAULT_WORKERS,
	)


SQL_BATCH = 10_000


def _backfill_batch_sql(source: Source, after: str) -> tuple[int, str | None]:
	"""Index the next SQL_BATCH source rows after `after` in one pass inside MariaDB."""
	rows = frappe.db.sql(
		f"select name from `tab{source.doctype}` where ({source.where}) and name > %(after)s order by name"
		f" limit {SQL_BATCH}",
		{"after": after},
		pluck=True,
	)
	if not rows:
		return 0, None
	upto = rows[-1]
	retrying_deadlocks(
		lambda: write_events_sql(
			source,
			lambda c: f"{c} > %(after)s and {c} <= %(upto)s",
			{"after": after, "upto": upto},
		)
	)
	return len(rows), upto


def reindex_sql(source: Source) -> None:
	"""Index one source's whole history set-based, committing after each batch: for patches that bring a new
	source (or a new column) onto a site that already has an index. Idempotent: it rewrites the same rows."""
	after = ""
	while True:
		documents, last = _backfill_batch_sql(source, after)
		if not documents:
			break
		frappe.db.commit()
		after = last
	bump_version()


def _backfill_batch_python(source: Source, after: str) -> tuple[int, str | None, int]:
	rows = read_rows(source, "name > %(after)s", {"after": after}, limit=BATCH)
	if not rows:
		return 0, None, 0
	return len(rows), rows[-1]["name"], write_events(build_events(source, rows))


def backfill_source(doctype: str, done: list | None = None) -> dict:
	"""Index one source's history in name order, committing and saving the position after every batch, so a
	killed job resumes where it stopped. `done` (shared with the caller) receives documents as they finish."""
	source = get_source(doctype)
	after = frappe.cache.hget(_STATE_KEY, doctype) or ""
	totals = {"events": 0, "documents": 0}
	while True:
		if source.sql_events:
			documents, last = _backfill_batch_sql(source, after)
		else:
			documents, last, events = _backfill_batch_python(source, after)
			totals["events"] += events
		if not documents:
			break
		after = last
		totals["documents"] += documents
		frappe.cache.hset(_STATE_KEY, doctype, after)
		frappe.db.commit()
		bump_version()
		if done is not None:
			done.append(documents)
	if source.sql_events:
		# Set-based upserts do not count their rows one by one (MariaDB reports 2 per updated row): count the
		# source's events once it is done.
		totals["events"] = frappe.db.count("Customer Timeline Event", {"source_doctype": doctype})
	frappe.cache.hset(_STATE_KEY, doctype, _DONE)
	frappe.db.commit()
	return totals


def _in_site(site: str, sites_path: str, user: str, fn, *args):
	"""Run fn in this thread with its own site context and database connection."""
	frappe.init(site=site, sites_path=sites_path)
	try:
		frappe.connect()
		frappe.set_user(user)
		return fn(*args)
	finally:
		frappe.destroy()


def _rows_estimate(doctype: str) -> int:
	return frappe.db.sql(
		"select coalesce(table_rows, 0) from information_schema.tables"
		" where table_schema = database() and table_name = %s",
		f"tab{doctype}",
	)[0][0]


def backfill(progress: bool = True, workers: int = 1) -> dict:
	"""Index all history, source by source, in `workers` parallel lanes (each its own connection), biggest
	sources first. Resumable per source; re-running a finished backfill rewrites the same rows.

	With workers=1 everything runs on the caller's connection (so it sees the caller's uncommitted rows)."""
	pending = [s.doctype for s in get_sources() if frappe.cache.hget(_STATE_KEY, s.doctype) != _DONE]
	pending.sort(key=_rows_estimate, reverse=True)
	started = time.monotonic()
	done: list[int] = []
	results = []
	if workers <= 1 or len(pending) <= 1:
		results = [backfill_source(doctype, done) for doctype in pending]
	else:
		context = (frappe.local.site, frappe.local.sites_path, frappe.session.user)
		with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="c360-backfill") as pool:
			futures = [pool.submit(_in_site, *context, backfill_source, d, done) for d in pending]
			while not all(f.done() for f in futures):
				wait(futures, timeout=2, return_when=FIRST_EXCEPTION)
				if progress:
					_publish(sum(done), sum(f.done() for f in futures), len(futures))
			results = [f.result() for f in futures]  # re-raises a lane's error
	frappe.cache.delete_value(_STATE_KEY)
	totals = {
		"events": sum(r["events"] for r in results),
		"documents": sum(r["documents"] for r in results),
		"sources": len(results),
		"workers": max(1, min(workers, len(pending))),
		"seconds": round(time.monotonic() - started, 3),
	}
	if progress:
		frappe.publish_progress(percent=100, title=_PROGRESS_TITLE, description="done")
	return totals


def _publish(documents: int, finished: int, total: int) -> None:
	frappe.publish_progress(
		percent=100 * finished / max(total, 1),
		title=_PROGRESS_TITLE,
		description=f"{finished} of {total} sources, {documents} documents",
	)

"""Live indexing: the RQ job (and direct call) that re-indexes the documents a hook saw change."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Iterable

import frappe

from customer_360.indexer.store import (
	TABLE,
	build_events,
	bump_version,
	get_source,
	read_rows,
	replace_events,
)

DEADLOCK_RETRIES = 5


def index_documents(items: Iterable[Iterable[str]], then: Iterable[Iterable[str]] = ()) -> int:
	"""RQ job (and direct call): re-index the given (doctype, name) pairs; deleted ones lose their events. Then
	call each [function, arg] of `then` (events.after_index: the deduplicated enqueue of a follow-up such as a
	health recompute), so a request enqueues this one job only, and the follow-ups read the index with the change.

	Several workers indexing neighbouring rows lock each other's index gaps, and MariaDB aborts one of them
	with a deadlock. The aborted transaction rolled back completely and the rows are a pure function of the
	source documents, so it is simply done again (a lost job would leave the timeline short until reconcile)."""
	items = [tuple(item) for item in items]
	try:
		return retrying_deadlocks(lambda: _index_documents(items))
	except Exception:
		frappe.db.rollback()  # a failed index write does not keep the follow-ups from being queued
		raise
	finally:
		_follow_up(then)


def _follow_up(calls: Iterable[Iterable[str]]) -> None:
	calls = [tuple(c) for c in calls or ()]
	if not calls:
		return
	for function, arg in calls:
		try:
			if not function.startswith("customer_360."):  # only the app's own, whatever a job's payload says
				raise ValueError(function)
			frappe.get_attr(function)(arg)
		except Exception:  # the nightly recompute and reconcile cover a lost follow-up
			frappe.log_error(f"customer_360: could not queue {function}")
	frappe.db.commit()  # the follow-ups enqueue after commit; the index rows were committed already


def retrying_deadlocks(write):
	"""Runs `write` (one transaction's worth of index writes) again after a deadlock, with a short backoff:
	MariaDB rolled the aborted transaction back completely, and what it writes is a pure function of the
	source rows. The backfill's lanes meet the same gap locks as live jobs do."""
	for attempt in range(1, DEADLOCK_RETRIES + 1):
		try:
			return write()
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == DEADLOCK_RETRIES:
				raise
			time.sleep(random.uniform(0.05, 0.25) * attempt)


def _index_documents(items: list[tuple[str, str]]) -> int:
	by_doctype = defaultdict(set)
	for doctype, name in items:
		by_doctype[doctype].add(name)
	written = 0
	for doctype, names in by_doctype.items():
		names = sorted(names)
		if doctype == "Customer":
			# A deleted customer takes its events with it (a renamed one keeps them: Frappe re-points links).
			gone = [n for n in names if not frappe.db.exists("Customer", n)]
			if gone:
				frappe.db.sql(f"delete from `{TABLE}` where customer in %(c)s", {"c": gone})
			# The customer's own milestones (sources/customer.py) are re-indexed like any source's events; a merged
			# customer's moved to its survivor, and go with it.
			names = [n for n in names if n not in gone]
			if gone:
				frappe.db.sql(
					f"delete from `{TABLE}` where source_doctype = 'Customer' and source_name in %(c)s",
					{"c": gone},
				)
		source = get_source(doctype)
		if not source:
			continue
		events = []
		for start in range(0, len(names), 1000):
			rows = read_rows(source, "name in %(names)s", {"names": names[start : start + 1000]})
			events.extend(build_events(source, rows))
		replace_events(doctype, names, events)
		written += len(events)
	frappe.db.commit()
	bump_version()
	try:  # open 360 pages show the new events; a failure here must never fail indexing
		from customer_360.realtime import notify_indexed

		notify_indexed(by_doctype)
	except Exception:
		pass
	return written

"""Writes the timeline index from the sources: live (per document, in an RQ job after commit), backfill
(all history, resumable, with progress) and reconcile (scheduled repair of whatever a hook missed).

Every write path is "replace the events of these source documents": idempotent by construction.
"""

from __future__ import annotations

import functools
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from datetime import date, datetime, timedelta
from decimal import Decimal

import frappe
from frappe.utils import get_datetime, now_datetime
from pymysql.converters import escape_string

from customer_360.core.timeline import Event
from customer_360.sources import BUILTIN_SOURCES, Source, sql

TABLE = "tabCustomer Timeline Event"
# The event's own columns, in the order write_events writes them after the standard ones.
EVENT_FIELDS = (
	"customer", "event_time", "event_type", "kind", "source_doctype", "source_name", "title", "summary",
	"amount", "has_amount", "currency", "company", "contact", "actor", "cancelled",
)  # fmt: skip
COLUMNS = ("name", "creation", "modified", "modified_by", "owner", "docstatus", "idx", *EVENT_FIELDS)
_UPDATED = [c for c in COLUMNS if c not in ("name", "creation", "owner", "docstatus", "idx")]
BATCH = 2000
# Bumped on every index write; cached timeline counts are keyed by it.
VERSION_KEY = "customer_360:timeline_version"
_STANDARD = ("name", "creation", "modified", "owner", "modified_by")


# ---------------------------------------------------------------- sources


@functools.lru_cache(maxsize=8)
def _all_sources(site: str) -> tuple[Source, ...]:
	paths = list(BUILTIN_SOURCES) + list(frappe.get_hooks("customer_360_timeline_sources") or [])
	found = []
	for path in dict.fromkeys(paths):
		source = frappe.get_attr(path)
		# Issue / Opportunity may be gone on a future ERPNext: skip what the site does not have.
		if frappe.db.table_exists(source.doctype):
			found.append(source)
	return tuple(found)


def get_sources() -> tuple[Source, ...]:
	return _all_sources(frappe.local.site)


def get_source(doctype: str) -> Source | None:
	return next((s for s in get_sources() if s.doctype == doctype), None)


def readable_source_doctypes() -> list[str]:
	"""Source doctypes whose events the current user may see on a customer they can read."""
	return [
		s.doctype for s in get_sources() if s.follows_customer or frappe.has_permission(s.doctype, "read")
	]


# ---------------------------------------------------------------- reading sources


def _select(source: Source, condition: str, values: dict, limit: int | None = None) -> list[dict]:
	columns = [f"`{c}`" for c in dict.fromkeys((*_STANDARD, *source.fields))]
	if source.customer_column:
		columns.append(f"`{source.customer_column}` as `customer`")
	sql = f"select {', '.join(columns)} from `tab{source.doctype}` where ({source.where}) and {condition} order by name"
	if limit:
		sql += f" limit {int(limit)}"
	return frappe.db.sql(sql, values, as_dict=True)


def _with_customers(source: Source, rows: list[dict]) -> list[dict]:
	"""One row per (document, customer). Sources without a customer column resolve links in one query."""
	if source.customer_column:
		return [r for r in rows if r.get("customer")]
	if not rows:
		return []
	links = defaultdict(dict)
	names = {"names": [r["name"] for r in rows]}
	for name, customer, contact in frappe.db.sql(source.links_sql(_in_names), names):
		if customer:
			# Keep a contact when a link names one (it says who wrote); of several, the smallest name, as the
			# set-based path (sources/sql.py) picks.
			known = links[name].get(customer)
			links[name][customer] = min(c for c in (known, contact) if c) if known or contact else None
	out = []
	for row in rows:
		for customer, contact in links.get(row["name"], {}).items():
			out.append({**row, "customer": customer, "contact": contact})
	return out


def _in_names(column: str) -> str:
	return f"{column} in %(names)s"


def build_events(source: Source, rows: list[dict]) -> list[Event]:
	events = []
	for row in _with_customers(source, rows):
		try:
			events.extend(source.to_events(row))
		except Exception:
			# One odd document must not stop the index: log it, reconcile will retry it.
			frappe.log_error(f"customer_360: could not map {source.doctype} {row.get('name')}")
	return events


# ---------------------------------------------------------------- writing the index


def _literal(value) -> str:
	"""SQL literal for the bulk upsert. Building the statement ourselves (with pymysql's own string
	escaping) is ~3x cheaper than letting the driver dispatch 20 parameters per row; backfill is bound by it."""
	if value is None:
		return "NULL"
	if isinstance(value, str):
		return "'" + escape_string(value) + "'"
	if isinstance(value, bool | int):
		return str(int(value))
	if isinstance(value, float | Decimal):
		return repr(float(value))
	if isinstance(value, datetime | date):
		return (
			"'" + value.isoformat(" ") + "'" if isinstance(value, datetime) else "'" + value.isoformat() + "'"
		)
	return "'" + escape_string(str(value)) + "'"


def write_events(events: list[Event]) -> int:
	"""Bulk upsert, 1000 rows a statement; the event name makes it idempotent."""
	if not events:
		return 0
	now, user = _literal(now_datetime()), _literal(frappe.session.user)
	constants = (
		f"{now}, {now}, {user}, {user}, 0, 0"  # creation, modified, modified_by, owner, docstatus, idx
	)
	update = ", ".join(f"`{c}` = values(`{c}`)" for c in _UPDATED)
	head = f"insert into `{TABLE}` ({', '.join(f'`{c}`' for c in COLUMNS)}) values "
	for start in range(0, len(events), 1000):
		rows = []
		for e in events[start : start + 1000]:
			values = (
				e.customer, e.event_time, e.event_type, e.kind, e.source_doctype, e.source_name, e.title,
				e.summary, e.amount or 0, int(e.amount is not None), e.currency, e.company, e.contact, e.actor,
				e.cancelled,
			)  # fmt: skip
			rows.append(f"({_literal(e.name)}, {constants}, {', '.join(map(_literal, values))})")
		frappe.db.sql(head + ", ".join(rows) + f" on duplicate key update {update}")
	return len(events)


def write_events_sql(source: Source, names: Callable[[str], str], values: dict) -> None:
	"""Set-based write (sources/sql.py): the events of the source rows chosen by names(column), computed and
	upserted inside MariaDB. Same rows as build_events + write_events for the same documents."""
	values = {**values, "now": now_datetime(), "user": frappe.session.user}
	for statement in sql.insert_statements(
		source.doctype,
		source.where,
		source.customer_column,
		source.sql_direct,
		source.sql_links,
		source.sql_events,
		names,
	):
		frappe.db.sql(statement, values)


def replace_events(doctype: str, names: list[str], events: list[Event]) -> None:
	"""The events of these source documents become exactly `events` (stale kinds and customers go)."""
	keep = [e.name for e in events]
	for start in range(0, len(names), 1000):
		chunk = names[start : start + 1000]
		if keep:
			frappe.db.sql(
				f"delete from `{TABLE}` where source_doctype = %(dt)s and source_name in %(names)s"
				" and name not in %(keep)s",
				{"dt": doctype, "names": chunk, "keep": keep},
			)
		else:
			frappe.db.sql(
				f"delete from `{TABLE}` where source_doctype = %(dt)s and source_name in %(names)s",
				{"dt": doctype, "names": chunk},
			)
	write_events(events)


DEADLOCK_RETRIES = 5


def index_documents(items: Iterable[Iterable[str]]) -> int:
	"""RQ job (and direct call): re-index the given (doctype, name) pairs; deleted ones lose their events.

	Several workers indexing neighbouring rows lock each other's index gaps, and MariaDB aborts one of them
	with a deadlock. The aborted transaction rolled back completely and the rows are a pure function of the
	source documents, so it is simply done again (a lost job would leave the timeline short until reconcile)."""
	items = [tuple(item) for item in items]
	for attempt in range(1, DEADLOCK_RETRIES + 1):
		try:
			return _index_documents(items)
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == DEADLOCK_RETRIES:
				raise
			time.sleep(random.uniform(0.05, 0.25) * attempt)
	return 0


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
			continue
		source = get_source(doctype)
		if not source:
			continue
		events = []
		for start in range(0, len(names), 1000):
			rows = _select(source, "name in %(names)s", {"names": names[start : start + 1000]})
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


def bump_version() -> None:
	# Atomic INCR on a raw (unpickled) key: concurrent workers never lose a bump.
	frappe.cache.incr(frappe.cache.make_key(VERSION_KEY))


def index_version() -> int:
	return int(frappe.cache.get(frappe.cache.make_key(VERSION_KEY)) or 0)


# ---------------------------------------------------------------- backfill

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
	write_events_sql(source, lambda c: f"{c} > %(after)s and {c} <= %(upto)s", {"after": after, "upto": upto})
	return len(rows), upto


def _backfill_batch_python(source: Source, after: str) -> tuple[int, str | None, int]:
	rows = _select(source, "name > %(after)s", {"after": after}, limit=BATCH)
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


# ---------------------------------------------------------------- reconcile

_RECONCILE_KEY = "customer_360:reconciled_until"
# A document's `modified` is set when its transaction writes it, not when it commits: one that committed just
# after the last run started can carry an earlier time. Each run re-reads this much before its bookmark.
RECONCILE_MARGIN = timedelta(minutes=15)


def reconcile_since(bookmark):
	"""Where a reconcile run starts reading: the last run's start, less the margin (None: from the start)."""
	return get_datetime(bookmark) - RECONCILE_MARGIN if bookmark else None


def reconcile(full: bool = False) -> dict:
	"""Scheduled repair. Re-indexes every source document modified since the last run (a failed hook, a
	worker that was down, a change made with raw SQL), and drops events whose source document is gone."""
	bookmark = None if full else frappe.cache.get_value(_RECONCILE_KEY)
	since = reconcile_since(bookmark)
	started = now_datetime()
	reindexed = 0
	for source in get_sources():
		after = ""
		while True:
			cond, values = "name > %(after)s", {"after": after}
			if since:
				cond += " and modified >= %(since)s"
				values["since"] = since
			names = [r["name"] for r in _select(source, cond, values, limit=BATCH)]
			if not names:
				break
			index_documents((source.doctype, n) for n in names)
			reindexed += len(names)
			after = names[-1]
	for source in get_sources():
		frappe.db.sql(
			f"delete e from `{TABLE}` e left join `tab{source.doctype}` s on s.name = e.source_name"
			" where e.source_doctype = %s and s.name is null",
			source.doctype,
		)
	frappe.db.sql(
		f"delete e from `{TABLE}` e left join `tabCustomer` c on c.name = e.customer where c.name is null"
	)
	frappe.db.commit()
	bump_version()
	frappe.cache.set_value(_RECONCILE_KEY, started)
	return {"reindexed": reindexed}

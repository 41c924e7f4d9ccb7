"""Writes the timeline index from the sources: live (per document, in an RQ job after commit), backfill
(all history, resumable, with progress) and reconcile (scheduled repair of whatever a hook missed).

Every write path is "replace the events of these source documents": idempotent by construction.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import frappe
from frappe.utils import now_datetime
from pymysql.converters import escape_string

from customer_360.core.timeline import Event
from customer_360.sources import BUILTIN_SOURCES, Source

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
	for name, customer, contact in frappe.db.sql(source.links_sql, {"names": [r["name"] for r in rows]}):
		if customer:
			# Keep the contact when one link names it: it says who wrote.
			links[name][customer] = links[name].get(customer) or contact
	out = []
	for row in rows:
		for customer, contact in links.get(row["name"], {}).items():
			out.append({**row, "customer": customer, "contact": contact})
	return out


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


def index_documents(items: Iterable[Iterable[str]]) -> int:
	"""RQ job (and direct call): re-index the given (doctype, name) pairs; deleted ones lose their events."""
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
	return written


def bump_version() -> None:
	# Atomic INCR on a raw (unpickled) key: concurrent workers never lose a bump.
	frappe.cache.incr(frappe.cache.make_key(VERSION_KEY))


def index_version() -> int:
	return int(frappe.cache.get(frappe.cache.make_key(VERSION_KEY)) or 0)


# ---------------------------------------------------------------- backfill

BACKFILL_JOB = "customer_360:backfill"
_STATE_KEY = "customer_360:backfill_state"


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
	)


def backfill(progress: bool = True) -> dict:
	"""Index all history, source by source in name order. The position is saved after every batch, so a
	killed job resumes where it stopped; re-running a finished backfill rewrites the same rows."""
	state = frappe.cache.get_value(_STATE_KEY) or {}
	sources = get_sources()
	totals = {"events": 0, "documents": 0, "seconds": 0.0}
	started = time.monotonic()
	for i, source in enumerate(sources):
		if state.get(source.doctype) == "done":
			continue
		after = state.get(source.doctype) or ""
		while True:
			rows = _select(source, "name > %(after)s", {"after": after}, limit=BATCH)
			if not rows:
				break
			events = build_events(source, rows)
			write_events(events)
			after = rows[-1]["name"]
			totals["events"] += len(events)
			totals["documents"] += len(rows)
			state[source.doctype] = after
			frappe.cache.set_value(_STATE_KEY, state)
			frappe.db.commit()
			bump_version()
			if progress:
				frappe.publish_progress(
					percent=100 * i / len(sources),
					title="Customer 360 backfill",
					description=f"{source.doctype}: {totals['events']} events",
				)
		state[source.doctype] = "done"
		frappe.cache.set_value(_STATE_KEY, state)
	frappe.cache.delete_value(_STATE_KEY)
	frappe.db.commit()
	totals["seconds"] = round(time.monotonic() - started, 3)
	if progress:
		frappe.publish_progress(percent=100, title="Customer 360 backfill", description="done")
	return totals


# ---------------------------------------------------------------- reconcile

_RECONCILE_KEY = "customer_360:reconciled_until"


def reconcile(full: bool = False) -> dict:
	"""Scheduled repair. Re-indexes every source document modified since the last run (a failed hook, a
	worker that was down, a change made with raw SQL), and drops events whose source document is gone."""
	since = None if full else frappe.cache.get_value(_RECONCILE_KEY)
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

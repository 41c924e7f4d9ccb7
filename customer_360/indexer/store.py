"""The timeline index's storage: which sources there are, reading their rows, and writing events.

Every write path is "replace the events of these source documents": idempotent by construction.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import frappe
from frappe.utils import now_datetime
from pymysql.converters import escape_string

from customer_360.core.timeline import Event
from customer_360.sources import BUILTIN_SOURCES, Source, lead, sql

TABLE = "tabCustomer Timeline Event"
# The event's own columns, in the order write_events writes them after the standard ones.
EVENT_FIELDS = (
	"customer", "event_time", "event_type", "kind", "source_doctype", "source_name", "title", "summary",
	"amount", "has_amount", "currency", "company", "contact", "actor", "cancelled",
)  # fmt: skip
# Written with every event but never read back by the timeline: the long text behind full-text search.
SEARCH_FIELD = "search_text"
COLUMNS = (
	"name",
	"creation",
	"modified",
	"modified_by",
	"owner",
	"docstatus",
	"idx",
	*EVENT_FIELDS,
	SEARCH_FIELD,
)
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


def party_gate(user: str | None = None) -> dict | None:
	"""What the current user may not see of the follows_customer sources: their events of records attached to a
	Lead or a Prospect the user lacks read on (kinds prefixed by sources/lead.py). None when nothing is hidden,
	so readers who may read Leads and Prospects pay for no extra predicate.
	{"doctypes": the follows_customer doctypes, "prefixes": the hidden kind prefixes}."""
	prefixes = [lead.kind_prefix(p) for p in lead.PARTIES if not frappe.has_permission(p, "read", user=user)]
	if not prefixes:
		return None
	return {"doctypes": [s.doctype for s in get_sources() if s.follows_customer], "prefixes": prefixes}


# ---------------------------------------------------------------- reading sources


def read_rows(source: Source, condition: str, values: dict, limit: int | None = None) -> list[dict]:
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
	details = {}
	names = {"names": [r["name"] for r in rows]}
	for name, customer, contact, *extra in frappe.db.sql(source.links_sql(in_names), names):
		if customer:
			if source.link_fields:
				details[name, customer] = dict(zip(source.link_fields, extra, strict=True))
			# Keep a contact when a link names one (it says who wrote); of several, the smallest name, as the
			# set-based path (sources/sql.py) picks.
			known = links[name].get(customer)
			links[name][customer] = min(c for c in (known, contact) if c) if known or contact else None
	out = []
	for row in rows:
		for customer, contact in links.get(row["name"], {}).items():
			out.append(
				{**row, **details.get((row["name"], customer), {}), "customer": customer, "contact": contact}
			)
	return out


def in_names(column: str) -> str:
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
				e.cancelled, e.search_text,
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
	others = " and name not in %(keep)s" if keep else ""
	for start in range(0, len(names), 1000):
		frappe.db.sql(
			f"delete from `{TABLE}` where source_doctype = %(dt)s and source_name in %(names)s{others}",
			{"dt": doctype, "names": names[start : start + 1000], "keep": keep},
		)
	write_events(events)


def bump_version() -> None:
	# Atomic INCR on a raw (unpickled) key: concurrent workers never lose a bump.
	frappe.cache.incr(frappe.cache.make_key(VERSION_KEY))


def index_version() -> int:
	return int(frappe.cache.get(frappe.cache.make_key(VERSION_KEY)) or 0)

"""The timeline read: one customer's events, newest first, keyset-paged, filtered by what the user may see
(source doctype permission, Company user permissions, note audience) and masked for them. The API
(customer_360.api.timeline) and the briefing read through here; callers have checked the customer."""

from __future__ import annotations

import hashlib

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count

from customer_360.core import masking
from customer_360.core import timeline as core
from customer_360.core.notes import readable_note_kinds
from customer_360.indexer.store import EVENT_FIELDS, index_version, readable_source_doctypes
from customer_360.messages import plain
from customer_360.permissions import allowed_companies, get_capabilities

Event = DocType("Customer Timeline Event")
NOTE = "Customer Note"
_FIELDS = ("name", *(f for f in EVENT_FIELDS if f != "customer"))


def read(
	customer: str,
	cursor: str | None = None,
	limit: int = core.DEFAULT_LIMIT,
	event_types: str | list | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	search: str | None = None,
) -> dict:
	try:
		query = core.parse_query(customer, cursor, limit, event_types, from_date, to_date, search)
	except core.QueryError as e:
		frappe.throw(_("Invalid timeline request: {0}").format(plain(e)), frappe.ValidationError)

	visible = _visibility()
	if not visible["doctypes"]:
		return {"events": [], "next_cursor": None, "counts": {}}

	# Newest-first pages walk (customer, event_time, name) backwards; without the hint MariaDB may pick the
	# counts index and sort 100k rows.
	q = _filtered(query, visible, index="customer_time_index")
	if query.event_types:
		q = q.where(Event.event_type.isin(query.event_types))
	if query.after:
		at, name = query.after
		q = q.where((Event.event_time < at) | ((Event.event_time == at) & (Event.name < name)))
	rows = (
		q.select(*[Event[f] for f in _FIELDS])
		.orderby(Event.event_time, order=frappe.qb.desc)
		.orderby(Event.name, order=frappe.qb.desc)
		.limit(query.limit + 1)
		.run(as_dict=True)
	)
	more = len(rows) > query.limit
	rows = rows[: query.limit]
	next_cursor = core.encode_cursor(rows[-1].event_time, rows[-1].name) if more else None
	rows = _current_notes_only(rows)
	_mask(rows, get_capabilities())
	return {
		"events": rows,
		"next_cursor": next_cursor,
		# Counts answer "how many of each type match my other filters": the chips show them. Deeper pages
		# already have them, so only the first page pays for the count.
		"counts": _counts(query, visible) if not query.after else None,
	}


def _visibility() -> dict:
	"""Source doctypes the user may read, the Companies a User Permission restricts them to, and the note
	scopes they read (a note event shows to its audience and its author, as the note itself does)."""
	user = frappe.session.user
	return {
		"doctypes": readable_source_doctypes(),
		"companies": allowed_companies(),
		"note_kinds": readable_note_kinds(get_capabilities().note_scopes),
		"user": user,
	}


def _filtered(query: core.TimelineQuery, visible: dict, index: str | None = None, part: str = "all"):
	"""part: "all", or "other" (every event but notes) / "notes" (notes alone) for the counts, which add the two:
	the note-scope test reads `kind` and `actor`, which the covering counts index lacks, so applying it to every
	event would read each of a long history's rows instead of the index alone."""
	table = frappe.qb.from_(Event)
	if index:
		table = table.force_index(index)
	q = table.where(Event.customer == query.customer).where(Event.source_doctype.isin(visible["doctypes"]))
	if visible["companies"] is not None:
		# Company-less events (emails, tasks, files) belong to no company and stay visible.
		q = q.where(Event.company.isin(visible["companies"]) | Event.company.isnull() | (Event.company == ""))
	if NOTE in visible["doctypes"]:
		readable_note = Event.kind.isin(visible["note_kinds"] or ["-"]) | (Event.actor == visible["user"])
		if part == "other":
			q = q.where(Event.source_doctype != NOTE)
		elif part == "notes":
			q = q.where((Event.source_doctype == NOTE) & readable_note)
		else:
			q = q.where((Event.source_doctype != NOTE) | readable_note)
	if query.from_time:
		q = q.where(Event.event_time >= query.from_time)
	if query.to_time:
		q = q.where(Event.event_time < query.to_time)
	if query.search:
		like = "%" + query.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
		q = q.where(Event.title.like(like) | Event.summary.like(like))
	return q


def _counts(query: core.TimelineQuery, visible: dict) -> dict:
	# Cached until the index changes: the version is read before counting, so a write that lands meanwhile
	# leaves this entry under an old version that is never read again.
	version = index_version()
	raw = frappe.as_json([version, query.customer, query.from_time, query.to_time, query.search, visible])
	key = "customer_360:counts:" + hashlib.sha1(raw.encode()).hexdigest()
	cached = frappe.cache.get_value(key)
	if cached is not None:
		return cached
	counts = _count_rows(query, visible)
	frappe.cache.set_value(key, counts, expires_in_sec=600)
	return counts


def _count_rows(query: core.TimelineQuery, visible: dict) -> dict:
	parts = ("other", "notes") if NOTE in visible["doctypes"] else ("all",)
	counts = dict.fromkeys(core.EVENT_TYPES, 0)
	for part in parts:
		rows = (
			_filtered(query, visible, part=part)
			.select(Event.event_type, Count(Event.name).as_("n"))
			.groupby(Event.event_type)
			.run()
		)
		for event_type, n in rows:
			counts[event_type] = counts.get(event_type, 0) + n
	return counts


def _current_notes_only(rows: list[dict]) -> list[dict]:
	"""A note event carries the scope the note had when it was indexed; the note may have moved to a narrower
	scope (or gone) since, and the index follows only after commit. Its old audience must stop seeing it at
	once: ask the note itself."""
	names = [r.source_name for r in rows if r.source_doctype == NOTE]
	if not names:
		return rows
	from customer_360.permissions import may_read_note

	user = frappe.session.user
	notes = frappe.get_all(NOTE, filters={"name": ["in", names]}, fields=["name", "scope", "author"])
	readable = {n.name for n in notes if may_read_note(n.scope, n.author, user)}
	return [r for r in rows if r.source_doctype != NOTE or r.source_name in readable]


def _mask(rows: list[dict], caps) -> None:
	for row in rows:
		row["cancelled"] = bool(row["cancelled"])
		if not row.pop("has_amount"):
			row["amount"] = None
		elif masking.hidden(("amount",), caps):
			# The figure never leaves the server for a user without the finance capability.
			masking.mask(row, caps, ("amount",))

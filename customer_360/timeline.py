"""The timeline read: one customer's events, newest first, keyset-paged, filtered by what the user may see
(source doctype permission, Company user permissions, note audience) and masked for them. The API
(customer_360.api.timeline) and the briefing read through here; callers have checked the customer."""

from __future__ import annotations

import hashlib

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.query_builder.terms import ParameterizedValueWrapper
from pypika.terms import Criterion

from customer_360.core import masking
from customer_360.core import timeline as core
from customer_360.core.notes import readable_note_kinds
from customer_360.customer_360.doctype.customer_timeline_event.customer_timeline_event import (
	FULLTEXT_COLUMNS,
	FULLTEXT_INDEX,
	FULLTEXT_READY_KEY,
	TABLE,
)
from customer_360.indexer.store import EVENT_FIELDS, index_version, party_gate, readable_source_doctypes
from customer_360.messages import plain
from customer_360.permissions import allowed_companies, capabilities_for, get_capabilities

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
	actor: str | None = None,
	customers: list[str] | None = None,
	facet: str | None = None,
	contact: str | None = None,
) -> dict:
	"""customers: a group's timeline (customer_360.rollup.timeline_customers, members the reader may read):
	the events of these customers instead of `customer`'s, each row naming its customer."""
	try:
		query = core.parse_query(
			customer, cursor, limit, event_types, from_date, to_date, search, actor, facet
		)
	except core.QueryError as e:
		frappe.throw(_("Invalid timeline request: {0}").format(plain(e)), frappe.ValidationError)

	visible = _visibility()
	if customers is not None:
		visible["customers"] = list(customers)
	if contact:
		visible["contact"] = contact  # one person's activity (the People tab); the caller checked the contact
	if not visible["doctypes"] or visible.get("customers") == []:
		return {"events": [], "next_cursor": None, "counts": {}, "facet_counts": {}}

	# Newest-first pages walk (customer, event_time, name) backwards (or (customer, actor, event_time, name) for
	# one actor); without the hint MariaDB may pick the counts index and sort 100k rows. A full-text search is
	# driven by the FULLTEXT index instead (MariaDB cannot MATCH under another forced index): it yields the
	# matching rows, which are then sorted. Its cost follows how many events hold the words, site-wide: a rare
	# word is a few ms on the 115k-event whale, a word in 45k events ~0.7 s (LIKE scanned all of them each time).
	plan = _search_plan(query)
	index = "customer_actor_index" if query.actor else "customer_time_index"
	if contact:
		index = "contact_activity_index"  # one person's events are few: read them, then sort
	q = _filtered(query, visible, index=None if plan and plan.fulltext else index, plan=plan)
	if query.event_types:
		q = q.where(Event.event_type.isin(query.event_types))
	if query.facet:
		q = q.where(Event.source_doctype.isin(core.FACETS[query.facet]))
	if query.after:
		at, name = query.after
		q = q.where((Event.event_time < at) | ((Event.event_time == at) & (Event.name < name)))
	rows = (
		q.select(*[Event[f] for f in _FIELDS], *([Event.customer] if customers is not None else []))
		.orderby(Event.event_time, order=frappe.qb.desc)
		.orderby(Event.name, order=frappe.qb.desc)
		.limit(query.limit + 1)
		.run(as_dict=True)
	)
	more = len(rows) > query.limit
	rows = rows[: query.limit]
	next_cursor = core.encode_cursor(rows[-1].event_time, rows[-1].name) if more else None
	rows = _current_notes_only(rows)
	_mask(rows, capabilities_for(query.customer))
	counts = _counts(query, visible) if not query.after else None
	return {
		"events": rows,
		"next_cursor": next_cursor,
		# Counts answer "how many of each type match my other filters": the chips show them. Deeper pages
		# already have them, so only the first page pays for the count.
		"counts": counts["types"] if counts else None,
		# The same for the facet chips (core.FACETS); neither chip kind filters the other's counts.
		"facet_counts": counts["facets"] if counts else None,
	}


def _visibility() -> dict:
	"""Source doctypes the user may read, the Companies a User Permission restricts them to, the note
	scopes they read (a note event shows to its audience and its author, as the note itself does), and the
	Lead / Prospect records' events they may not read (store.party_gate; None for most readers)."""
	user = frappe.session.user
	return {
		"doctypes": readable_source_doctypes(),
		"companies": allowed_companies(),
		"note_kinds": readable_note_kinds(get_capabilities().note_scopes),
		"user": user,
		"gate": party_gate(),
	}


def party_hidden(gate: dict) -> Criterion:
	"""The events of Lead / Prospect records (store.party_gate) the reader may not see."""
	through = Criterion.any([Event.kind.like(p.replace("_", "\\_") + "%") for p in gate["prefixes"]])
	return Event.source_doctype.isin(gate["doctypes"]) & through


def _kind_rules(visible: dict) -> dict:
	"""source doctype -> the condition its events must meet besides the doctype: those whose test reads `kind`
	or `actor` (the note scope, the Lead gate)."""
	rules = {}
	if NOTE in visible["doctypes"]:
		rules[NOTE] = Event.kind.isin(visible["note_kinds"] or ["-"]) | (Event.actor == visible["user"])
	gate = visible.get("gate")
	for doctype in gate["doctypes"] if gate else ():
		if doctype in visible["doctypes"]:
			rules[doctype] = ~party_hidden(gate)
	return rules


def _filtered(
	query: core.TimelineQuery,
	visible: dict,
	index: str | None = None,
	part: str = "all",
	plan: core.SearchPlan | None = None,
):
	"""part: "all", or "other" (every event but the ruled doctypes: notes, and for a reader gated from Leads the
	follows_customer sources) / "ruled" (those alone) for the counts, which add the two: the rules read `kind`
	and `actor` (_kind_rules), which the covering counts index lacks, so applying them to every event would read
	each of a long history's rows instead of the index alone."""
	table = frappe.qb.from_(Event)
	if index:
		table = table.force_index(index)
	group = visible.get("customers")
	q = table.where(Event.customer.isin(group) if group else Event.customer == query.customer)
	q = q.where(Event.source_doctype.isin(visible["doctypes"]))
	if visible.get("contact"):
		q = q.where(Event.contact == visible["contact"])
	if visible["companies"] is not None:
		# Company-less events (emails, tasks, files) belong to no company and stay visible.
		q = q.where(Event.company.isin(visible["companies"]) | Event.company.isnull() | (Event.company == ""))
	rules = _kind_rules(visible)
	if rules:
		ruled = Event.source_doctype.isin(list(rules))
		readable = Criterion.any([(Event.source_doctype == d) & rule for d, rule in rules.items()])
		if part == "other":
			q = q.where(~ruled)
		elif part == "ruled":
			q = q.where(readable)
		else:
			q = q.where(~ruled | readable)
	if query.from_time:
		q = q.where(Event.event_time >= query.from_time)
	if query.to_time:
		q = q.where(Event.event_time < query.to_time)
	if query.actor:
		q = q.where(Event.actor == query.actor)
	if plan and plan.fulltext:
		q = q.where(_Match(plan.fulltext))
	for text in plan.like if plan else ():
		like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
		q = q.where(Event.title.like(like) | Event.summary.like(like))
	return q


class _Match(Criterion):
	"""MATCH (title, summary, search_text) AGAINST (%(param)s IN BOOLEAN MODE): the expression is a bound
	parameter built by core.search_plan from word characters only."""

	def __init__(self, expression: str):
		super().__init__()
		self.expression = expression

	def get_sql(self, **kwargs) -> str:
		columns = ", ".join(f"`{TABLE}`.`{c}`" for c in FULLTEXT_COLUMNS)
		against = ParameterizedValueWrapper(self.expression).get_sql(**kwargs)
		return f"match({columns}) against ({against} in boolean mode)"


def _search_plan(query: core.TimelineQuery) -> core.SearchPlan | None:
	"""How this site's index can answer the search: its minimum word length and stopwords decide which words
	go to MATCH. Without the FULLTEXT index (code newer than the last migrate) every word is a LIKE."""
	if not query.search:
		return None
	setup = _fulltext_setup()
	if not setup["ready"]:
		return core.SearchPlan(fulltext=None, like=(query.search,))
	return core.search_plan(
		query.search,
		min_token=setup["min_token"],
		max_token=setup["max_token"],
		stopwords=core.INNODB_STOPWORDS if setup["stopwords"] else frozenset(),
	)


def _fulltext_setup() -> dict:
	setup = frappe.cache.get_value(FULLTEXT_READY_KEY)
	if setup is None:
		min_token, max_token, stopwords = frappe.db.sql(
			"select @@innodb_ft_min_token_size, @@innodb_ft_max_token_size, @@innodb_ft_enable_stopword"
		)[0]
		setup = {
			"ready": bool(frappe.db.has_index(TABLE, FULLTEXT_INDEX)),
			"min_token": int(min_token),
			"max_token": int(max_token),
			"stopwords": bool(int(stopwords)),
		}
		frappe.cache.set_value(FULLTEXT_READY_KEY, setup, expires_in_sec=600)
	return setup


def _counts(query: core.TimelineQuery, visible: dict) -> dict:
	# Cached until the index changes: the version is read before counting, so a write that lands meanwhile
	# leaves this entry under an old version that is never read again.
	version = index_version()
	raw = frappe.as_json(
		[version, query.customer, query.from_time, query.to_time, query.search, query.actor, visible]
	)
	key = "customer_360:counts:v2:" + hashlib.sha1(raw.encode()).hexdigest()  # v2: types and facets
	cached = frappe.cache.get_value(key)
	if cached is not None:
		return cached
	counts = _count_rows(query, visible)
	frappe.cache.set_value(key, counts, expires_in_sec=600)
	return counts


def _count_rows(query: core.TimelineQuery, visible: dict) -> dict:
	"""{"types": {event type: n}, "facets": {facet: n}}: one pass over the counts index, grouped by type and
	source doctype (the facets are sets of doctypes)."""
	parts = ("other", "ruled") if _kind_rules(visible) else ("all",)
	counts = dict.fromkeys(core.EVENT_TYPES, 0)
	facets = dict.fromkeys(core.FACETS, 0)
	plan = _search_plan(query)
	for part in parts:
		rows = (
			_filtered(query, visible, part=part, plan=plan)
			.select(Event.event_type, Event.source_doctype, Count(Event.name).as_("n"))
			.groupby(Event.event_type, Event.source_doctype)
			.run()
		)
		for event_type, doctype, n in rows:
			counts[event_type] = counts.get(event_type, 0) + n
			for facet, doctypes in core.FACETS.items():
				facets[facet] += n if doctype in doctypes else 0
	return {"types": counts, "facets": facets}


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

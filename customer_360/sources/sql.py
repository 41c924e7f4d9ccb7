"""The same mapping as a source's `to_events`, written as SQL: the set-based backfill path.

Backfill is bound by moving rows through Python (read, map, escape, send back). A source that also
describes its events as SQL expressions over its own row `t` is indexed with one INSERT ... SELECT per
event kind and batch, inside MariaDB. The Python mapper stays the single reference: live indexing uses it,
and an integration test proves that both paths write identical rows for the same documents.

Pure: builds statement text only (no frappe import).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from customer_360.core.timeline import (
	SEARCH_SOURCE_LENGTH,
	SEARCH_TEXT_LENGTH,
	SUMMARY_LENGTH,
	TITLE_LENGTH,
)

# What Python's str.split() treats as whitespace (clip() collapses it), as a PCRE class.
_WHITESPACE = r"'[\\s\\x{1c}-\\x{1f}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]+'"
TABLE = "tabCustomer Timeline Event"


@dataclass(frozen=True)
class SqlEvent:
	"""One event kind of a source, as SQL over the source row `t` (and `x` for resolved customers).

	Every field is an SQL expression, except event_type (a vocabulary word). `when` chooses the rows that
	produce this kind. Title and summary are clipped like Event does; an empty title falls back to t.name.
	"""

	kind: str
	event_type: str
	event_time: str
	title: str
	summary: str = "NULL"
	amount: str = "NULL"
	currency: str = "NULL"
	company: str = "NULL"
	contact: str = "NULL"
	actor: str = "t.owner"
	cancelled: str = "0"
	when: str = "1"
	# The long text kept for full-text search: search_body(...) of a column, or NULL.
	search_text: str = "NULL"


def lit(value: str) -> str:
	"""Quoted literal for the fixed words of a mapping (kinds, labels); never user data."""
	if "'" in value or "\\" in value or "%" in value:
		raise ValueError(f"not a plain literal: {value!r}")
	return f"'{value}'"


def given(column: str) -> str:
	"""Python's truthiness of a text value read from the row: neither NULL nor ''."""
	return f"nullif({column}, '') is not null"


def normalised(expr: str) -> str:
	"""clip()'s whitespace rule: runs of whitespace become one space, ends trimmed."""
	return f"trim(regexp_replace({expr}, {_WHITESPACE}, ' '))"


def clip(expr: str, length: int) -> str:
	text = normalised(expr)
	return f"if(char_length({text}) <= {length}, {text}, concat(rtrim(left({text}, {length - 1})), '…'))"


# core.timeline.search_body()'s patterns as SQL string literals (PCRE: (?i) = IGNORECASE).
_HIDDEN_BLOCK = r"'(?i)<(style|script)(?:[ \\t\\r\\n/][^<>]*)?>(?:[^<]++|<!--)*+</\\1[ \\t\\r\\n]*>'"
_TAG = "'<[^<>]+>'"


def search_body(expr: str, html: bool = True) -> str:
	"""core.timeline.search_body() in SQL: raw text cut, tags (and style/script blocks) removed when HTML,
	whitespace folded, capped; nothing left is NULL."""
	text = f"left({expr}, {SEARCH_SOURCE_LENGTH})"
	if html:
		text = f"regexp_replace(regexp_replace({text}, {_HIDDEN_BLOCK}, ' '), {_TAG}, ' ')"
	return f"nullif(left({normalised(text)}, {SEARCH_TEXT_LENGTH}), '')"


def day_time(date_column: str, time_column: str | None = None) -> str:
	"""sources.day_time(): the document's date at its own time of day (whole seconds, as combine() keeps),
	else at the time of day it was created; no date at all falls back to creation."""
	created = "time(t.creation)"
	at = (
		f"coalesce(sec_to_time(floor(time_to_sec({time_column})) mod 86400), {created})"
		if time_column
		else created
	)
	return f"if({date_column} is null, t.creation, timestamp({date_column}, {at}))"


def cancellation(kind: str, event_type: str, title: str) -> SqlEvent:
	"""sources.cancellation(): the moment a submitted document was cancelled."""
	return SqlEvent(
		kind=lit(kind),
		event_type=event_type,
		event_time="t.modified",
		title=title,
		company="t.company",
		actor="t.modified_by",
		cancelled="1",
		when="t.docstatus = 2",
	)


def submitted(**event) -> SqlEvent:
	"""A submitted document's own event: its company, its contact person unless given, cancelled with it."""
	return SqlEvent(
		**{"company": "t.company", "contact": "t.contact_person", "cancelled": "t.docstatus = 2", **event}
	)


def voucher(
	event_type: str, cancelled_kind: str, cancelled_title: str | None = None, **event
) -> tuple[SqlEvent, SqlEvent]:
	"""sources.voucher_events(): a submitted document's event and its cancellation, titled after it unless
	`cancelled_title` says otherwise."""
	title = cancelled_title or f"concat({event['title']}, ' cancelled')"
	return submitted(event_type=event_type, **event), cancellation(cancelled_kind, event_type, title)


def event_name(doctype: str, kind: str, customer: str) -> str:
	"""core.timeline.event_name() in SQL: same bytes hashed (utf8mb4 = UTF-8), same prefix and length."""
	return (
		f"concat('TE-', left(sha1(concat_ws(char(31 using utf8mb4), {lit(doctype)}, t.name, {kind}, "
		f"{customer})), 20))"
	)


COLUMNS = (
	"name", "creation", "modified", "modified_by", "owner", "docstatus", "idx",
	"customer", "event_time", "event_type", "kind", "source_doctype", "source_name", "title", "summary",
	"amount", "has_amount", "currency", "company", "contact", "actor", "cancelled", "search_text",
)  # fmt: skip
_KEPT = ("name", "creation", "owner", "docstatus", "idx")


def insert_statements(
	doctype: str,
	where: str,
	customer_column: str | None,
	sql_direct: tuple[str, str] | None,
	sql_links: Callable[[Callable[[str], str]], str] | None,
	events: tuple[SqlEvent, ...],
	names: Callable[[str], str],
) -> list[str]:
	"""The upserts of every event kind for the source rows chosen by `names(column)` (a condition on a name
	column: a key range or an IN list). Parameters left in the text: %(now)s, %(user)s and those of `names`.

	Customers come from customer_column, or from sql_direct (joins + expression) and then sql_links; the
	linked statement runs last so a contact it names wins over the direct row's empty one (the Python path
	keeps the smallest contact name of a (document, customer) pair, as min() does here)."""
	if customer_column:
		return [
			_statement(doctype, where, events, names, f"`tab{doctype}` t", f"t.`{customer_column}`", None)
		]
	statements = []
	if sql_direct:
		joins, customer = sql_direct
		statements.append(
			_statement(doctype, where, events, names, f"`tab{doctype}` t {joins}", customer, None)
		)
	if sql_links:
		source = (
			f"`tab{doctype}` t join (select u.name, u.customer, min(u.contact) as contact from"
			f" ({sql_links(names)}) u where {given('u.customer')} group by u.name, u.customer) x on x.name = t.name"
		)
		statements.append(_statement(doctype, where, events, names, source, "x.customer", "x.contact"))
	return statements


def _statement(doctype, where, events, names, source, customer, contact_default) -> str:
	update = ", ".join(f"`{c}` = values(`{c}`)" for c in COLUMNS if c not in _KEPT)

	def column(expr) -> str:
		# One scan of the source rows yields every kind: row k of a tiny derived table picks kind k's expression.
		if len(events) == 1:
			return expr(events[0])
		return "case k.k " + " ".join(f"when {i} then {expr(ev)}" for i, ev in enumerate(events)) + " end"

	def contact(ev):
		return ev.contact if ev.contact != "NULL" or not contact_default else contact_default

	values = (
		column(lambda ev: event_name(doctype, ev.kind, customer)),
		"%(now)s", "%(now)s", "%(user)s", "%(user)s", "0", "0",
		customer, column(lambda ev: ev.event_time), column(lambda ev: lit(ev.event_type)),
		column(lambda ev: ev.kind), lit(doctype), "t.name",
		column(lambda ev: f"coalesce(nullif({clip(ev.title, TITLE_LENGTH)}, ''), t.name)"),
		column(lambda ev: clip(ev.summary, SUMMARY_LENGTH)),
		column(lambda ev: f"coalesce({ev.amount}, 0)"), column(lambda ev: f"({ev.amount}) is not null"),
		column(lambda ev: ev.currency), column(lambda ev: ev.company), column(contact),
		column(lambda ev: ev.actor), column(lambda ev: f"if({ev.cancelled}, 1, 0)"),
		column(lambda ev: ev.search_text),
	)  # fmt: skip
	if len(events) > 1:
		kinds = " union all ".join(f"select {i} as k" for i in range(len(events)))
		chooses = " or ".join(f"(k.k = {i} and ({ev.when}))" for i, ev in enumerate(events))
		source += f" join ({kinds}) k on {chooses}"
		when = "1"
	else:
		when = events[0].when
	return (
		f"insert into `{TABLE}` ({', '.join(f'`{c}`' for c in COLUMNS)})"
		f" select {', '.join(values)} from {source}"
		f" where ({where}) and ({when}) and {given(customer)} and {names('t.name')}"
		f" on duplicate key update {update}"
	)

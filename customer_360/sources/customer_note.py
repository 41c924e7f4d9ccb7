"""This app's notes on the timeline. The kind carries the scope (note_sales ...) so the timeline API shows a
note event only to the note's audience and its author (customer_360.api.timeline)."""

from customer_360.core.notes import note_kind
from customer_360.core.timeline import search_body
from customer_360.sources import Source, base_event, sql
from customer_360.sources.comment import strip_tags

DOCTYPE = "Customer Note"


def to_events(row: dict) -> list:
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind=note_kind(row["scope"]),
			event_type="note",
			event_time=row["creation"],
			title=f"{'Pinned note' if row.get('pinned') else 'Note'} by {row.get('author_name') or row.get('author') or row['owner']}",
			summary=strip_tags(row.get("content")),
			actor=row.get("author") or row["owner"],
			# The summary is the note's first 280 characters; search reads all of it.
			search_text=search_body(row.get("content")),
		)
	]


_TEXT = sql.normalised("regexp_replace(t.content, '<[^<>]+>', ' ')")
_AUTHOR = "coalesce(nullif(t.author, ''), t.owner)"
SQL_EVENTS = (
	sql.SqlEvent(
		kind="concat('note_', t.scope)",
		event_type="note",
		event_time="t.creation",
		title=f"concat(if(t.pinned, 'Pinned note', 'Note'), ' by ', coalesce(nullif(t.author_name, ''), {_AUTHOR}))",
		summary=f"nullif({_TEXT}, '')",
		actor=_AUTHOR,
		search_text=sql.search_body("t.content"),
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("customer", "scope", "content", "pinned", "author", "author_name"),
	where="1 = 1",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

import re

from customer_360.sources import Source, base_event, lead, sql

DOCTYPE = "Comment"
# A comment on a Lead is its customer's once the Lead converts (sources/lead.py).
_DIRECT, _LINKS, _LINKS_SQL = lead.direct_or_party("tabComment", "reference_doctype", "reference_name")


def to_events(row: dict) -> list:
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			# A Lead's or Prospect's comment is readable by its readers only (sources/lead.py).
			kind=lead.via(row.get("reference_doctype"), "comment_added"),
			event_type="note",
			event_time=row["creation"],
			title=f"Comment by {row.get('comment_by') or row.get('owner')}",
			summary=strip_tags(row.get("content")),
		)
	]


def strip_tags(text):
	return re.sub(r"<[^<>]+>", " ", text or "").strip() or None


# strip_tags() then clip(): tags become spaces, whitespace collapses, nothing left means no summary.
_TEXT = sql.normalised("regexp_replace(t.content, '<[^<>]+>', ' ')")
SQL_EVENTS = (
	sql.SqlEvent(
		kind=lead.sql_via("t.reference_doctype", sql.lit("comment_added")),
		event_type="note",
		event_time="t.creation",
		title="concat('Comment by ', coalesce(nullif(t.comment_by, ''), t.owner))",
		summary=f"nullif({_TEXT}, '')",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("content", "comment_by", "reference_doctype"),
	where="reference_doctype in ('Customer', 'Lead', 'Prospect') and comment_type = 'Comment'",
	customer_column=None,
	links_sql=_LINKS_SQL,
	sql_direct=_DIRECT,
	sql_links=_LINKS,
	to_events=to_events,
	follows_customer=True,
	sql_events=SQL_EVENTS,
)

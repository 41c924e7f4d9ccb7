import re

from customer_360.sources import Source, base_event, sql

DOCTYPE = "Comment"


def to_events(row: dict) -> list:
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="comment_added",
			event_type="note",
			event_time=row["creation"],
			title=f"Comment by {row.get('comment_by') or row.get('owner')}",
			summary=strip_tags(row.get("content")),
		)
	]


def strip_tags(text):
	return re.sub(r"<[^>]+>", " ", text or "").strip() or None


# strip_tags() then clip(): tags become spaces, whitespace collapses, nothing left means no summary.
_TEXT = sql.normalised("regexp_replace(t.content, '<[^>]+>', ' ')")
SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("comment_added"),
		event_type="note",
		event_time="t.creation",
		title="concat('Comment by ', coalesce(nullif(t.comment_by, ''), t.owner))",
		summary=f"nullif({_TEXT}, '')",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("reference_name", "content", "comment_by"),
	where="reference_doctype = 'Customer' and comment_type = 'Comment'",
	customer_column="reference_name",
	to_events=to_events,
	follows_customer=True,
	sql_events=SQL_EVENTS,
)

import re

from customer_360.sources import Source, base_event

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
			summary=_strip_html(row.get("content")),
		)
	]


def _strip_html(text):
	return re.sub(r"<[^>]+>", " ", text or "").strip() or None


SOURCE = Source(
	doctype=DOCTYPE,
	fields=("reference_name", "content", "comment_by"),
	where="reference_doctype = 'Customer' and comment_type = 'Comment'",
	customer_column="reference_name",
	to_events=to_events,
	follows_customer=True,
)

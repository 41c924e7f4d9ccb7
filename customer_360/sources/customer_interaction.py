"""Logged touchpoints (calls, visits, meetings ...) on the timeline."""

from customer_360.core.timeline import search_body
from customer_360.sources import Source, base_event, sql

DOCTYPE = "Customer Interaction"


def to_events(row: dict) -> list:
	kind = row.get("interaction_type") or "other"
	outcome = f" — {row['outcome']}" if row.get("outcome") else ""
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="interaction_logged",
			event_type="interaction",
			event_time=row.get("interaction_time") or row["creation"],
			title=f"{kind[:1].upper()}{kind[1:]}{outcome}",
			summary=row.get("summary"),
			actor=row.get("logged_by") or row["owner"],
			# The summary is plain text (Small Text): all of it is searchable, beyond the 280 shown.
			search_text=search_body(row.get("summary"), html=False),
		)
	]


_KIND = "coalesce(nullif(t.interaction_type, ''), 'other')"
SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("interaction_logged"),
		event_type="interaction",
		event_time="coalesce(t.interaction_time, t.creation)",
		title=f"concat(upper(left({_KIND}, 1)), substring({_KIND}, 2),"
		f" if({sql.given('t.outcome')}, concat(' — ', t.outcome), ''))",
		summary="t.summary",
		contact="t.contact",
		actor="coalesce(nullif(t.logged_by, ''), t.owner)",
		search_text=sql.search_body("t.summary", html=False),
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("customer", "interaction_type", "interaction_time", "outcome", "summary", "logged_by", "contact"),
	where="1 = 1",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

"""Milestone (the `system` event type): other customer records were merged into this one.

The merge log holds it (read here, never changed): one event per finished merge, on the surviving customer,
naming the merged records. A merge log names customers, so only who may read merge logs (who may merge and
read every customer involved: merge/access.py) sees these events, as for any source with its own permission.
An undone merge (status Undone) drops out when it is re-indexed.
"""

from customer_360.sources import Source, base_event, sql

DOCTYPE = "Customer Merge Log"


def to_events(row: dict) -> list:
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="merged_from",
			event_type="system",
			event_time=row.get("finished") or row["modified"],
			title=f"Merged from {row.get('merged_customers') or 'other customers'}",
			summary=row["name"],
			actor=row.get("actor") or row.get("owner"),
		)
	]


SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("merged_from"),
		event_type="system",
		event_time="coalesce(t.finished, t.modified)",
		title="concat('Merged from ', coalesce(nullif(t.merged_customers, ''), 'other customers'))",
		summary="t.name",
		actor="coalesce(nullif(t.actor, ''), t.owner)",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("survivor", "merged_customers", "status", "finished", "actor"),
	where="status = 'Done'",
	customer_column="survivor",
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

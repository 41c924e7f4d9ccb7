from customer_360.sources import Source, base_event, day_time, lead, sql

DOCTYPE = "ToDo"
# A task on a Lead is its customer's once the Lead converts (sources/lead.py).
_DIRECT, _LINKS, _LINKS_SQL = lead.direct_or_party("tabToDo", "reference_type", "reference_name")


def to_events(row: dict) -> list:
	what = row.get("description") or row["name"]
	# A Lead's or Prospect's task is readable by its readers only (sources/lead.py).
	party = row.get("reference_type")
	common = {"source_doctype": DOCTYPE, "event_type": "task", "cancelled": row.get("status") == "Cancelled"}
	events = [
		base_event(
			row,
			kind=lead.via(party, "task_created"),
			event_time=row["creation"],
			title=f"Task: {what}",
			summary=f"Assigned to {row['allocated_to']}" if row.get("allocated_to") else None,
			**common,
		)
	]
	if row.get("status") == "Open" and row.get("date"):
		events.append(
			base_event(
				row,
				kind=lead.via(party, "task_due"),
				event_time=day_time(row, "date"),
				title=f"Task due: {what}",
				summary=f"{row.get('priority') or 'Medium'} priority",
				**common,
			)
		)
	if row.get("status") == "Closed":
		events.append(
			base_event(
				row,
				kind=lead.via(party, "task_done"),
				event_time=row["modified"],
				title=f"Task done: {what}",
				actor=row.get("modified_by"),
				**common,
			)
		)
	return events


_WHAT = "coalesce(nullif(t.description, ''), t.name)"
_CANCELLED = "t.status = 'Cancelled'"
SQL_EVENTS = (
	sql.SqlEvent(
		kind=lead.sql_via("t.reference_type", sql.lit("task_created")),
		event_type="task",
		event_time="t.creation",
		title=f"concat('Task: ', {_WHAT})",
		summary=f"if({sql.given('t.allocated_to')}, concat('Assigned to ', t.allocated_to), null)",
		cancelled=_CANCELLED,
	),
	sql.SqlEvent(
		kind=lead.sql_via("t.reference_type", sql.lit("task_due")),
		event_type="task",
		event_time=sql.day_time("t.date"),
		title=f"concat('Task due: ', {_WHAT})",
		summary="concat(coalesce(nullif(t.priority, ''), 'Medium'), ' priority')",
		cancelled=_CANCELLED,
		when="t.status = 'Open' and t.date is not null",
	),
	sql.SqlEvent(
		kind=lead.sql_via("t.reference_type", sql.lit("task_done")),
		event_type="task",
		event_time="t.modified",
		title=f"concat('Task done: ', {_WHAT})",
		actor="t.modified_by",
		cancelled=_CANCELLED,
		when="t.status = 'Closed'",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("description", "status", "date", "priority", "allocated_to", "reference_type"),
	where="reference_type in ('Customer', 'Lead', 'Prospect')",
	customer_column=None,
	links_sql=_LINKS_SQL,
	sql_direct=_DIRECT,
	sql_links=_LINKS,
	to_events=to_events,
	follows_customer=True,
	sql_events=SQL_EVENTS,
)

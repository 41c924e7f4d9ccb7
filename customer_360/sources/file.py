from customer_360.sources import Source, base_event, sql

DOCTYPE = "File"


def to_events(row: dict) -> list:
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="file_attached",
			event_type="file",
			event_time=row["creation"],
			title=row.get("file_name") or row["name"],
			summary="Private file" if row.get("is_private") else None,
		)
	]


SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("file_attached"),
		event_type="file",
		event_time="t.creation",
		title="t.file_name",
		summary="if(t.is_private, 'Private file', null)",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("attached_to_name", "file_name", "is_private"),
	where="attached_to_doctype = 'Customer' and is_folder = 0",
	customer_column="attached_to_name",
	to_events=to_events,
	follows_customer=True,
	sql_events=SQL_EVENTS,
)

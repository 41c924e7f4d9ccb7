from customer_360.sources import Source, base_event, sql

DOCTYPE = "Appointment"


def to_events(row: dict) -> list:
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="appointment_booked",
			event_type="interaction",
			event_time=row.get("scheduled_time") or row["creation"],
			title=f"Appointment with {row.get('customer_name') or row['customer']}",
			summary=row.get("status"),
		)
	]


SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("appointment_booked"),
		event_type="interaction",
		event_time="coalesce(t.scheduled_time, t.creation)",
		title="concat('Appointment with ', coalesce(nullif(t.customer_name, ''), t.party))",
		summary="t.status",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("party", "customer_name", "scheduled_time", "status"),
	where="appointment_with = 'Customer'",
	customer_column="party",
	to_events=to_events,
	optional=True,
	sql_events=SQL_EVENTS,
)

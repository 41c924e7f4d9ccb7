from customer_360.sources import Source, base_event

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


SOURCE = Source(
	doctype=DOCTYPE,
	fields=("party", "customer_name", "scheduled_time", "status"),
	where="appointment_with = 'Customer'",
	customer_column="party",
	to_events=to_events,
	optional=True,
)

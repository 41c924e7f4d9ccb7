from customer_360.sources import Source, base_event, lead, sql

DOCTYPE = "Appointment"
# ERPNext's booking page makes appointments with Leads: they are the customer's once the Lead converts.
_DIRECT, _LINKS, _LINKS_SQL = lead.direct_or_party("tabAppointment", "appointment_with", "party")


def to_events(row: dict) -> list:
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="appointment_booked",
			event_type="interaction",
			event_time=row.get("scheduled_time") or row["creation"],
			title=f"Appointment with {row.get('customer_name') or row.get('party') or row['customer']}",
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
	where="appointment_with in ('Customer', 'Lead', 'Prospect')",
	customer_column=None,
	links_sql=_LINKS_SQL,
	sql_direct=_DIRECT,
	sql_links=_LINKS,
	to_events=to_events,
	optional=True,
	sql_events=SQL_EVENTS,
)

from customer_360.sources import Source, base_event, day_time

DOCTYPE = "Issue"
CLOSED = ("Resolved", "Closed")


def to_events(row: dict) -> list:
	opened = day_time(row, "opening_date", "opening_time")
	events = [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="issue_opened",
			event_type="support",
			event_time=opened,
			title=row.get("subject") or f"Issue {row['name']}",
			summary=" · ".join(
				x for x in (row.get("priority"), row.get("status"), row.get("raised_by")) if x
			),
		)
	]
	if row.get("status") in CLOSED:
		events.append(
			base_event(
				row,
				source_doctype=DOCTYPE,
				kind="issue_closed",
				event_type="support",
				event_time=row.get("sla_resolution_date") or row["modified"],
				title=f"{row['status']}: {row.get('subject') or row['name']}",
				actor=row.get("modified_by"),
			)
		)
	return events


SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"customer",
		"company",
		"subject",
		"status",
		"priority",
		"raised_by",
		"opening_date",
		"opening_time",
		"sla_resolution_date",
		"contact",
	),
	where="customer is not null and customer != ''",
	customer_column="customer",
	to_events=to_events,
	optional=True,
)

from customer_360.sources import Source, base_event, day_time, sql

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


_SUBJECT = "coalesce(nullif(t.subject, ''), t.name)"
SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("issue_opened"),
		event_type="support",
		event_time=sql.day_time("t.opening_date", "t.opening_time"),
		title="coalesce(nullif(t.subject, ''), concat('Issue ', t.name))",
		summary="concat_ws(' · ', nullif(t.priority, ''), nullif(t.status, ''), nullif(t.raised_by, ''))",
		company="t.company",
		contact="t.contact",
	),
	sql.SqlEvent(
		kind=sql.lit("issue_closed"),
		event_type="support",
		event_time="coalesce(t.sla_resolution_date, t.modified)",
		title=f"concat(t.status, ': ', {_SUBJECT})",
		company="t.company",
		contact="t.contact",
		actor="t.modified_by",
		when="t.status in ('Resolved', 'Closed')",
	),
)

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
	sql_events=SQL_EVENTS,
)

"""Maintenance Visit: a service engineer's visit (scheduled, unscheduled or a breakdown call), submitted."""

from customer_360.sources import Source, base_event, cancellation, day_time, sql

DOCTYPE = "Maintenance Visit"


def to_events(row: dict) -> list:
	what = " · ".join(
		x
		for x in (row.get("maintenance_type"), row.get("completion_status"), row.get("customer_feedback"))
		if x
	)
	events = [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="maintenance_visit",
			event_type="service",
			event_time=day_time(row, "mntc_date", "mntc_time"),
			title=f"Maintenance visit {row['name']}",
			summary=what,
			contact=row.get("contact_person"),
		)
	]
	if row.get("docstatus") == 2:
		events.append(
			cancellation(
				row,
				DOCTYPE,
				"maintenance_visit_cancelled",
				"service",
				f"Maintenance visit {row['name']} cancelled",
			)
		)
	return events


SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("maintenance_visit"),
		event_type="service",
		event_time=sql.day_time("t.mntc_date", "t.mntc_time"),
		title="concat('Maintenance visit ', t.name)",
		summary="concat_ws(' · ', nullif(t.maintenance_type, ''), nullif(t.completion_status, ''),"
		" nullif(t.customer_feedback, ''))",
		company="t.company",
		contact="t.contact_person",
		cancelled="t.docstatus = 2",
	),
	sql.cancellation(
		"maintenance_visit_cancelled", "service", "concat('Maintenance visit ', t.name, ' cancelled')"
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"customer",
		"company",
		"mntc_date",
		"mntc_time",
		"maintenance_type",
		"completion_status",
		"customer_feedback",
		"docstatus",
		"contact_person",
	),
	where="docstatus > 0",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
	optional=True,
)

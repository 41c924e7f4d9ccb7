"""Installation Note: delivered goods installed at the customer's site (submitted), and its cancellation."""

from customer_360.sources import Source, base_event, cancellation, day_time, sql

DOCTYPE = "Installation Note"


def to_events(row: dict) -> list:
	events = [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="installation_done",
			event_type="service",
			event_time=day_time(row, "inst_date", "inst_time"),
			title=f"Installation {row['name']}",
			summary=row.get("remarks"),
			contact=row.get("contact_person"),
		)
	]
	if row.get("docstatus") == 2:
		events.append(
			cancellation(
				row, DOCTYPE, "installation_cancelled", "service", f"Installation {row['name']} cancelled"
			)
		)
	return events


SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("installation_done"),
		event_type="service",
		event_time=sql.day_time("t.inst_date", "t.inst_time"),
		title="concat('Installation ', t.name)",
		summary="t.remarks",
		company="t.company",
		contact="t.contact_person",
		cancelled="t.docstatus = 2",
	),
	sql.cancellation("installation_cancelled", "service", "concat('Installation ', t.name, ' cancelled')"),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("customer", "company", "inst_date", "inst_time", "remarks", "docstatus", "contact_person"),
	where="docstatus > 0",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
	# ERPNext may move installed-base service out of its core, as it is doing with Issue.
	optional=True,
)

"""Maintenance Schedule: the visits planned for a customer's equipment (submitted), and its cancellation.

One event per schedule, not one per planned visit: a schedule plans every visit of its whole term at once (a
monthly service over three years is 36 rows), which would fill the timeline with future dates that may still
be moved; the visits that happen appear as Maintenance Visit events. The schedule's event says how many visits
are planned and over which dates (from its child rows, read next to the document by links_sql and by the same
subqueries in SQL).
"""

from customer_360.sources import Source, day_time, sql, voucher_events

DOCTYPE = "Maintenance Schedule"
_DETAIL = (
	"(select {agg} from `tabMaintenance Schedule Detail` d"
	" where d.parent = t.name and d.parenttype = 'Maintenance Schedule')"
)
VISITS = _DETAIL.format(agg="count(*)")
FIRST = _DETAIL.format(agg="min(d.scheduled_date)")
LAST = _DETAIL.format(agg="max(d.scheduled_date)")


def to_events(row: dict) -> list:
	planned = (
		f"Visits planned: {row['visits']} ({row['first_visit']} to {row['last_visit']})"
		if row.get("visits")
		else None
	)
	return voucher_events(
		row,
		DOCTYPE,
		"service",
		"maintenance_schedule_cancelled",
		kind="maintenance_scheduled",
		event_time=day_time(row, "transaction_date"),
		title=f"Maintenance schedule {row['name']}",
		summary=planned,
		# The contact links_sql read with the customer.
		contact=row.get("contact"),
	)


def links_sql(names) -> str:
	return (
		f"select t.name, t.customer, t.contact_person, {VISITS}, {FIRST}, {LAST}"
		f" from `tab{DOCTYPE}` t where {names('t.name')}"
	)


SQL_EVENTS = sql.voucher(
	"service",
	"maintenance_schedule_cancelled",
	kind=sql.lit("maintenance_scheduled"),
	event_time=sql.day_time("t.transaction_date"),
	title="concat('Maintenance schedule ', t.name)",
	summary=f"if({VISITS} > 0, concat('Visits planned: ', {VISITS}, ' (', {FIRST}, ' to ', {LAST}, ')'), null)",
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("customer", "company", "transaction_date", "docstatus", "contact_person"),
	where="docstatus > 0",
	# The planned visits are child rows: links_sql reads them with the customer (Source.link_fields).
	customer_column=None,
	links_sql=links_sql,
	link_fields=("visits", "first_visit", "last_visit"),
	sql_direct=("", "t.customer"),
	to_events=to_events,
	sql_events=SQL_EVENTS,
	optional=True,
)

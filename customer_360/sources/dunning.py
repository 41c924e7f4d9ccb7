"""Dunning: a payment reminder sent to the customer (its type says which level), and its cancellation."""

from customer_360.sources import Source, base_event, cancellation, day_time, sql

DOCTYPE = "Dunning"


def to_events(row: dict) -> list:
	summary = " · ".join(x for x in (row.get("dunning_type"), row.get("status")) if x) or None
	events = [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="dunning_sent",
			event_type="money",
			event_time=day_time(row, "posting_date", "posting_time"),
			title=f"Payment reminder {row['name']}",
			summary=summary,
			amount=row.get("grand_total"),
			currency=row.get("currency"),
			contact=row.get("contact_person"),
		)
	]
	if row.get("docstatus") == 2:
		events.append(
			cancellation(
				row, DOCTYPE, "dunning_cancelled", "money", f"Payment reminder {row['name']} cancelled"
			)
		)
	return events


SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("dunning_sent"),
		event_type="money",
		event_time=sql.day_time("t.posting_date", "t.posting_time"),
		title="concat('Payment reminder ', t.name)",
		summary="nullif(concat_ws(' · ', nullif(t.dunning_type, ''), nullif(t.status, '')), '')",
		amount="t.grand_total",
		currency="t.currency",
		company="t.company",
		contact="t.contact_person",
		cancelled="t.docstatus = 2",
	),
	sql.cancellation("dunning_cancelled", "money", "concat('Payment reminder ', t.name, ' cancelled')"),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"customer",
		"company",
		"posting_date",
		"posting_time",
		"grand_total",
		"currency",
		"dunning_type",
		"status",
		"docstatus",
		"contact_person",
	),
	where="docstatus > 0",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
	optional=True,
)

from customer_360.sources import Source, base_event, cancellation, day_time, sql

DOCTYPE = "Sales Order"


def to_events(row: dict) -> list:
	events = [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="order_confirmed",
			event_type="sales",
			event_time=day_time(row, "transaction_date"),
			title=f"Order {row['name']}",
			summary=f"Deliver by {row['delivery_date']}" if row.get("delivery_date") else None,
			amount=row.get("grand_total"),
			currency=row.get("currency"),
			contact=row.get("contact_person"),
		)
	]
	if row.get("docstatus") == 2:
		events.append(
			cancellation(row, DOCTYPE, "order_cancelled", "sales", f"Order {row['name']} cancelled")
		)
	return events


SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("order_confirmed"),
		event_type="sales",
		event_time=sql.day_time("t.transaction_date"),
		title="concat('Order ', t.name)",
		summary="if(t.delivery_date is null, null, concat('Deliver by ', t.delivery_date))",
		amount="t.grand_total",
		currency="t.currency",
		company="t.company",
		contact="t.contact_person",
		cancelled="t.docstatus = 2",
	),
	sql.cancellation("order_cancelled", "sales", "concat('Order ', t.name, ' cancelled')"),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"customer",
		"company",
		"transaction_date",
		"delivery_date",
		"grand_total",
		"currency",
		"docstatus",
		"contact_person",
	),
	where="docstatus > 0",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

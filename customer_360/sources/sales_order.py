from customer_360.sources import Source, base_event, cancellation, day_time

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
)

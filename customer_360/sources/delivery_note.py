from customer_360.sources import Source, base_event, cancellation, day_time, sql

DOCTYPE = "Delivery Note"


def to_events(row: dict) -> list:
	is_return = bool(row.get("is_return"))
	events = [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="delivery_returned" if is_return else "delivery_done",
			event_type="sales",
			event_time=day_time(row, "posting_date", "posting_time"),
			title=(f"Return {row['name']}" if is_return else f"Delivery {row['name']}"),
			summary=f"Return against {row['return_against']}"
			if is_return and row.get("return_against")
			else None,
			amount=row.get("grand_total"),
			currency=row.get("currency"),
			contact=row.get("contact_person"),
		)
	]
	if row.get("docstatus") == 2:
		events.append(
			cancellation(row, DOCTYPE, "delivery_cancelled", "sales", f"Delivery {row['name']} cancelled")
		)
	return events


SQL_EVENTS = (
	sql.SqlEvent(
		kind="if(t.is_return, 'delivery_returned', 'delivery_done')",
		event_type="sales",
		event_time=sql.day_time("t.posting_date", "t.posting_time"),
		title="concat(if(t.is_return, 'Return ', 'Delivery '), t.name)",
		summary=f"if(t.is_return and {sql.given('t.return_against')}, concat('Return against ', t.return_against), null)",
		amount="t.grand_total",
		currency="t.currency",
		company="t.company",
		contact="t.contact_person",
		cancelled="t.docstatus = 2",
	),
	sql.cancellation("delivery_cancelled", "sales", "concat('Delivery ', t.name, ' cancelled')"),
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
		"is_return",
		"return_against",
		"docstatus",
		"contact_person",
	),
	where="docstatus > 0",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

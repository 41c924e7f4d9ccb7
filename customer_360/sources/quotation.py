from customer_360.sources import Source, base_event, cancellation, day_time, sql

DOCTYPE = "Quotation"


def to_events(row: dict) -> list:
	events = [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="quotation_sent",
			event_type="sales",
			event_time=day_time(row, "transaction_date"),
			title=f"Quotation {row['name']}",
			summary=f"Valid till {row['valid_till']}" if row.get("valid_till") else None,
			amount=row.get("grand_total"),
			currency=row.get("currency"),
			contact=row.get("contact_person"),
		)
	]
	if row.get("docstatus") == 1 and row.get("status") == "Lost":
		events.append(
			base_event(
				row,
				source_doctype=DOCTYPE,
				kind="quotation_lost",
				event_type="sales",
				event_time=row["modified"],
				title=f"Quotation {row['name']} lost",
				actor=row.get("modified_by"),
			)
		)
	if row.get("docstatus") == 2:
		events.append(
			cancellation(row, DOCTYPE, "quotation_cancelled", "sales", f"Quotation {row['name']} cancelled")
		)
	return events


SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("quotation_sent"),
		event_type="sales",
		event_time=sql.day_time("t.transaction_date"),
		title="concat('Quotation ', t.name)",
		summary="if(t.valid_till is null, null, concat('Valid till ', t.valid_till))",
		amount="t.grand_total",
		currency="t.currency",
		company="t.company",
		contact="t.contact_person",
		cancelled="t.docstatus = 2",
	),
	sql.SqlEvent(
		kind=sql.lit("quotation_lost"),
		event_type="sales",
		event_time="t.modified",
		title="concat('Quotation ', t.name, ' lost')",
		company="t.company",
		actor="t.modified_by",
		when="t.docstatus = 1 and t.status = 'Lost'",
	),
	sql.cancellation("quotation_cancelled", "sales", "concat('Quotation ', t.name, ' cancelled')"),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"party_name",
		"company",
		"transaction_date",
		"valid_till",
		"grand_total",
		"currency",
		"status",
		"docstatus",
		"contact_person",
	),
	where="docstatus > 0 and quotation_to = 'Customer'",
	customer_column="party_name",
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

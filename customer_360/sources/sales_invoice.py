from customer_360.sources import Source, base_event, cancellation, day_time, sql

DOCTYPE = "Sales Invoice"


def to_events(row: dict) -> list:
	is_return = bool(row.get("is_return"))
	common = {
		"source_doctype": DOCTYPE,
		"event_type": "money",
		"event_time": day_time(row, "posting_date", "posting_time"),
		"amount": row.get("grand_total"),
		"currency": row.get("currency"),
		"contact": row.get("contact_person"),
	}
	if is_return:
		events = [
			base_event(
				row,
				kind="credit_note",
				title=f"Credit note {row['name']}",
				summary=f"Return against {row['return_against']}"
				if row.get("return_against")
				else "Credit note",
				**common,
			)
		]
	else:
		events = [
			base_event(
				row,
				kind="invoice_submitted",
				title=f"Invoice {row['name']}",
				summary=f"Due {row['due_date']}" if row.get("due_date") else None,
				**common,
			)
		]
	if row.get("docstatus") == 2:
		what = "Credit note" if is_return else "Invoice"
		events.append(
			cancellation(row, DOCTYPE, "invoice_cancelled", "money", f"{what} {row['name']} cancelled")
		)
	return events


_COMMON = {
	"event_type": "money",
	"event_time": sql.day_time("t.posting_date", "t.posting_time"),
	"amount": "t.grand_total",
	"currency": "t.currency",
	"company": "t.company",
	"contact": "t.contact_person",
	"cancelled": "t.docstatus = 2",
}
SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("credit_note"),
		title="concat('Credit note ', t.name)",
		summary=f"if({sql.given('t.return_against')}, concat('Return against ', t.return_against), 'Credit note')",
		when="t.is_return",
		**_COMMON,
	),
	sql.SqlEvent(
		kind=sql.lit("invoice_submitted"),
		title="concat('Invoice ', t.name)",
		summary="if(t.due_date is null, null, concat('Due ', t.due_date))",
		when="not t.is_return",
		**_COMMON,
	),
	sql.cancellation(
		"invoice_cancelled",
		"money",
		"concat(if(t.is_return, 'Credit note ', 'Invoice '), t.name, ' cancelled')",
	),
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
		"due_date",
		"docstatus",
		"contact_person",
	),
	where="docstatus > 0",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

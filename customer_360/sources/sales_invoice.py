from customer_360.sources import day_time, sql, voucher_events, voucher_source

DOCTYPE = "Sales Invoice"


def to_events(row: dict) -> list:
	is_return = bool(row.get("is_return"))
	if is_return:
		against = row.get("return_against")
		summary = f"Return against {against}" if against else "Credit note"
	else:
		summary = f"Due {row['due_date']}" if row.get("due_date") else None
	return voucher_events(
		row,
		DOCTYPE,
		"money",
		"invoice_cancelled",
		kind="credit_note" if is_return else "invoice_submitted",
		event_time=day_time(row, "posting_date", "posting_time"),
		title=f"{'Credit note' if is_return else 'Invoice'} {row['name']}",
		summary=summary,
		amount=row.get("grand_total"),
		currency=row.get("currency"),
	)


_COMMON = {
	"event_type": "money",
	"event_time": sql.day_time("t.posting_date", "t.posting_time"),
	"amount": "t.grand_total",
	"currency": "t.currency",
}
# A credit note and an invoice are two kinds of one scan (their summaries differ in shape).
SQL_EVENTS = (
	sql.submitted(
		kind=sql.lit("credit_note"),
		title="concat('Credit note ', t.name)",
		summary=f"if({sql.given('t.return_against')}, concat('Return against ', t.return_against), 'Credit note')",
		when="t.is_return",
		**_COMMON,
	),
	sql.submitted(
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

SOURCE = voucher_source(
	DOCTYPE,
	("posting_date", "posting_time", "grand_total", "currency", "is_return", "return_against", "due_date"),
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

from customer_360.sources import day_time, sql, voucher_events, voucher_source

DOCTYPE = "Sales Order"


def to_events(row: dict) -> list:
	return voucher_events(
		row,
		DOCTYPE,
		"sales",
		"order_cancelled",
		kind="order_confirmed",
		event_time=day_time(row, "transaction_date"),
		title=f"Order {row['name']}",
		summary=f"Deliver by {row['delivery_date']}" if row.get("delivery_date") else None,
		amount=row.get("grand_total"),
		currency=row.get("currency"),
	)


SQL_EVENTS = sql.voucher(
	"sales",
	"order_cancelled",
	kind=sql.lit("order_confirmed"),
	event_time=sql.day_time("t.transaction_date"),
	title="concat('Order ', t.name)",
	summary="if(t.delivery_date is null, null, concat('Deliver by ', t.delivery_date))",
	amount="t.grand_total",
	currency="t.currency",
)

SOURCE = voucher_source(
	DOCTYPE,
	("transaction_date", "delivery_date", "grand_total", "currency"),
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

from customer_360.sources import day_time, sql, voucher_events, voucher_source

DOCTYPE = "Delivery Note"


def to_events(row: dict) -> list:
	is_return = bool(row.get("is_return"))
	return voucher_events(
		row,
		DOCTYPE,
		"sales",
		"delivery_cancelled",
		# A return's cancellation is titled as a delivery's too.
		cancelled_title=f"Delivery {row['name']} cancelled",
		kind="delivery_returned" if is_return else "delivery_done",
		event_time=day_time(row, "posting_date", "posting_time"),
		title=(f"Return {row['name']}" if is_return else f"Delivery {row['name']}"),
		summary=f"Return against {row['return_against']}"
		if is_return and row.get("return_against")
		else None,
		amount=row.get("grand_total"),
		currency=row.get("currency"),
	)


SQL_EVENTS = sql.voucher(
	"sales",
	"delivery_cancelled",
	cancelled_title="concat('Delivery ', t.name, ' cancelled')",
	kind="if(t.is_return, 'delivery_returned', 'delivery_done')",
	event_time=sql.day_time("t.posting_date", "t.posting_time"),
	title="concat(if(t.is_return, 'Return ', 'Delivery '), t.name)",
	summary=f"if(t.is_return and {sql.given('t.return_against')}, concat('Return against ', t.return_against), null)",
	amount="t.grand_total",
	currency="t.currency",
)

SOURCE = voucher_source(
	DOCTYPE,
	("posting_date", "posting_time", "grand_total", "currency", "is_return", "return_against"),
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

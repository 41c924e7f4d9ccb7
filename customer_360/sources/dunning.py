"""Dunning: a payment reminder sent to the customer (its type says which level), and its cancellation."""

from customer_360.sources import day_time, sql, voucher_events, voucher_source

DOCTYPE = "Dunning"


def to_events(row: dict) -> list:
	return voucher_events(
		row,
		DOCTYPE,
		"money",
		"dunning_cancelled",
		kind="dunning_sent",
		event_time=day_time(row, "posting_date", "posting_time"),
		title=f"Payment reminder {row['name']}",
		summary=" · ".join(x for x in (row.get("dunning_type"), row.get("status")) if x) or None,
		amount=row.get("grand_total"),
		currency=row.get("currency"),
	)


SQL_EVENTS = sql.voucher(
	"money",
	"dunning_cancelled",
	kind=sql.lit("dunning_sent"),
	event_time=sql.day_time("t.posting_date", "t.posting_time"),
	title="concat('Payment reminder ', t.name)",
	summary="nullif(concat_ws(' · ', nullif(t.dunning_type, ''), nullif(t.status, '')), '')",
	amount="t.grand_total",
	currency="t.currency",
)

SOURCE = voucher_source(
	DOCTYPE,
	("posting_date", "posting_time", "grand_total", "currency", "dunning_type", "status"),
	to_events=to_events,
	sql_events=SQL_EVENTS,
	optional=True,
)

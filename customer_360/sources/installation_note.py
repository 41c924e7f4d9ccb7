"""Installation Note: delivered goods installed at the customer's site (submitted), and its cancellation."""

from customer_360.sources import day_time, sql, voucher_events, voucher_source

DOCTYPE = "Installation Note"


def to_events(row: dict) -> list:
	return voucher_events(
		row,
		DOCTYPE,
		"service",
		"installation_cancelled",
		kind="installation_done",
		event_time=day_time(row, "inst_date", "inst_time"),
		title=f"Installation {row['name']}",
		summary=row.get("remarks"),
	)


SQL_EVENTS = sql.voucher(
	"service",
	"installation_cancelled",
	kind=sql.lit("installation_done"),
	event_time=sql.day_time("t.inst_date", "t.inst_time"),
	title="concat('Installation ', t.name)",
	summary="t.remarks",
)

SOURCE = voucher_source(
	DOCTYPE,
	("inst_date", "inst_time", "remarks"),
	to_events=to_events,
	sql_events=SQL_EVENTS,
	# ERPNext may move installed-base service out of its core, as it is doing with Issue.
	optional=True,
)

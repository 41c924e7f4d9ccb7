"""Maintenance Visit: a service engineer's visit (scheduled, unscheduled or a breakdown call), submitted."""

from customer_360.sources import day_time, sql, voucher_events, voucher_source

DOCTYPE = "Maintenance Visit"


def to_events(row: dict) -> list:
	what = (row.get("maintenance_type"), row.get("completion_status"), row.get("customer_feedback"))
	return voucher_events(
		row,
		DOCTYPE,
		"service",
		"maintenance_visit_cancelled",
		kind="maintenance_visit",
		event_time=day_time(row, "mntc_date", "mntc_time"),
		title=f"Maintenance visit {row['name']}",
		summary=" · ".join(x for x in what if x),
	)


SQL_EVENTS = sql.voucher(
	"service",
	"maintenance_visit_cancelled",
	kind=sql.lit("maintenance_visit"),
	event_time=sql.day_time("t.mntc_date", "t.mntc_time"),
	title="concat('Maintenance visit ', t.name)",
	summary="concat_ws(' · ', nullif(t.maintenance_type, ''), nullif(t.completion_status, ''),"
	" nullif(t.customer_feedback, ''))",
)

SOURCE = voucher_source(
	DOCTYPE,
	("mntc_date", "mntc_time", "maintenance_type", "completion_status", "customer_feedback"),
	to_events=to_events,
	sql_events=SQL_EVENTS,
	optional=True,
)

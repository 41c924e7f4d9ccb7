"""Loyalty Point Entry: points earned on an invoice, or redeemed against one. The points are in the title
(they are not money); the spend that earned them is the event's amount, masked like any amount."""

from customer_360.sources import Source, base_event, day_time, sql

DOCTYPE = "Loyalty Point Entry"


def to_events(row: dict) -> list:
	points = int(row.get("loyalty_points") or 0)
	earned = points > 0
	invoice = f" on {row['invoice']}" if row.get("invoice") else ""
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="points_earned" if earned else "points_redeemed",
			event_type="money",
			event_time=day_time(row, "posting_date"),
			title=f"{abs(points)} loyalty points {'earned' if earned else 'redeemed'}",
			summary=f"{row.get('loyalty_program') or 'Loyalty programme'}{invoice}",
			amount=row.get("purchase_amount") if earned else None,
		)
	]


SQL_EVENTS = (
	sql.SqlEvent(
		kind="if(t.loyalty_points > 0, 'points_earned', 'points_redeemed')",
		event_type="money",
		event_time=sql.day_time("t.posting_date"),
		title="concat(abs(t.loyalty_points), if(t.loyalty_points > 0, ' loyalty points earned',"
		" ' loyalty points redeemed'))",
		summary="concat(coalesce(nullif(t.loyalty_program, ''), 'Loyalty programme'),"
		f" if({sql.given('t.invoice')}, concat(' on ', t.invoice), ''))",
		amount="if(t.loyalty_points > 0, t.purchase_amount, null)",
		company="t.company",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"customer",
		"company",
		"posting_date",
		"loyalty_points",
		"loyalty_program",
		"purchase_amount",
		"invoice",
	),
	# Not submittable; ERPNext deletes the entries of a cancelled invoice in SQL (no hook): reconcile drops them.
	where="loyalty_points != 0",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
	optional=True,
)

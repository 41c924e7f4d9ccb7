"""POS Invoice: a till sale (or return) until ERPNext consolidates it into a Sales Invoice. Once consolidated
(consolidated_invoice set, status Consolidated) the Sales Invoice carries the money on the timeline, so the POS
invoice's own events go: the sale is never counted twice."""

from customer_360.sources import day_time, sql, voucher_events, voucher_source

DOCTYPE = "POS Invoice"


def to_events(row: dict) -> list:
	is_return = bool(row.get("is_return"))
	return voucher_events(
		row,
		DOCTYPE,
		"money",
		"pos_cancelled",
		kind="pos_return" if is_return else "pos_sale",
		event_time=day_time(row, "posting_date", "posting_time"),
		title=f"{'POS return' if is_return else 'POS sale'} {row['name']}",
		summary=f"Return against {row['return_against']}"
		if is_return and row.get("return_against")
		else (row.get("pos_profile") or None),
		amount=row.get("grand_total"),
		currency=row.get("currency"),
	)


SQL_EVENTS = sql.voucher(
	"money",
	"pos_cancelled",
	kind="if(t.is_return, 'pos_return', 'pos_sale')",
	event_time=sql.day_time("t.posting_date", "t.posting_time"),
	title="concat(if(t.is_return, 'POS return ', 'POS sale '), t.name)",
	summary=f"if(t.is_return and {sql.given('t.return_against')}, concat('Return against ', t.return_against),"
	" nullif(t.pos_profile, ''))",
	amount="t.grand_total",
	currency="t.currency",
)

SOURCE = voucher_source(
	DOCTYPE,
	("posting_date", "posting_time", "grand_total", "currency", "is_return", "return_against", "pos_profile"),
	# Not yet consolidated: afterwards its Sales Invoice is the record (no double counting).
	where="docstatus > 0 and nullif(consolidated_invoice, '') is null",
	to_events=to_events,
	sql_events=SQL_EVENTS,
	optional=True,
)

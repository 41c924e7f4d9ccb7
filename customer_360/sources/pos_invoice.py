"""POS Invoice: a till sale (or return) until ERPNext consolidates it into a Sales Invoice. Once consolidated
(consolidated_invoice set, status Consolidated) the Sales Invoice carries the money on the timeline, so the POS
invoice's own events go: the sale is never counted twice."""

from customer_360.sources import Source, base_event, cancellation, day_time, sql

DOCTYPE = "POS Invoice"


def to_events(row: dict) -> list:
	is_return = bool(row.get("is_return"))
	what = "POS return" if is_return else "POS sale"
	events = [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="pos_return" if is_return else "pos_sale",
			event_type="money",
			event_time=day_time(row, "posting_date", "posting_time"),
			title=f"{what} {row['name']}",
			summary=f"Return against {row['return_against']}"
			if is_return and row.get("return_against")
			else (row.get("pos_profile") or None),
			amount=row.get("grand_total"),
			currency=row.get("currency"),
			contact=row.get("contact_person"),
		)
	]
	if row.get("docstatus") == 2:
		events.append(cancellation(row, DOCTYPE, "pos_cancelled", "money", f"{what} {row['name']} cancelled"))
	return events


_WHAT = "if(t.is_return, 'POS return ', 'POS sale ')"
SQL_EVENTS = (
	sql.SqlEvent(
		kind="if(t.is_return, 'pos_return', 'pos_sale')",
		event_type="money",
		event_time=sql.day_time("t.posting_date", "t.posting_time"),
		title=f"concat({_WHAT}, t.name)",
		summary=f"if(t.is_return and {sql.given('t.return_against')}, concat('Return against ', t.return_against),"
		" nullif(t.pos_profile, ''))",
		amount="t.grand_total",
		currency="t.currency",
		company="t.company",
		contact="t.contact_person",
		cancelled="t.docstatus = 2",
	),
	sql.cancellation("pos_cancelled", "money", f"concat({_WHAT}, t.name, ' cancelled')"),
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
		"pos_profile",
		"docstatus",
		"contact_person",
	),
	# Not yet consolidated: afterwards its Sales Invoice is the record (no double counting).
	where="docstatus > 0 and nullif(consolidated_invoice, '') is null",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
	optional=True,
)

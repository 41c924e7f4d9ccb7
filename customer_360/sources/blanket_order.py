"""Blanket Order (selling): a customer's agreement to buy items at fixed rates over a period — agreed, the day
it ends, and its cancellation.

Amount: the agreement's value, the sum of qty x rate of its items (the order holds no total; its rates are in
the company's currency, the order having none of its own). Read next to the row by links_sql
(Source.link_fields) and by the same subqueries in SQL.
"""

from customer_360.sources import Source, base_event, cancellation, day_time, sql

DOCTYPE = "Blanket Order"
VALUE = (
	"(select sum(i.qty * i.rate) from `tabBlanket Order Item` i"
	" where i.parent = t.name and i.parenttype = 'Blanket Order')"
)
CURRENCY = "(select c.default_currency from `tabCompany` c where c.name = t.company)"


def to_events(row: dict) -> list:
	start, end = row.get("from_date"), row.get("to_date")
	common = {"source_doctype": DOCTYPE, "event_type": "commitment", "cancelled": row.get("docstatus") == 2}
	events = [
		base_event(
			row,
			kind="blanket_order_agreed",
			event_time=day_time({**row, "agreed": row.get("order_date") or start}, "agreed"),
			title=f"Blanket order {row['name']}",
			summary=" · ".join(
				x for x in (f"Valid {start} to {end}" if start and end else None, row.get("order_no")) if x
			),
			amount=row.get("order_value"),
			currency=row.get("order_currency"),
			**common,
		)
	]
	if end:
		events.append(
			base_event(
				row,
				kind="blanket_order_ends",
				event_time=day_time(row, "to_date"),
				title=f"Blanket order {row['name']} ends",
				**common,
			)
		)
	if row.get("docstatus") == 2:
		events.append(
			cancellation(
				row,
				DOCTYPE,
				"blanket_order_cancelled",
				"commitment",
				f"Blanket order {row['name']} cancelled",
			)
		)
	return events


def links_sql(names) -> str:
	return (
		f"select t.name, t.customer, null, {VALUE}, {CURRENCY} from `tab{DOCTYPE}` t where {names('t.name')}"
	)


SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("blanket_order_agreed"),
		event_type="commitment",
		event_time=sql.day_time("coalesce(t.order_date, t.from_date)"),
		title="concat('Blanket order ', t.name)",
		summary="concat_ws(' · ', if(t.from_date is null or t.to_date is null, null,"
		" concat('Valid ', t.from_date, ' to ', t.to_date)), nullif(t.order_no, ''))",
		amount=VALUE,
		currency=CURRENCY,
		company="t.company",
		cancelled="t.docstatus = 2",
	),
	sql.SqlEvent(
		kind=sql.lit("blanket_order_ends"),
		event_type="commitment",
		event_time=sql.day_time("t.to_date"),
		title="concat('Blanket order ', t.name, ' ends')",
		company="t.company",
		cancelled="t.docstatus = 2",
		when="t.to_date is not null",
	),
	sql.cancellation(
		"blanket_order_cancelled", "commitment", "concat('Blanket order ', t.name, ' cancelled')"
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("customer", "company", "order_date", "from_date", "to_date", "order_no", "docstatus"),
	where="blanket_order_type = 'Selling' and docstatus > 0",
	# The value is in child rows: links_sql reads it with the customer (Source.link_fields).
	customer_column=None,
	links_sql=links_sql,
	link_fields=("order_value", "order_currency"),
	sql_direct=("", "t.customer"),
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

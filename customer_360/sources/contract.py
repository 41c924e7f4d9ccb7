"""Contract with a customer: signed, and the day its term ends (upcoming while it runs, past once it ended).

ERPNext's Contract holds no value, so its events carry no amount; what the customer is billed under it reaches
the timeline as invoices.
"""

from customer_360.sources import Source, base_event, cancellation, day_time, sql

DOCTYPE = "Contract"


def to_events(row: dict) -> list:
	common = {"source_doctype": DOCTYPE, "event_type": "commitment", "cancelled": row.get("docstatus") == 2}
	events = []
	if row.get("is_signed"):
		events.append(
			base_event(
				row,
				kind="contract_signed",
				event_time=row.get("signed_on") or day_time(row, "start_date"),
				title=f"Contract {row['name']} signed",
				summary=f"Signed by {row['signee']}" if row.get("signee") else None,
				**common,
			)
		)
	if row.get("end_date"):
		events.append(
			base_event(
				row,
				kind="contract_ends",
				event_time=day_time(row, "end_date"),
				title=f"Contract {row['name']} ends",
				summary=f"Term {row['start_date']} to {row['end_date']}" if row.get("start_date") else None,
				**common,
			)
		)
	if row.get("docstatus") == 2:
		events.append(
			cancellation(
				row, DOCTYPE, "contract_cancelled", "commitment", f"Contract {row['name']} cancelled"
			)
		)
	return events


SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("contract_signed"),
		event_type="commitment",
		event_time=f"coalesce(t.signed_on, {sql.day_time('t.start_date')})",
		title="concat('Contract ', t.name, ' signed')",
		summary=f"if({sql.given('t.signee')}, concat('Signed by ', t.signee), null)",
		cancelled="t.docstatus = 2",
		when="t.is_signed",
	),
	sql.SqlEvent(
		kind=sql.lit("contract_ends"),
		event_type="commitment",
		event_time=sql.day_time("t.end_date"),
		title="concat('Contract ', t.name, ' ends')",
		summary="if(t.start_date is null, null, concat('Term ', t.start_date, ' to ', t.end_date))",
		cancelled="t.docstatus = 2",
		when="t.end_date is not null",
	),
	sql.SqlEvent(
		kind=sql.lit("contract_cancelled"),
		event_type="commitment",
		event_time="t.modified",
		title="concat('Contract ', t.name, ' cancelled')",
		actor="t.modified_by",
		cancelled="1",
		when="t.docstatus = 2",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("party_name", "is_signed", "signed_on", "signee", "start_date", "end_date", "docstatus"),
	where="party_type = 'Customer'",
	customer_column="party_name",
	to_events=to_events,
	sql_events=SQL_EVENTS,
	# ERPNext's CRM module is moving to Frappe CRM.
	optional=True,
)

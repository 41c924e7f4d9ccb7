from customer_360.sources import Source, base_event, day_time, lead, sql

DOCTYPE = "Opportunity"
# An opportunity of a Lead or a Prospect is its customer's history once the Lead converts (sources/lead.py).
_DIRECT, _LINKS, _LINKS_SQL = lead.direct_or_party("tabOpportunity", "opportunity_from", "party_name")
OUTCOME_KINDS = {"Lost": "opportunity_lost", "Converted": "opportunity_won", "Closed": "opportunity_closed"}


def to_events(row: dict) -> list:
	label = row.get("title") or row["name"]
	events = [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="opportunity_created",
			event_type="sales",
			event_time=day_time(row, "transaction_date"),
			title=f"Opportunity: {label}",
			summary=" · ".join(x for x in (row.get("sales_stage"), row.get("status")) if x),
			amount=row.get("opportunity_amount") or None,
			currency=row.get("currency"),
			contact=row.get("contact_person"),
		)
	]
	kind = OUTCOME_KINDS.get(row.get("status"))
	if kind:
		events.append(
			base_event(
				row,
				source_doctype=DOCTYPE,
				kind=kind,
				event_type="sales",
				event_time=row["modified"],
				title=f"Opportunity {row['status'].lower()}: {label}",
				summary=row.get("order_lost_reason"),
				actor=row.get("modified_by"),
			)
		)
	return events


_LABEL = "coalesce(nullif(t.title, ''), t.name)"
SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("opportunity_created"),
		event_type="sales",
		event_time=sql.day_time("t.transaction_date"),
		title=f"concat('Opportunity: ', {_LABEL})",
		summary="concat_ws(' · ', nullif(t.sales_stage, ''), nullif(t.status, ''))",
		amount="nullif(t.opportunity_amount, 0)",
		currency="t.currency",
		company="t.company",
		contact="t.contact_person",
	),
	sql.SqlEvent(
		kind="case t.status when 'Lost' then 'opportunity_lost' when 'Converted' then 'opportunity_won'"
		" else 'opportunity_closed' end",
		event_type="sales",
		event_time="t.modified",
		title=f"concat('Opportunity ', lower(t.status), ': ', {_LABEL})",
		summary="t.order_lost_reason",
		company="t.company",
		actor="t.modified_by",
		when="t.status in ('Lost', 'Converted', 'Closed')",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"company",
		"title",
		"status",
		"sales_stage",
		"transaction_date",
		"opportunity_amount",
		"currency",
		"order_lost_reason",
		"contact_person",
	),
	where="opportunity_from in ('Customer', 'Lead', 'Prospect') and docstatus < 2",
	customer_column=None,
	links_sql=_LINKS_SQL,
	sql_direct=_DIRECT,
	sql_links=_LINKS,
	to_events=to_events,
	optional=True,
	sql_events=SQL_EVENTS,
)

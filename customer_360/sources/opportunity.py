from customer_360.sources import Source, base_event, day_time

DOCTYPE = "Opportunity"
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


SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"party_name",
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
	where="opportunity_from = 'Customer' and docstatus < 2",
	customer_column="party_name",
	to_events=to_events,
	optional=True,
)

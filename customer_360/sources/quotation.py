from customer_360.sources import Source, base_event, day_time, lead, sql, voucher_events

DOCTYPE = "Quotation"
ORDERED = ("Ordered", "Partially Ordered")
# A quotation to a Lead or a Prospect is its customer's history once the Lead converts (sources/lead.py).
_DIRECT, _LINKS, _LINKS_SQL = lead.direct_or_party("tabQuotation", "quotation_to", "party_name")


def to_events(row: dict) -> list:
	events = voucher_events(
		row,
		DOCTYPE,
		"sales",
		"quotation_cancelled",
		kind="quotation_sent",
		event_time=day_time(row, "transaction_date"),
		title=f"Quotation {row['name']}",
		summary=f"Valid till {row['valid_till']}" if row.get("valid_till") else None,
		amount=row.get("grand_total"),
		currency=row.get("currency"),
	)
	# Submitted, not cancelled: these never come with the cancellation, so the order of events holds.
	if row.get("docstatus") == 1 and row.get("status") == "Lost":
		events.append(
			base_event(
				row,
				source_doctype=DOCTYPE,
				kind="quotation_lost",
				event_type="sales",
				event_time=row["modified"],
				title=f"Quotation {row['name']} lost",
				actor=row.get("modified_by"),
			)
		)
	if row.get("docstatus") == 1 and row.get("status") in ORDERED:
		# Milestone: the customer accepted. ERPNext sets the status when the order is submitted (and stamps
		# `modified` then); customer_360.first_contact re-indexes the quotation from the order's hooks.
		events.append(
			base_event(
				row,
				source_doctype=DOCTYPE,
				kind="quotation_ordered",
				event_type="system",
				event_time=row["modified"],
				title=f"Quotation {row['name']} accepted",
				summary=row["status"],
				actor=row.get("modified_by"),
			)
		)
	return events


SQL_EVENTS = (
	*sql.voucher(
		"sales",
		"quotation_cancelled",
		kind=sql.lit("quotation_sent"),
		event_time=sql.day_time("t.transaction_date"),
		title="concat('Quotation ', t.name)",
		summary="if(t.valid_till is null, null, concat('Valid till ', t.valid_till))",
		amount="t.grand_total",
		currency="t.currency",
	),
	sql.SqlEvent(
		kind=sql.lit("quotation_lost"),
		event_type="sales",
		event_time="t.modified",
		title="concat('Quotation ', t.name, ' lost')",
		company="t.company",
		actor="t.modified_by",
		when="t.docstatus = 1 and t.status = 'Lost'",
	),
	sql.SqlEvent(
		kind=sql.lit("quotation_ordered"),
		event_type="system",
		event_time="t.modified",
		title="concat('Quotation ', t.name, ' accepted')",
		summary="t.status",
		company="t.company",
		actor="t.modified_by",
		when="t.docstatus = 1 and t.status in ('Ordered', 'Partially Ordered')",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"company",
		"transaction_date",
		"valid_till",
		"grand_total",
		"currency",
		"status",
		"docstatus",
		"contact_person",
	),
	where="docstatus > 0 and quotation_to in ('Customer', 'Lead', 'Prospect')",
	customer_column=None,
	links_sql=_LINKS_SQL,
	sql_direct=_DIRECT,
	sql_links=_LINKS,
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

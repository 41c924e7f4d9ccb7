"""Warranty Claim: a customer's complaint about a delivered item (raised, and closed when resolved).

Not submittable: the status says where it stands. A cancelled claim keeps its event, marked cancelled. Claims
also count towards the frequent_claims risk rule (facts/issues.py).
"""

from customer_360.sources import Source, base_event, day_time, sql

DOCTYPE = "Warranty Claim"


def _label(row: dict) -> str:
	return row.get("item_name") or row.get("item_code") or row["name"]


def to_events(row: dict) -> list:
	events = [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="claim_opened",
			event_type="service",
			event_time=day_time(row, "complaint_date"),
			title=f"Warranty claim: {_label(row)}",
			summary=" · ".join(
				x for x in (row.get("serial_no"), row.get("warranty_amc_status"), row.get("status")) if x
			),
			contact=row.get("contact_person"),
			cancelled=row.get("status") == "Cancelled",
		)
	]
	if row.get("status") == "Closed":
		events.append(
			base_event(
				row,
				source_doctype=DOCTYPE,
				kind="claim_closed",
				event_type="service",
				event_time=row.get("resolution_date") or row["modified"],
				title=f"Warranty claim closed: {_label(row)}",
				summary=row.get("resolution_details"),
				contact=row.get("contact_person"),
				actor=row.get("resolved_by") or row.get("modified_by"),
			)
		)
	return events


_LABEL = "coalesce(nullif(t.item_name, ''), nullif(t.item_code, ''), t.name)"
SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("claim_opened"),
		event_type="service",
		event_time=sql.day_time("t.complaint_date"),
		title=f"concat('Warranty claim: ', {_LABEL})",
		summary="concat_ws(' · ', nullif(t.serial_no, ''), nullif(t.warranty_amc_status, ''),"
		" nullif(t.status, ''))",
		company="t.company",
		contact="t.contact_person",
		cancelled="t.status = 'Cancelled'",
	),
	sql.SqlEvent(
		kind=sql.lit("claim_closed"),
		event_type="service",
		event_time="coalesce(t.resolution_date, t.modified)",
		title=f"concat('Warranty claim closed: ', {_LABEL})",
		summary="t.resolution_details",
		company="t.company",
		contact="t.contact_person",
		actor="coalesce(nullif(t.resolved_by, ''), t.modified_by)",
		when="t.status = 'Closed'",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"customer",
		"company",
		"complaint_date",
		"status",
		"item_code",
		"item_name",
		"serial_no",
		"warranty_amc_status",
		"resolution_date",
		"resolved_by",
		"resolution_details",
		"contact_person",
	),
	where="docstatus < 2",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
	# Like Issue, ERPNext's support doctypes may move to Helpdesk.
	optional=True,
)

"""Calendar events (Frappe's Event) with the customer, one of its contacts or one of its Leads as a participant
(Event Participants) or as the event's reference.

Only Public events are indexed: Frappe shows a Private event to its owner and its participants alone, and the
timeline filters by doctype, not by document, so a private meeting's subject would reach every reader of the
customer."""

from customer_360.sources import Source, base_event, lead, sql

DOCTYPE = "Event"
_PARTICIPANTS = "`tabEvent` t join `tabEvent Participants` p on p.parent = t.name and p.parenttype = 'Event'"


def _links(names) -> str:
	"""(event, customer, contact) for the participants and the reference of the events chosen by names."""
	chosen = names("t.name")
	return "\nunion all\n".join(
		(
			f"select t.name as name, p.reference_docname as customer, null as contact from {_PARTICIPANTS}"
			f" where {chosen} and p.reference_doctype = 'Customer'",
			f"select t.name, t.reference_docname, null from `tabEvent` t"
			f" where {chosen} and t.reference_doctype = 'Customer'",
			# a contact taking part: contact activity rolls up to the customer, and names who took part
			f"select t.name, k.link_name, p.reference_docname from {_PARTICIPANTS}"
			" join `tabDynamic Link` k on k.parenttype = 'Contact' and k.parent = p.reference_docname"
			f" and k.link_doctype = 'Customer' where {chosen} and p.reference_doctype = 'Contact'",
			lead.lead_rows(
				_PARTICIPANTS, "t.name", "p.reference_docname", f"{chosen} and p.reference_doctype = 'Lead'"
			),
			lead.lead_rows(
				"`tabEvent` t", "t.name", "t.reference_docname", f"{chosen} and t.reference_doctype = 'Lead'"
			),
		)
	)


def to_events(row: dict) -> list:
	category = row.get("event_category") or "Event"
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="calendar_event",
			event_type="interaction",
			event_time=row.get("starts_on") or row["creation"],
			title=f"{category}: {row.get('subject') or row['name']}",
			summary=" · ".join(x for x in (row.get("location"), row.get("status")) if x) or None,
			cancelled=row.get("status") == "Cancelled",
		)
	]


SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("calendar_event"),
		event_type="interaction",
		event_time="coalesce(t.starts_on, t.creation)",
		title="concat(coalesce(nullif(t.event_category, ''), 'Event'), ': ', coalesce(nullif(t.subject, ''), t.name))",
		summary="nullif(concat_ws(' · ', nullif(t.location, ''), nullif(t.status, '')), '')",
		cancelled="t.status = 'Cancelled'",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("subject", "event_category", "starts_on", "status", "location"),
	where="event_type = 'Public'",
	customer_column=None,
	links_sql=_links,
	sql_links=_links,
	sql_events=SQL_EVENTS,
	to_events=to_events,
)

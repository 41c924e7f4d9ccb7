"""Helpdesk tickets (the optional Frappe Helpdesk app): opened, first reply, resolved, SLA failed.

Registered through the `customer_360_timeline_sources` hook like any other app's source, and `optional`: on a
site without Helpdesk the doctype is absent and the registry skips it. A ticket names a Helpdesk customer
(HD Customer), not an ERPNext one: it reaches the Customer through the HD Customer's `erpnext_customer` link
(Helpdesk's ERPNext sync fills it), else a Customer of the same name, and through the ticket's contact."""

from customer_360.sources import Source, base_event, day_time, sql

DOCTYPE = "HD Ticket"
RESOLVED_CATEGORY = "Resolved"


def _title(row: dict) -> str:
	return row.get("subject") or f"Ticket {row['name']}"


def to_events(row: dict) -> list:
	def event(kind, at, title, **extra):
		return base_event(
			row,
			source_doctype=DOCTYPE,
			kind=kind,
			event_type="support",
			event_time=at,
			title=title,
			cancelled=False,
			**extra,
		)

	summary = " · ".join(x for x in (row.get("priority"), row.get("status"), row.get("raised_by")) if x)
	events = [
		event("ticket_opened", day_time(row, "opening_date", "opening_time"), _title(row), summary=summary)
	]
	if row.get("first_responded_on"):
		events.append(
			event("ticket_replied", row["first_responded_on"], f"First reply: {_title(row)}", actor=None)
		)
	if row.get("resolution_date") or row.get("status_category") == RESOLVED_CATEGORY:
		events.append(
			event(
				"ticket_resolved",
				row.get("resolution_date") or row["modified"],
				f"Resolved: {_title(row)}",
				actor=row.get("modified_by"),
			)
		)
	if row.get("agreement_status") == "Failed":
		due = row.get("resolution_by") or row.get("response_by") or row["modified"]
		events.append(event("ticket_sla_failed", due, f"SLA failed: {_title(row)}", actor=None))
	return events


def links_sql(names) -> str:
	"""(ticket, customer, contact): through the Helpdesk customer, and through the ticket's contact."""
	return (
		f"select t.name as name, {_HD_CUSTOMER} as customer, t.contact as contact from `tabHD Ticket` t"
		f" join `tabHD Customer` h on h.name = t.customer left join `tabCustomer` c on c.name = h.name"
		f" where {names('t.name')}"
		"\nunion all\n"
		"select t.name, k.link_name, t.contact from `tabHD Ticket` t"
		" join `tabDynamic Link` k on k.parenttype = 'Contact' and k.parent = t.contact and k.link_doctype = 'Customer'"
		f" where {names('t.name')}"
	)


_HD_CUSTOMER = "coalesce(nullif(h.erpnext_customer, ''), c.name)"
_TITLE = "coalesce(nullif(t.subject, ''), concat('Ticket ', t.name))"
SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("ticket_opened"),
		event_type="support",
		event_time=sql.day_time("t.opening_date", "t.opening_time"),
		title=_TITLE,
		summary="concat_ws(' · ', nullif(t.priority, ''), nullif(t.status, ''), nullif(t.raised_by, ''))",
		contact="t.contact",
	),
	sql.SqlEvent(
		kind=sql.lit("ticket_replied"),
		event_type="support",
		event_time="t.first_responded_on",
		title=f"concat('First reply: ', {_TITLE})",
		contact="t.contact",
		actor="NULL",
		when="t.first_responded_on is not null",
	),
	sql.SqlEvent(
		kind=sql.lit("ticket_resolved"),
		event_type="support",
		event_time="coalesce(t.resolution_date, t.modified)",
		title=f"concat('Resolved: ', {_TITLE})",
		contact="t.contact",
		actor="t.modified_by",
		when=f"t.resolution_date is not null or t.status_category = {sql.lit(RESOLVED_CATEGORY)}",
	),
	sql.SqlEvent(
		kind=sql.lit("ticket_sla_failed"),
		event_type="support",
		event_time="coalesce(t.resolution_by, t.response_by, t.modified)",
		title=f"concat('SLA failed: ', {_TITLE})",
		contact="t.contact",
		actor="NULL",
		when="t.agreement_status = 'Failed'",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"subject",
		"status",
		"status_category",
		"priority",
		"raised_by",
		"opening_date",
		"opening_time",
		"first_responded_on",
		"resolution_date",
		"agreement_status",
		"response_by",
		"resolution_by",
		"contact",
	),
	where="1",
	customer_column=None,
	links_sql=links_sql,
	sql_links=links_sql,
	to_events=to_events,
	optional=True,
	sql_events=SQL_EVENTS,
)

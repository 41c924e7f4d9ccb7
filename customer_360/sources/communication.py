"""Emails and other logged messages. A message concerns a customer when it is about the customer itself,
about one of the customer's documents, or linked to the customer or to one of the customer's contacts
(Frappe links a message to the contacts whose email addresses it carries)."""

from customer_360.core.timeline import search_body
from customer_360.sources import Source, base_event, lead, sql

DOCTYPE = "Communication"

# Documents whose messages belong to their customer: doctype -> (customer column, condition that the party
# really is a customer).
_DOCUMENT_CUSTOMER = {
	"Sales Invoice": ("customer", None),
	"Sales Order": ("customer", None),
	"Delivery Note": ("customer", None),
	"Quotation": ("party_name", "quotation_to"),
	"Opportunity": ("party_name", "opportunity_from"),
	"Issue": ("customer", None),
	"Payment Entry": ("party", "party_type"),
}


def _about_joins() -> str:
	"""Joins from a message `t` to the document it is about (one key lookup, only for that doctype)."""
	return " ".join(
		f"left join `tab{doctype}` d{i} on t.reference_doctype = '{doctype}' and d{i}.name = t.reference_name"
		for i, doctype in enumerate(_DOCUMENT_CUSTOMER)
	)


def _about_customer() -> str:
	"""The customer a message `t` is about: the customer itself, or the customer of its document."""
	cases = []
	for i, (doctype, (column, party_type)) in enumerate(_DOCUMENT_CUSTOMER.items()):
		value = f"d{i}.`{column}`"
		if party_type:
			value = f"if(d{i}.`{party_type}` = 'Customer', {value}, null)"
		cases.append(f"when '{doctype}' then {value}")
	return f"case t.reference_doctype when 'Customer' then t.reference_name {' '.join(cases)} end"


def link_rows(names) -> str:
	"""(message, customer, contact) for messages linked to a customer or to one of its contacts."""
	return (
		# linked to the customer (timeline links)
		"select l.parent as name, l.link_name as customer, null as contact from `tabCommunication Link` l"
		f" where {names('l.parent')} and l.parenttype = 'Communication' and l.link_doctype = 'Customer'"
		"\nunion all\n"
		# linked to a contact of the customer: contact activity rolls up to the customer
		"select l.parent, k.link_name, l.link_name from `tabCommunication Link` l"
		" join `tabDynamic Link` k on k.parenttype = 'Contact' and k.parent = l.link_name and k.link_doctype = 'Customer'"
		f" where {names('l.parent')} and l.parenttype = 'Communication' and l.link_doctype = 'Contact'"
		"\nunion all\n"
		# about or linked to a Lead: the customers it became (sources/lead.py)
		+ lead.lead_rows(
			"`tabCommunication` t",
			"t.name",
			"t.reference_name",
			f"{names('t.name')} and t.reference_doctype = 'Lead'",
		)
		+ "\nunion all\n"
		+ lead.lead_rows(
			"`tabCommunication Link` l",
			"l.parent",
			"l.link_name",
			f"{names('l.parent')} and l.parenttype = 'Communication' and l.link_doctype = 'Lead'",
		)
	)


def links_sql(names) -> str:
	"""Every (message, customer, contact) for the messages chosen by names(column): what they are about,
	and what they are linked to."""
	return (
		f"select t.name, {_about_customer()}, null from `tabCommunication` t {_about_joins()}"
		f" where {names('t.name')}\nunion all\n{link_rows(names)}"
	)


def to_events(row: dict) -> list:
	received = row.get("sent_or_received") == "Received"
	medium = (row.get("communication_medium") or "Email").lower()
	kind = f"{'email' if medium == 'email' else 'message'}_{'received' if received else 'sent'}"
	# A message about a Lead or a Prospect is readable by its readers only (Frappe reads a message with its
	# reference's permission; sources/lead.py), whichever way it reaches the customer.
	kind = lead.via(row.get("reference_doctype"), kind)
	who = row.get("sender_full_name") or row.get("sender") if received else row.get("recipients")
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind=kind,
			event_type="message",
			event_time=row.get("communication_date") or row["creation"],
			title=row.get("subject") or f"{medium.title()} {row['name']}",
			summary=(f"{'From' if received else 'To'} {who}" if who else None),
			actor=None if received else row.get("owner"),
			cancelled=False,
			search_text=search_body(row.get("content")),
		)
	]


_RECEIVED = "t.sent_or_received = 'Received'"
_MEDIUM = "coalesce(nullif(t.communication_medium, ''), 'Email')"
_WHO = f"if({_RECEIVED}, coalesce(nullif(t.sender_full_name, ''), nullif(t.sender, '')), nullif(t.recipients, ''))"
SQL_EVENTS = (
	sql.SqlEvent(
		kind=lead.sql_via(
			"t.reference_doctype",
			f"concat(if(lower({_MEDIUM}) = 'email', 'email', 'message'), if({_RECEIVED}, '_received', '_sent'))",
		),
		event_type="message",
		event_time="coalesce(t.communication_date, t.creation)",
		# str.title() of a one-word medium ("SMS" -> "Sms")
		title=f"coalesce(nullif(t.subject, ''), concat(upper(left({_MEDIUM}, 1)), lower(substring({_MEDIUM}, 2)), ' ', t.name))",
		summary=f"if({_WHO} is null, null, concat(if({_RECEIVED}, 'From ', 'To '), {_WHO}))",
		actor=f"if({_RECEIVED}, null, t.owner)",
		search_text=sql.search_body("t.content"),
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"subject",
		"communication_date",
		"sent_or_received",
		"communication_medium",
		"sender",
		"sender_full_name",
		"recipients",
		"content",
		"reference_doctype",
	),
	# Frappe mirrors a calendar Event into a message for each participant (even a Private event): the Event
	# source indexes the event itself, once, and only when it is public.
	where="communication_type = 'Communication' and coalesce(reference_doctype, '') != 'Event'",
	customer_column=None,
	links_sql=links_sql,
	sql_events=SQL_EVENTS,
	# The set-based path resolves "about" inline (the message table is wide: one pass, no grouping of every
	# message), then the few linked messages.
	sql_direct=(_about_joins(), _about_customer()),
	sql_links=link_rows,
	to_events=to_events,
	follows_customer=True,
)

"""Emails and other logged messages. A message concerns a customer when it is about the customer itself,
about one of the customer's documents, or linked to the customer or to one of the customer's contacts
(Frappe links a message to the contacts whose email addresses it carries)."""

from customer_360.sources import Source, base_event

DOCTYPE = "Communication"

# Documents whose messages belong to their customer: doctype -> (customer column, extra condition).
_DOCUMENT_CUSTOMER = {
	"Sales Invoice": "customer",
	"Sales Order": "customer",
	"Delivery Note": "customer",
	"Quotation": "party_name",
	"Opportunity": "party_name",
	"Issue": "customer",
	"Payment Entry": "party",
}


def _links_sql() -> str:
	parts = [
		# about the customer itself
		"select c.name, c.reference_name as customer, null as contact from `tabCommunication` c"
		" where c.name in %(names)s and c.reference_doctype = 'Customer'",
		# linked to the customer (timeline links)
		"select l.parent, l.link_name, null from `tabCommunication Link` l"
		" where l.parent in %(names)s and l.parenttype = 'Communication' and l.link_doctype = 'Customer'",
		# linked to a contact of the customer: contact activity rolls up to the customer
		"select l.parent, d.link_name, l.link_name from `tabCommunication Link` l"
		" join `tabDynamic Link` d on d.parenttype = 'Contact' and d.parent = l.link_name and d.link_doctype = 'Customer'"
		" where l.parent in %(names)s and l.parenttype = 'Communication' and l.link_doctype = 'Contact'",
	]
	for doctype, column in _DOCUMENT_CUSTOMER.items():
		parts.append(
			f"select c.name, t.`{column}`, null from `tabCommunication` c join `tab{doctype}` t on t.name = c.reference_name"
			f" where c.name in %(names)s and c.reference_doctype = '{doctype}' and t.`{column}` is not null"
		)
	return "\nunion\n".join(parts)


def to_events(row: dict) -> list:
	received = row.get("sent_or_received") == "Received"
	medium = (row.get("communication_medium") or "Email").lower()
	kind = f"{'email' if medium == 'email' else 'message'}_{'received' if received else 'sent'}"
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
		)
	]


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
	),
	where="communication_type = 'Communication'",
	customer_column=None,
	links_sql=_links_sql(),
	to_events=to_events,
	follows_customer=True,
)

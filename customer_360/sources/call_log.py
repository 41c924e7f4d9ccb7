"""Telephony calls (ERPNext's Call Log): the customer's when the call names it (`customer`), when ERPNext
linked it to the customer, one of its contacts or one of its Leads (Call Log links: ERPNext links a call to the
contact and the Lead whose number it finds), or when the other party's number is a phone number of one of the
customer's contacts (exact match on Contact Phone, indexed: see install.ERP_INDEXES), which also finds calls
logged before the contact had that number."""

from customer_360.sources import Source, base_event, lead, sql

DOCTYPE = "Call Log"
_LINKS = "`tabCall Log` t join `tabDynamic Link` d on d.parent = t.name and d.parenttype = 'Call Log'"
_CONTACT_CUSTOMER = "join `tabDynamic Link` k on k.parenttype = 'Contact' and k.parent = {contact} and k.link_doctype = 'Customer'"
# The other party's number: who called us, or whom we called.
_THEIR_NUMBER = "if(t.type = 'Outgoing', t.`to`, t.`from`)"


def _links(names) -> str:
	chosen = names("t.name")
	return "\nunion all\n".join(
		(
			f"select t.name as name, d.link_name as customer, null as contact from {_LINKS}"
			f" where {chosen} and d.link_doctype = 'Customer'",
			f"select t.name, k.link_name, d.link_name from {_LINKS} {_CONTACT_CUSTOMER.format(contact='d.link_name')}"
			f" where {chosen} and d.link_doctype = 'Contact'",
			f"select t.name, k.link_name, ph.parent from `tabCall Log` t"
			f" join `tabContact Phone` ph on ph.phone = {_THEIR_NUMBER} and ph.parenttype = 'Contact'"
			f" {_CONTACT_CUSTOMER.format(contact='ph.parent')} where {chosen} and {sql.given(_THEIR_NUMBER)}",
			lead.lead_rows(_LINKS, "t.name", "d.link_name", f"{chosen} and d.link_doctype = 'Lead'"),
		)
	)


def _all_links(names) -> str:
	return (
		f"select t.name as name, t.customer as customer, null as contact from `tabCall Log` t"
		f" where {names('t.name')}\nunion all\n{_links(names)}"
	)


def _kind(row: dict) -> str:
	outgoing = row.get("type") == "Outgoing"
	if row.get("status") in MISSED:
		return "call_missed"
	return "call_made" if outgoing else "call_received"


MISSED = ("No Answer", "Busy", "Failed", "Canceled")


def to_events(row: dict) -> list:
	outgoing = row.get("type") == "Outgoing"
	number = row.get("to") if outgoing else row.get("from")
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind=_kind(row),
			event_type="interaction",
			event_time=row.get("start_time") or row["creation"],
			title=(f"Call to {number}" if outgoing else f"Call from {number}") if number else "Call",
			summary=" · ".join(x for x in (row.get("status"), row.get("summary")) if x) or None,
			actor=row.get("employee_user_id") or row.get("owner"),
		)
	]


_OUT = "t.type = 'Outgoing'"
_MISSED = ", ".join(sql.lit(s) for s in MISSED)
SQL_EVENTS = (
	sql.SqlEvent(
		kind=f"if(t.status in ({_MISSED}), 'call_missed', if({_OUT}, 'call_made', 'call_received'))",
		event_type="interaction",
		event_time="coalesce(t.start_time, t.creation)",
		title=f"if({sql.given(_THEIR_NUMBER)}, concat(if({_OUT}, 'Call to ', 'Call from '), {_THEIR_NUMBER}), 'Call')",
		summary="nullif(concat_ws(' · ', nullif(t.status, ''), nullif(t.summary, '')), '')",
		actor="coalesce(nullif(t.employee_user_id, ''), t.owner)",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("type", "status", "from", "to", "start_time", "summary", "employee_user_id"),
	where="1",
	customer_column=None,
	links_sql=_all_links,
	sql_direct=("", "t.customer"),
	sql_links=_links,
	sql_events=SQL_EVENTS,
	to_events=to_events,
	optional=True,
)

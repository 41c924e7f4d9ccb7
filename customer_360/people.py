"""The People panel's service: every Contact of a customer (and of the Lead it came from), each person's role on
the account, and their activity from the timeline index (the `contact` column, read through
customer_timeline_event's contact_activity_index) — only what the reader may see."""

from __future__ import annotations

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Max
from frappe.utils import cint, getdate, nowdate

from customer_360.core import people as core
from customer_360.indexer.store import party_gate, readable_source_doctypes
from customer_360.permissions import allowed_companies
from customer_360.timeline import party_hidden

SETTINGS = "Customer 360 Settings"
ROLE_FIELD = "c360_account_role"
MAX_PEOPLE = 200
CONTACT_FIELDS = (
	"name", "first_name", "last_name", "full_name", "designation", "email_id", "phone", "mobile_no", "image",
	ROLE_FIELD,
)  # fmt: skip
Event = DocType("Customer Timeline Event")


def quiet_days() -> int:
	value = frappe.db.get_single_value(SETTINGS, "stakeholder_quiet_days")
	return core.DEFAULT_QUIET_DAYS if value is None else max(0, cint(value))


def linked_contacts(customer: str) -> dict[str, str]:
	"""contact -> "customer" or "lead": the Contacts linked to the customer, and to the Lead it was made from."""
	link = DocType("Dynamic Link")
	lead = frappe.db.get_value("Customer", customer, "lead_name")
	condition = (link.link_doctype == "Customer") & (link.link_name == customer)
	if lead:
		condition = condition | ((link.link_doctype == "Lead") & (link.link_name == lead))
	rows = (
		frappe.qb.from_(link)
		.select(link.parent, link.link_doctype)
		.where((link.parenttype == "Contact") & condition)
		.limit(MAX_PEOPLE * 2)
		.run()
	)
	out: dict[str, str] = {}
	for contact, doctype in rows:
		if out.get(contact) != "customer":  # linked to both: the customer's own contact
			out[contact] = "customer" if doctype == "Customer" else "lead"
	return out


def activity(customer: str, contacts: list[str]) -> dict[str, dict]:
	"""contact -> {"last_contact", "messages", "interactions"} from the events the reader may see."""
	if not contacts:
		return {}
	doctypes = readable_source_doctypes()
	if not doctypes:
		return {}
	q = (
		frappe.qb.from_(Event)
		.select(Event.contact, Event.event_type, Count(Event.name), Max(Event.event_time))
		.where(
			(Event.customer == customer)
			& Event.contact.isin(contacts)
			& Event.event_type.isin(list(core.CONTACT_EVENT_TYPES))
			& Event.source_doctype.isin(doctypes)
		)
		.groupby(Event.contact, Event.event_type)
	)
	companies = allowed_companies()
	if companies is not None:
		q = q.where(Event.company.isin(companies) | Event.company.isnull() | (Event.company == ""))
	gate = party_gate()
	if gate:
		# A message about a Lead the reader may not read counts for nobody's activity (as on the timeline).
		q = q.where(~party_hidden(gate))
	out: dict[str, dict] = {}
	for contact, event_type, n, last in q.run():
		row = out.setdefault(contact, {"last_contact": None, "messages": 0, "interactions": 0})
		row["messages" if event_type == "message" else "interactions"] += n
		if last and (row["last_contact"] is None or last > row["last_contact"]):
			row["last_contact"] = last
	return out


def people(customer: str) -> dict:
	"""The panel: readable contacts (User Permissions and DocPerm on Contact apply), ordered for the reader."""
	links = linked_contacts(customer)
	if not links or not frappe.has_permission("Contact", "read"):
		return {"people": [], "quiet_days": quiet_days(), "roles": list(core.ACCOUNT_ROLES)}
	has_role = frappe.get_meta("Contact").has_field(ROLE_FIELD)
	fields = [f for f in CONTACT_FIELDS if f != ROLE_FIELD or has_role]
	rows = frappe.get_list(
		"Contact", filters={"name": ["in", list(links)]}, fields=fields, limit_page_length=MAX_PEOPLE
	)
	primary = frappe.db.get_value("Customer", customer, "customer_primary_contact")
	acts = activity(customer, [r.name for r in rows])
	today, days = getdate(nowdate()), quiet_days()
	out = []
	for r in rows:
		act = acts.get(r.name) or {"last_contact": None, "messages": 0, "interactions": 0}
		out.append(
			{
				"name": r.name,
				"full_name": r.full_name or " ".join(p for p in (r.first_name, r.last_name) if p) or r.name,
				"designation": r.designation,
				"email_id": r.email_id,
				"phone": r.mobile_no or r.phone,
				"image": r.image,
				"account_role": r.get(ROLE_FIELD) or None,
				"is_primary": int(r.name == primary),
				"via": links[r.name],
				"last_contact": act["last_contact"],
				"days_since_contact": core.days_since(act["last_contact"], today),
				"messages": act["messages"],
				"interactions": act["interactions"],
				"quiet": core.is_quiet(act["last_contact"], today, days),
			}
		)
	return {"people": core.order_people(out), "quiet_days": days, "roles": list(core.ACCOUNT_ROLES)}

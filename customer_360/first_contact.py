"""Live paths of first contact and milestones (Frappe adapter; the mappings are sources/lead.py, customer.py,
quotation.py).

- A Customer saved: its own milestones are re-indexed; when it was just made from a Lead or a Prospect (or its
  Lead changed), the history of its Leads and Prospects is re-indexed for it in a background job, so a
  conversion shows the Lead's opportunities, quotations, messages, comments, tasks, events and calls on the
  customer at once, with no backfill. Which documents belong to which customer is decided by the sources
  (sources/lead.py): this job only finds the documents that name one of the customer's Leads.
- A Sales Invoice submitted or cancelled: its customer's first purchase may have changed.
- A Sales Order submitted or cancelled: ERPNext sets its quotations' status (ordered) without their hooks.

Nothing here may raise into the ERP transaction: failures are logged, reconcile repairs the index.
"""

from __future__ import annotations

import frappe

from customer_360.events import _remember, after_index
from customer_360.sources.customer import ORIGIN_FIELDS

HISTORY_JOB = "customer_360.first_contact.index_lead_history"
QUEUE_HISTORY = "customer_360.first_contact.queue_lead_history"

# Documents that name a Lead or a Prospect: doctype -> SQL choosing their names, given %(leads)s and
# %(prospects)s (never empty lists: see _party_documents).
_PARTY_DOCUMENTS = {
	"Lead": "select name from `tabLead` where name in %(leads)s",
	"Opportunity": "select name from `tabOpportunity` where (opportunity_from = 'Lead' and party_name in %(leads)s)"
	" or (opportunity_from = 'Prospect' and party_name in %(prospects)s)",
	"Quotation": "select name from `tabQuotation` where (quotation_to = 'Lead' and party_name in %(leads)s)"
	" or (quotation_to = 'Prospect' and party_name in %(prospects)s)",
	"Appointment": "select name from `tabAppointment` where (appointment_with = 'Lead' and party in %(leads)s)"
	" or (appointment_with = 'Prospect' and party in %(prospects)s)",
	"ToDo": "select name from `tabToDo` where (reference_type = 'Lead' and reference_name in %(leads)s)"
	" or (reference_type = 'Prospect' and reference_name in %(prospects)s)",
	"Comment": "select name from `tabComment` where comment_type = 'Comment' and ("
	"(reference_doctype = 'Lead' and reference_name in %(leads)s)"
	" or (reference_doctype = 'Prospect' and reference_name in %(prospects)s))",
	"Communication": "select name from `tabCommunication` where reference_doctype = 'Lead' and reference_name in %(leads)s"
	" union select parent from `tabCommunication Link` where parenttype = 'Communication'"
	" and link_doctype = 'Lead' and link_name in %(leads)s",
	"Event": "select parent from `tabEvent Participants` where parenttype = 'Event' and reference_doctype = 'Lead'"
	" and reference_docname in %(leads)s"
	" union select name from `tabEvent` where reference_doctype = 'Lead' and reference_docname in %(leads)s",
	"Call Log": "select parent from `tabDynamic Link` where parenttype = 'Call Log' and link_doctype = 'Lead'"
	" and link_name in %(leads)s",
}


def history_job_id(customer: str) -> str:
	return f"customer_360:lead_history:{customer}"


def on_customer_update(doc, method=None):
	"""Customer on_update (also runs on insert). Its own events change only with where it came from (its first
	purchase follows its invoices' hooks), so an ordinary save queues nothing."""
	try:
		before = doc.get_doc_before_save()
		changed = {f for f in ORIGIN_FIELDS if (before.get(f) if before else None) != doc.get(f)}
	except Exception:
		frappe.log_error("customer_360: could not read a customer's origin")
		return
	if not changed:
		return
	_remember((("Customer", doc.name),))
	if changed & {"lead_name", "prospect_name"}:
		# Queued by the index job this save queues (events.after_index): the request pays no enqueue of its own.
		after_index(QUEUE_HISTORY, doc.name, history_job_id(doc.name))


def queue_lead_history(customer: str) -> None:
	"""Called by the index job: the converted Lead's history, one deduplicated job per customer."""
	frappe.enqueue(
		HISTORY_JOB,
		queue="short",
		customer=customer,
		job_id=history_job_id(customer),
		deduplicate=True,
		enqueue_after_commit=True,
	)


def on_invoice_change(doc, method=None):
	"""Sales Invoice on_submit / on_cancel: the customer's first purchase may have moved."""
	if doc.get("customer"):
		_remember((("Customer", doc.customer),))


def on_order_change(doc, method=None):
	"""Sales Order on_submit / on_cancel: ERPNext set its quotations' status with db_set (no hooks run)."""
	try:
		quotations = {row.prevdoc_docname for row in doc.get("items") or [] if row.get("prevdoc_docname")}
	except Exception:
		frappe.log_error("customer_360: could not read an order's quotations")
		return
	_remember(("Quotation", q) for q in sorted(quotations))


def index_lead_history(customer: str) -> int:
	"""RQ job: re-index every document of the customer's Leads and Prospects (the sources resolve them to the
	customer now that it exists)."""
	from customer_360.indexer import index_documents
	from customer_360.indexer.store import get_source

	leads, prospects = customer_leads(customer)
	if not leads and not prospects:
		return 0
	values = {"leads": leads or [""], "prospects": prospects or [""]}
	items = []
	for doctype, query in _PARTY_DOCUMENTS.items():
		if get_source(doctype):
			items.extend((doctype, name) for name in frappe.db.sql(query, values, pluck=True))
	return index_documents(items) if items else 0


def customer_leads(customer: str) -> tuple[list[str], list[str]]:
	"""The Leads and Prospects a customer came from, as sources/lead.py links them: its Lead, Leads naming it,
	Leads with a contact's address, the Prospect it was made from, and the Prospects of those Leads."""
	row = frappe.db.get_value("Customer", customer, ["lead_name", "prospect_name"], as_dict=True) or {}
	prospects = {row["prospect_name"]} if row.get("prospect_name") else set()
	leads = set(filter(None, [row.get("lead_name")]))
	leads.update(frappe.get_all("Lead", filters={"customer": customer}, pluck="name"))
	leads.update(
		frappe.db.sql(
			"select distinct l.name from `tabLead` l"
			" join `tabContact Email` e on e.email_id = l.email_id and e.parenttype = 'Contact'"
			" join `tabDynamic Link` k on k.parenttype = 'Contact' and k.parent = e.parent"
			" and k.link_doctype = 'Customer' and k.link_name = %s where ifnull(l.email_id, '') != ''",
			customer,
			pluck=True,
		)
	)
	if prospects:
		leads.update(
			frappe.get_all(
				"Prospect Lead",
				filters={"parent": ["in", list(prospects)], "parenttype": "Prospect"},
				pluck="lead",
			)
		)
	if leads:
		prospects.update(
			frappe.get_all(
				"Prospect Lead",
				filters={"lead": ["in", list(leads)], "parenttype": "Prospect"},
				pluck="parent",
			)
		)
	return sorted(filter(None, leads)), sorted(prospects)

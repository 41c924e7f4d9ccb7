"""First-contact documents for integration tests, made through ERPNext's own APIs: a Lead with its history
(opportunity, quotation, message, comment, task, calendar event, appointment, call), its conversion into a
customer, calls and events of a customer. Shared by test_coverage_lead and the set-based parity test."""

from __future__ import annotations

import random

import frappe
from frappe.utils import add_to_date, now_datetime, random_string

from customer_360.tests import erp
from customer_360.tests.utils import make_customer


def lead(email: str | None = None, phone: str | None = None):
	tag = random_string(6)
	return frappe.get_doc(
		{
			"doctype": "Lead",
			"first_name": "Lena",
			"last_name": f"Lead {tag}",
			"company_name": f"Lead Co {tag}",
			"email_id": email or f"c360-lead-{tag.lower()}@example.com",
			"mobile_no": phone,
		}
	).insert(ignore_permissions=True)


def history(lead_name: str, email: str) -> dict[str, list[str]]:
	"""The Lead's history, one document per kind, newest last. Returns doctype -> names."""
	docs = {}
	docs["Opportunity"] = [
		frappe.get_doc(
			{
				"doctype": "Opportunity",
				"opportunity_from": "Lead",
				"party_name": lead_name,
				"company": erp.company(),
			}
		)
		.insert(ignore_permissions=True)
		.name
	]
	# A Prospect (an organisation the Lead belongs to) and its own opportunity.
	prospect = frappe.get_doc(
		{
			"doctype": "Prospect",
			"company_name": f"Prospect {random_string(6)}",
			"leads": [{"lead": lead_name}],
		}
	).insert(ignore_permissions=True)
	docs["Opportunity"].append(
		frappe.get_doc(
			{
				"doctype": "Opportunity",
				"opportunity_from": "Prospect",
				"party_name": prospect.name,
				"company": erp.company(),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	quote = frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Lead",
			"party_name": lead_name,
			"company": erp.company(),
			"transaction_date": frappe.utils.nowdate(),
			"items": [{"item_code": erp.item(), "qty": 1, "rate": 450}],
		}
	).insert(ignore_permissions=True)
	quote.submit()
	docs["Quotation"] = [quote.name]
	docs["Communication"] = [
		erp.email("Request via website", email, reference_doctype="Lead", reference_name=lead_name).name
	]
	docs["Comment"] = [
		frappe.get_doc("Lead", lead_name).add_comment("Comment", "<p>Keen on the big plan</p>").name
	]
	docs["ToDo"] = [
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"description": "Call the lead back",
				"reference_type": "Lead",
				"reference_name": lead_name,
				"allocated_to": "Administrator",
			}
		)
		.insert(ignore_permissions=True)
		.name
	]
	docs["Event"] = [calendar_event("Lead", lead_name, "Discovery meeting").name]
	if frappe.db.table_exists("Appointment"):
		appointment = frappe.get_doc(
			{
				"doctype": "Appointment",
				"appointment_with": "Lead",
				"party": lead_name,
				"scheduled_time": add_to_date(now_datetime(), days=2),
				"customer_name": "Lena",
				"customer_email": email,
				"status": "Open",
			}
		)
		appointment.db_insert()  # its controller books calendar events and mails the customer
		docs["Appointment"] = [appointment.name]
	return docs


def calendar_event(doctype: str, name: str, subject: str, event_type: str = "Public"):
	return frappe.get_doc(
		{
			"doctype": "Event",
			"subject": subject,
			"event_type": event_type,
			"event_category": "Meeting",
			"starts_on": add_to_date(now_datetime(), hours=-3),
			"event_participants": [{"reference_doctype": doctype, "reference_docname": name}],
		}
	).insert(ignore_permissions=True)


def call(number: str, incoming: bool = True, status: str = "Completed", **kw):
	return frappe.get_doc(
		{
			"doctype": "Call Log",
			"id": random_string(12),
			"from": number if incoming else "+100000",
			"to": "+100000" if incoming else number,
			"type": "Incoming" if incoming else "Outgoing",
			"status": status,
			"start_time": add_to_date(now_datetime(), hours=-1),
			"summary": "Asked about delivery",
			**kw,
		}
	).insert(ignore_permissions=True)


def convert(lead_name: str) -> str:
	"""ERPNext's own conversion (the Lead form's Create > Customer)."""
	from erpnext.crm.doctype.lead.lead import make_customer as make_from_lead

	customer = make_from_lead(lead_name)
	customer.customer_group = customer.customer_group or frappe.db.get_value(
		"Customer Group", {"is_group": 0}
	)
	customer.territory = customer.territory or frappe.db.get_value("Territory", {"is_group": 0})
	customer.insert(ignore_permissions=True)
	return customer.name


def phone_number() -> str:
	return "+49" + str(random.randint(10**9, 10**10 - 1))


def contact_with_phone(customer: str, phone: str):
	doc = erp.contact(customer)
	doc.append("phone_nos", {"phone": phone, "is_primary_mobile_no": 1})
	doc.save(ignore_permissions=True)
	return doc


def parity_documents(customer: str) -> dict[str, list[str]]:
	"""Documents of every first-contact source in the states the mappers tell apart, for the set-based test:
	a converted Lead's history (Lead parties), a web-form Lead, events, calls by link and by number."""
	email = f"c360-parity-{random_string(6).lower()}@example.com"
	first = lead(email=email)
	docs = history(first.name, email)
	converted = convert(first.name)
	web = lead()
	frappe.db.set_value("Lead", web.name, {"owner": "Guest", "company_name": "", "customer": customer})
	docs["Lead"] = [first.name, web.name]
	docs["Customer"] = [customer, converted]
	phone = phone_number()
	by_number = call(
		phone
	)  # before any contact has the number: found by the number alone, not by ERPNext's link
	contact = contact_with_phone(customer, phone)
	matched = lead(email=contact.email_ids[0].email_id)  # a Lead whose address is a contact's
	docs["Lead"].append(matched.name)
	docs["Event"].append(calendar_event("Contact", contact.name, "Visit with the contact").name)
	missed = call(phone, incoming=False, status="No Answer", summary="")
	named = call(phone_number(), customer=customer)
	docs["Call Log"] = [by_number.name, missed.name, named.name]
	cancelled = calendar_event("Customer", customer, "Cancelled visit")
	frappe.db.set_value("Event", cancelled.name, {"status": "Cancelled", "event_category": ""})
	docs["Event"] += [cancelled.name]
	erp.sales_invoice(customer, rate=10)  # a first purchase
	docs["Quotation"].append(ordered_quotation(customer).name)
	docs["Customer Lifecycle Stage"] = [
		lifecycle_stage(customer, "dormant", "active").name,
		lifecycle_stage(customer, "won_back", "").name,
	]
	docs["Customer Merge Log"] = [merge_log(customer).name]
	return docs


def lifecycle_stage(customer: str, stage: str, previous: str, since=None):
	"""A stage change as the nightly lifecycle job records it (customer_360/lifecycle.py)."""
	return frappe.get_doc(
		{
			"doctype": "Customer Lifecycle Stage",
			"customer": customer,
			"stage": stage,
			"previous": previous,
			"since": since or frappe.utils.add_days(frappe.utils.nowdate(), -2),
		}
	).insert(ignore_permissions=True)


def merge_log(survivor: str, merged: str = "Old Record Ltd, Old Record Limited"):
	"""A finished merge as the merge job leaves its log (read only by the source)."""
	return frappe.get_doc(
		{
			"doctype": "Customer Merge Log",
			"survivor": survivor,
			"merged_customers": merged,
			"status": "Done",
			"actor": "Administrator",
			"started": add_to_date(now_datetime(), minutes=-5),
			"finished": add_to_date(now_datetime(), minutes=-4),
		}
	).insert(ignore_permissions=True)


def ordered_quotation(customer: str):
	"""A quotation the customer accepted: ERPNext's own Quotation -> Sales Order, submitted."""
	from erpnext.selling.doctype.quotation.quotation import make_sales_order

	quote = erp.quotation(customer)
	order = make_sales_order(quote.name)
	order.delivery_date = frappe.utils.add_days(frappe.utils.nowdate(), 7)
	for item in order.items:
		item.delivery_date = order.delivery_date
	order.insert(ignore_permissions=True)
	order.submit()
	return quote

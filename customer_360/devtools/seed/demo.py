"""`bench --site SITE customer-360 seed-demo`: a realistic, repeatable demo made of real ERPNext documents.

Everything goes through ERPNext's own APIs (insert, submit, its mappers for payments, deliveries and returns),
so the 360 shows what a real site would: a two-year history per customer with quotations, orders, deliveries,
paid, part-paid and overdue invoices, returns, issues, emails, notes, interactions, tasks and files, plus a few
duplicate customers for the merge tool. Deterministic (one seed), tagged by a customer group, and safe to run
twice: a customer that already exists is skipped with its documents. It refuses a site with customers of its
own unless forced, so nobody mixes demo invoices into real books by accident.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

DEMO_GROUP = "Customer 360 Demo"
ITEMS = (
	("C360-DEMO-CONSULT", "Consulting day", 900),
	("C360-DEMO-LICENSE", "Software licence", 1500),
	("C360-DEMO-SUPPORT", "Support plan", 400),
	("C360-DEMO-TRAINING", "Training session", 650),
)
FIRST = (
	"Acme",
	"Globex",
	"Initech",
	"Umbrella",
	"Stark",
	"Wayne",
	"Hooli",
	"Vandelay",
	"Soylent",
	"Tyrell",
	"Cyberdyne",
	"Wonka",
	"Gringotts",
	"Monarch",
	"Pied Piper",
	"Dunder",
	"Oscorp",
	"Aperture",
	"Black Mesa",
	"Nakatomi",
	"Sirius",
	"Duff",
	"Krusty",
	"Bluth",
	"Prestige",
	"Sterling",
	"Massive",
	"Nimbus",
	"Zenith",
	"Quantum",
	"Orbit",
	"Helix",
	"Summit",
	"Harbor",
	"Cedar",
	"Falcon",
	"Beacon",
	"Atlas",
	"Pioneer",
	"Vertex",
	"Lumen",
	"Cobalt",
	"Juniper",
	"Granite",
	"Meridian",
	"Northwind",
	"Contoso",
	"Fabrikam",
	"Tailspin",
	"Litware",
)
LAST = (
	"Industries",
	"Trading",
	"Logistics",
	"Foods",
	"Labs",
	"Retail",
	"Motors",
	"Systems",
	"Partners",
	"Supply",
)
SCOPES = ("internal", "sales", "support", "finance", "customer")


class DemoError(frappe.ValidationError):
	pass


def seed_demo(customers: int = 50, force: bool = False, seed: int = 360) -> dict:
	started = time.perf_counter()
	frappe.set_user("Administrator")
	_refuse_real_data(force)
	company = _company()
	rnd = random.Random(seed)
	today = getdate(nowdate())
	from customer_360.devtools.seed.scale import ensure_fiscal_years

	ensure_fiscal_years(add_days(today, -2 * 365 - 30))
	_setup(company)
	frappe.flags.c360_hooks_off = True  # one backfill and one recompute at the end, not a job per document
	counts: dict[str, int] = {}
	names = []
	try:
		for i in range(customers):
			name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
			if frappe.db.exists("Customer", name):
				continue
			names.append(name)
			_customer_history(name, company, rnd, today, counts, account_manager=i % 3 != 0)
			frappe.db.commit()  # one customer at a time: an interrupted run keeps what it made
		_duplicates(names[:3], rnd, counts)
		frappe.db.commit()
	finally:
		frappe.flags.c360_hooks_off = False
	from customer_360 import indexer
	from customer_360.risk_health.job import recompute_all

	indexed = indexer.backfill(progress=False, workers=indexer.DEFAULT_WORKERS)
	recompute_all()
	frappe.db.commit()
	return {
		"customers": len(names),
		"documents": counts,
		"events_indexed": indexed["events"],
		"seconds": round(time.perf_counter() - started, 1),
	}


def _refuse_real_data(force: bool) -> None:
	if force:
		return
	real = frappe.db.count("Customer", {"customer_group": ["!=", DEMO_GROUP]})
	if real:
		frappe.throw(
			_(
				"This site has {0} customers that are not demo data. Run seed-demo on a fresh site, or pass --force"
				" to add the demo customers anyway."
			).format(real),
			DemoError,
		)


def _company() -> str:
	company = frappe.db.get_single_value("Global Defaults", "default_company") or frappe.db.get_value(
		"Company", {}, "name"
	)
	if not company:
		frappe.throw(
			_("The site has no Company yet: complete ERPNext's setup wizard, then run seed-demo."), DemoError
		)
	return company


def _setup(company: str) -> None:
	if not frappe.db.exists("Customer Group", DEMO_GROUP):
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": DEMO_GROUP,
				"parent_customer_group": "All Customer Groups",
			}
		).insert(ignore_permissions=True)
	group = frappe.db.get_value("Item Group", {"is_group": 0}) or "All Item Groups"
	for code, item_name, rate in ITEMS:
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": item_name,
					"item_group": group,
					"stock_uom": "Nos",
					"is_stock_item": 0,
					"standard_rate": rate,
				}
			).insert(ignore_permissions=True)
	if not frappe.db.exists("User", "demo.owner@example.com"):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": "demo.owner@example.com",
				"first_name": "Dana",
				"last_name": "Owner",
				"send_welcome_email": 0,
				"enabled": 1,
			}
		)
		user.append("roles", {"role": "Sales Manager"})
		# As a data import: Frappe throttles more than 60 new users an hour otherwise.
		in_import, frappe.flags.in_import = frappe.flags.in_import, True
		try:
			user.insert(ignore_permissions=True)
		finally:
			frappe.flags.in_import = in_import


def _bump(counts: dict, doctype: str) -> None:
	counts[doctype] = counts.get(doctype, 0) + 1


def _customer_history(name, company, rnd, today: date, counts, account_manager: bool) -> None:
	domain = name.lower().replace(" ", "") + ".example.com"
	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name,
			"customer_type": "Company",
			"customer_group": DEMO_GROUP,
			"territory": frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories",
			"account_manager": "demo.owner@example.com" if account_manager else None,
		}
	).insert(ignore_permissions=True)
	_bump(counts, "Customer")
	email, phone = f"buyer@{domain}", f"+1 555 {rnd.randint(1000000, 9999999)}"
	contact = _contact(customer.name, "Buyer", email, phone)
	_bump(counts, "Contact")
	frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": name,
			"address_type": "Billing",
			"address_line1": f"{rnd.randint(1, 200)} Main Street",
			"city": rnd.choice(("Springfield", "Riverside", "Lakeside", "Hill Valley")),
			"country": frappe.db.get_value("Company", company, "country"),
			"links": [{"link_doctype": "Customer", "link_name": customer.name}],
		}
	).insert(ignore_permissions=True)
	_bump(counts, "Address")
	# A quiet customer stops buying a year ago; an active one buys up to last month.
	quiet = rnd.random() < 0.2
	last_day = 365 if quiet else 20
	for _i in range(rnd.randint(2, 6)):
		_sale(customer.name, company, rnd, today - timedelta(days=rnd.randint(last_day, 2 * 365)), counts)
	if not quiet:
		_sale(
			customer.name, company, rnd, today - timedelta(days=rnd.randint(35, 80)), counts, pay=False
		)  # overdue
	_quotation(customer.name, company, rnd, today - timedelta(days=rnd.randint(5, 300)), counts)
	for _i in range(rnd.randint(0, 3)):
		issue = frappe.get_doc(
			{
				"doctype": "Issue",
				"subject": rnd.choice(
					("Login fails", "Invoice question", "Late delivery", "Feature request")
				),
				"customer": customer.name,
				"raised_by": email,
				"opening_date": today - timedelta(days=rnd.randint(1, 400)),
			}
		).insert(ignore_permissions=True)
		if rnd.random() < 0.6:
			issue.db_set("status", "Closed")
		_bump(counts, "Issue")
	for k in range(rnd.randint(1, 4)):
		frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Received" if k % 2 == 0 else "Sent",
				"subject": rnd.choice(
					("Re: your quotation", "Delivery date", "Thanks!", "Question about the invoice")
				),
				"content": "<p>Hello, following up on our last conversation.</p>",
				"sender": email if k % 2 == 0 else "sales@example.com",
				"recipients": "sales@example.com" if k % 2 == 0 else email,
				"reference_doctype": "Customer",
				"reference_name": customer.name,
				"communication_date": today - timedelta(days=rnd.randint(1, 500)),
				"status": "Linked",
			}
		).insert(ignore_permissions=True)
		_bump(counts, "Communication")
	for scope in rnd.sample(SCOPES, rnd.randint(1, 3)):
		frappe.get_doc(
			{
				"doctype": "Customer Note",
				"customer": customer.name,
				"scope": scope,
				"pinned": int(scope == "internal"),
				"content": f"<p>{scope.title()} note: {rnd.choice(('prefers email', 'budget review in Q3', 'ask for the finance contact', 'very happy with support'))}.</p>",
			}
		).insert(ignore_permissions=True)
		_bump(counts, "Customer Note")
	frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": customer.name,
			"interaction_type": rnd.choice(("call", "visit", "meeting", "demo")),
			"interaction_time": f"{today - timedelta(days=rnd.randint(1, 200))} 10:00:00",
			"contact": contact,
			"summary": "Discussed next quarter's needs.",
			"outcome": "Positive",
		}
	).insert(ignore_permissions=True)
	_bump(counts, "Customer Interaction")
	frappe.get_doc(
		{
			"doctype": "ToDo",
			"description": f"Follow up with {name}",
			"reference_type": "Customer",
			"reference_name": customer.name,
			"allocated_to": "Administrator",
			"date": today + timedelta(days=rnd.randint(-10, 20)),
		}
	).insert(ignore_permissions=True)
	_bump(counts, "ToDo")
	_appointment(customer.name, name, email, phone, today + timedelta(days=rnd.randint(2, 30)), counts)
	frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"contract-{customer.name.lower().replace(' ', '-')}.txt",
			"is_private": 1,
			"content": f"Framework agreement with {name}".encode(),
			"attached_to_doctype": "Customer",
			"attached_to_name": customer.name,
		}
	).insert(ignore_permissions=True)
	_bump(counts, "File")


def _appointment(customer: str, customer_name: str, email: str, phone: str, day: date, counts) -> None:
	"""A booked meeting; ERPNext's Appointment also makes a calendar Event. Optional: a site whose appointment
	booking is not set up refuses it, and the rest of the demo does not need it."""
	frappe.db.savepoint("c360_demo_appointment")
	try:
		frappe.get_doc(
			{
				"doctype": "Appointment",
				"scheduled_time": f"{day} 10:00:00",
				"status": "Open",
				"customer_name": customer_name,
				"customer_email": email,
				"customer_phone_number": phone,
				"appointment_with": "Customer",
				"party": customer,
			}
		).insert(ignore_permissions=True)
		_bump(counts, "Appointment")
	except Exception:
		frappe.db.rollback(save_point="c360_demo_appointment")
		frappe.clear_messages()


def _contact(customer: str, first: str, email: str, phone: str) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first,
			"last_name": customer,
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"phone_nos": [{"phone": phone, "is_primary_mobile_no": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	).insert(ignore_permissions=True)
	return doc.name


def _sale(customer, company, rnd, day: date, counts, pay: bool = True) -> None:
	"""Order -> delivery -> invoice -> payment (full or part), sometimes a return."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	code, _item_name, rate = rnd.choice(ITEMS)
	qty = rnd.randint(1, 5)
	so = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": customer,
			"company": company,
			"transaction_date": day,
			"delivery_date": day + timedelta(days=7),
			"items": [
				{"item_code": code, "qty": qty, "rate": rate, "delivery_date": day + timedelta(days=7)}
			],
		}
	).insert(ignore_permissions=True)
	so.submit()
	_bump(counts, "Sales Order")
	if rnd.random() < 0.7:
		from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note

		dn = make_delivery_note(so.name)
		dn.posting_date, dn.set_posting_time = day + timedelta(days=3), 1
		dn.insert(ignore_permissions=True)
		dn.submit()
		_bump(counts, "Delivery Note")
	inv = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": company,
			"posting_date": day,
			"set_posting_time": 1,
			"due_date": day + timedelta(days=30),
			"items": [{"item_code": code, "qty": qty, "rate": rate, "sales_order": so.name}],
		}
	).insert(ignore_permissions=True)
	inv.submit()
	_bump(counts, "Sales Invoice")
	if not pay:
		return
	roll = rnd.random()
	if roll < 0.08:
		ret = make_sales_return(inv.name)
		ret.posting_date, ret.set_posting_time = day + timedelta(days=10), 1
		ret.insert(ignore_permissions=True)
		ret.submit()
		_bump(counts, "Credit Note")
		return
	pe = get_payment_entry(
		"Sales Invoice",
		inv.name,
		party_amount=inv.grand_total if roll > 0.15 else round(inv.grand_total / 2, 2),
	)
	pe.posting_date = min(day + timedelta(days=rnd.randint(5, 45)), getdate(nowdate()))
	pe.reference_no, pe.reference_date = f"DEMO-{inv.name}", pe.posting_date
	pe.insert(ignore_permissions=True)
	pe.submit()
	_bump(counts, "Payment Entry")


def _quotation(customer, company, rnd, day: date, counts) -> None:
	code, _item_name, rate = rnd.choice(ITEMS)
	q = frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": customer,
			"company": company,
			"transaction_date": day,
			"valid_till": day + timedelta(days=30),
			"items": [{"item_code": code, "qty": 2, "rate": rate}],
		}
	).insert(ignore_permissions=True)
	q.submit()
	_bump(counts, "Quotation")


def _duplicates(originals: list[str], rnd, counts) -> None:
	"""The same company entered again by another team: same email and phone, a slightly different name."""
	for original in originals:
		twin = f"{original} Ltd"
		if frappe.db.exists("Customer", twin):
			continue
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": twin,
				"customer_type": "Company",
				"customer_group": DEMO_GROUP,
				"territory": frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories",
			}
		).insert(ignore_permissions=True)
		email = frappe.db.get_value(
			"Contact Email",
			{
				"parent": [
					"in",
					frappe.get_all(
						"Dynamic Link",
						{"link_doctype": "Customer", "link_name": original, "parenttype": "Contact"},
						pluck="parent",
					),
				]
			},
			"email_id",
		)
		_contact(twin, "Buyer", email or f"dup{rnd.randint(1, 99)}@example.com", "+1 555 0000000")
		_bump(counts, "Duplicate customer")

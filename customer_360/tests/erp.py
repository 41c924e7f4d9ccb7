"""Real ERPNext documents for integration tests, made through ERPNext's own APIs."""

from __future__ import annotations

import frappe
from frappe.utils import add_days, add_years, getdate, nowdate, random_string


def company() -> str:
	return (
		frappe.db.get_single_value("Global Defaults", "default_company")
		or frappe.get_all("Company", limit=1, pluck="name")[0]
	)


def second_company() -> str:
	"""Another company with its own chart of accounts, for Company user-permission tests."""
	name = "C360 Second Company"
	if not frappe.db.exists("Company", name):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": name,
				"abbr": "C3S",
				"default_currency": frappe.db.get_value("Company", company(), "default_currency"),
				"country": frappe.db.get_value("Company", company(), "country"),
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
	return name


def item() -> str:
	code = "C360-SERVICE"
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": "C360 Service",
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}) or "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
				"include_item_in_manufacturing": 0,
			}
		).insert(ignore_permissions=True)
	return code


def _items(rate: float, qty: float = 1, **extra) -> list[dict]:
	return [{"item_code": item(), "qty": qty, "rate": rate, **extra}]


def fiscal_year_for(day) -> None:
	"""ERPNext refuses a posting outside every Fiscal Year, and a fresh site's setup makes only the current one:
	add earlier years (same start day) until `day` is covered."""
	day = getdate(day)
	first = frappe.db.sql("select min(year_start_date) from `tabFiscal Year`")[0][0]
	if first and day < first:
		frappe.cache.delete_value("fiscal_years")  # ERPNext's list of years per company (get_fiscal_years)
	while first and day < first:
		start = add_years(first, -1)
		frappe.get_doc(
			{"doctype": "Fiscal Year", "year": f"C360 {start.isoformat()}", "year_start_date": start,
			 "year_end_date": add_days(first, -1)}
		).insert(ignore_permissions=True)  # fmt: skip
		first = start


def sales_invoice(customer: str, rate: float = 100, posting_date=None, submit=True, company_name=None, **kw):
	posting_date = posting_date or nowdate()
	fiscal_year_for(posting_date)
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": company_name or company(),
			"posting_date": posting_date,
			"set_posting_time": 1,
			"due_date": add_days(posting_date, 30),
			"items": _items(rate),
			**kw,
		}
	)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def credit_note(invoice_name: str):
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	doc = make_sales_return(invoice_name)
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


def payment_for(doctype: str, name: str, amount: float | None = None):
	"""Payment Entry against an invoice: Receive for an invoice, Pay (a refund) for a credit note."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	pe = get_payment_entry(doctype, name, party_amount=amount)
	pe.reference_no = random_string(8)
	pe.reference_date = nowdate()
	pe.insert(ignore_permissions=True)
	pe.submit()
	return pe


def sales_order(customer: str, rate: float = 250):
	doc = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": customer,
			"company": company(),
			"transaction_date": nowdate(),
			"delivery_date": add_days(nowdate(), 7),
			"items": _items(rate, delivery_date=add_days(nowdate(), 7)),
		}
	).insert(ignore_permissions=True)
	doc.submit()
	return doc


def quotation(customer: str, rate: float = 300):
	doc = frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": customer,
			"company": company(),
			"transaction_date": nowdate(),
			"items": _items(rate),
		}
	).insert(ignore_permissions=True)
	doc.submit()
	return doc


def delivery_note(sales_order_name: str):
	from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note

	doc = make_delivery_note(sales_order_name)
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


def issue(customer: str, subject: str | None = None):
	return frappe.get_doc(
		{"doctype": "Issue", "subject": subject or f"Broken {random_string(5)}", "customer": customer}
	).insert(ignore_permissions=True)


def contact(customer: str, email: str | None = None):
	email = email or f"c360-{random_string(8).lower()}@example.com"
	doc = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Contact " + random_string(5),
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	).insert(ignore_permissions=True)
	return doc


def email(subject: str, sender: str, sent_or_received="Received", **kw):
	return frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": sent_or_received,
			"subject": subject,
			"sender": sender,
			"content": f"<p>{subject}</p>",
			# Real mail has one; without it Frappe skips contact linking when any "Sent" message lacks one too.
			"message_id": f"<{random_string(16)}@example.com>",
			**kw,
		}
	).insert(ignore_permissions=True)


def todo(customer: str, description: str, due=None):
	return frappe.get_doc(
		{
			"doctype": "ToDo",
			"description": description,
			"reference_type": "Customer",
			"reference_name": customer,
			"allocated_to": "Administrator",
			"date": due,
		}
	).insert(ignore_permissions=True)


def advance_payment(customer: str, amount: float, company_name: str | None = None):
	"""A payment received and not allocated to any invoice (an advance)."""
	company_name = company_name or company()
	pe = frappe.new_doc("Payment Entry")
	pe.update(
		{
			"payment_type": "Receive",
			"company": company_name,
			"party_type": "Customer",
			"party": customer,
			"posting_date": nowdate(),
			"paid_to": frappe.get_cached_value("Company", company_name, "default_cash_account"),
			"paid_amount": amount,
			"received_amount": amount,
			"reference_no": random_string(8),
			"reference_date": nowdate(),
		}
	)
	pe.setup_party_account_field()
	pe.set_missing_values()
	pe.insert(ignore_permissions=True)
	pe.submit()
	return pe

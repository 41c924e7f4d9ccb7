"""Money documents that are not invoices, for the source and ledger tests: journal entries made through
ERPNext (receipt, refund, write-off, other) and rows of the till and reminder doctypes.

POS Invoice, Dunning and Loyalty Point Entry rows are written with db_insert: their controllers need a POS
profile with an opening entry, stock and a loyalty programme, none of which changes what the mapper reads.
"""

from __future__ import annotations

import frappe
from frappe.utils import nowdate, random_string

from customer_360.tests import erp


def _account(company: str, field: str) -> str:
	return frappe.get_cached_value("Company", company, field)


def journal_entry(
	customer: str, amount: float, kind: str = "receipt", company: str | None = None, posting_date=None
):
	"""kind: receipt (cash debited, customer credited), refund (the reverse), write_off (customer credited
	against the write-off expense account) or other (customer debited against income, no bank)."""
	company = company or erp.company()
	receivable = _account(company, "default_receivable_account")
	counter = {
		"receipt": _account(company, "default_cash_account"),
		"refund": _account(company, "default_cash_account"),
		"write_off": _account(company, "write_off_account"),
		"other": _account(company, "default_income_account"),
	}[kind]
	customer_credit = kind in ("receipt", "write_off")
	cost_center = _account(company, "cost_center")
	party_line = {
		"account": receivable,
		"party_type": "Customer",
		"party": customer,
		"credit_in_account_currency": amount if customer_credit else 0,
		"debit_in_account_currency": 0 if customer_credit else amount,
		"cost_center": cost_center,
	}
	counter_line = {
		"account": counter,
		"debit_in_account_currency": amount if customer_credit else 0,
		"credit_in_account_currency": 0 if customer_credit else amount,
		"cost_center": cost_center,
	}
	doc = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"voucher_type": "Journal Entry",
			"company": company,
			"posting_date": posting_date or nowdate(),
			"cheque_no": random_string(6) if kind in ("receipt", "refund") else None,
			"cheque_date": nowdate() if kind in ("receipt", "refund") else None,
			"accounts": [party_line, counter_line],
		}
	)
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


def _row(doctype: str, values: dict):
	doc = frappe.get_doc({"doctype": doctype, **values})
	doc.db_insert()
	return doc


def pos_invoice(customer: str, amount: float, consolidated_into: str | None = None, **kw):
	company = erp.company()
	return _row(
		"POS Invoice",
		{
			"name": f"POS-C360-{random_string(8)}",
			"customer": customer,
			"company": company,
			"posting_date": nowdate(),
			"posting_time": "10:15:00",
			"grand_total": amount,
			"currency": _account(company, "default_currency"),
			"is_pos": 1,
			"docstatus": 1,
			"status": "Consolidated" if consolidated_into else "Paid",
			"consolidated_invoice": consolidated_into,
			**kw,
		},
	)


def dunning(customer: str, amount: float, **kw):
	company = erp.company()
	return _row(
		"Dunning",
		{
			"name": f"DUNN-C360-{random_string(8)}",
			"customer": customer,
			"company": company,
			"posting_date": nowdate(),
			"grand_total": amount,
			"currency": _account(company, "default_currency"),
			"status": "Unresolved",
			"docstatus": 1,
			**kw,
		},
	)


def loyalty_points(customer: str, points: int, purchase_amount: float = 0, invoice: str | None = None):
	return _row(
		"Loyalty Point Entry",
		{
			"name": f"LPE-C360-{random_string(8)}",
			"customer": customer,
			"company": erp.company(),
			"posting_date": nowdate(),
			"loyalty_points": points,
			"loyalty_program": "C360 Rewards",
			"purchase_amount": purchase_amount,
			"invoice_type": "Sales Invoice" if invoice else None,
			"invoice": invoice,
		},
	)


def money_documents(customer: str, other: str) -> dict[str, list[str]]:
	"""Every state the money sources' mappers distinguish, by doctype (for the set-based parity test)."""
	receipt = journal_entry(customer, 120, "receipt")
	refund = journal_entry(customer, 30, "refund")
	write_off = journal_entry(customer, 5, "write_off")
	other_je = journal_entry(customer, 70, "other")
	cancelled = journal_entry(customer, 9, "receipt")
	cancelled.cancel()
	# One journal crediting two customers: one event each, with each one's own figure.
	shared = frappe.new_doc("Journal Entry")
	company = erp.company()
	cost_center = _account(company, "cost_center")
	shared.update({"voucher_type": "Bank Entry", "company": company, "posting_date": nowdate(),
		"cheque_no": "SPLIT", "cheque_date": nowdate()})  # fmt: skip
	for party, amount in ((customer, 25), (other, 15)):
		shared.append("accounts", {"account": _account(company, "default_receivable_account"),
			"party_type": "Customer", "party": party, "credit_in_account_currency": amount,
			"cost_center": cost_center})  # fmt: skip
	shared.append("accounts", {"account": _account(company, "default_cash_account"),
		"debit_in_account_currency": 40, "cost_center": cost_center})  # fmt: skip
	shared.insert(ignore_permissions=True)
	shared.submit()
	docs = {
		"Journal Entry": [
			receipt.name,
			refund.name,
			write_off.name,
			other_je.name,
			cancelled.name,
			shared.name,
		],
		"POS Invoice": [
			pos_invoice(customer, 50).name,
			pos_invoice(customer, 10, is_return=1, return_against="POS-X", docstatus=2).name,
		],
		"Dunning": [dunning(customer, 300, dunning_type="First Notice").name, dunning(customer, 1).name],
		"Loyalty Point Entry": [
			loyalty_points(customer, 12, 1200, invoice="SINV-X").name,
			loyalty_points(customer, -4).name,
		],
	}
	return docs

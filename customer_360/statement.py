"""A statement of account for a date range: the ledger's rows (ledger.py, ERPNext's GL rows of the customer's
party account) oldest first, from the opening balance to the closing one, as PDF (Frappe's get_pdf over a
Jinja template) or as an email draft the user sends from the desk's composer (nothing is sent here)."""

from __future__ import annotations

import re
from datetime import date

import frappe
from frappe import _
from frappe.utils import add_days, flt

from customer_360 import ledger
from customer_360.facts import receivables

TEMPLATE = "customer_360/templates/statement.html"
MAX_ROWS = 20_000  # a statement is read by a person: years of a whale's ledger is a report, not a letter


def statement(customer: str, company: str, from_date: date, to_date: date) -> dict:
	"""Opening balance (everything before from_date), the rows of the range and the closing balance, in the
	party-account currency. The caller has checked the customer, the company and the finance capability."""
	precision = receivables.precision()
	opening_by_currency = ledger.closing_balances(customer, company, add_days(from_date, -1))
	rows = frappe.db.sql(
		f"""select g.name, g.posting_date, g.voucher_type, g.voucher_no, g.against_voucher_type,
			g.against_voucher, g.debit_in_account_currency as debit, g.credit_in_account_currency as credit,
			g.account_currency as currency, si.is_return, si.outstanding_amount as outstanding, si.due_date
		from {ledger.GL} g {ledger._index_hint()}
		left join `tabSales Invoice` si on g.voucher_type = 'Sales Invoice' and si.name = g.voucher_no
		where g.party = %(customer)s and g.party_type = 'Customer' and g.company = %(company)s
			and g.is_cancelled = 0 and g.posting_date between %(from)s and %(to)s
		order by g.posting_date, g.name
		limit {MAX_ROWS}""",
		{"customer": customer, "company": company, "from": from_date, "to": to_date},
		as_dict=True,
	)
	if len(rows) >= MAX_ROWS:
		frappe.throw(
			_("The range holds more than {0} ledger entries; choose a shorter one.").format(MAX_ROWS - 1),
			frappe.ValidationError,
		)
	ledger._describe(rows, customer, to_date)
	currencies = set(opening_by_currency) | {r.currency for r in rows if r.currency}
	currency = (
		next(iter(currencies))
		if len(currencies) == 1
		else frappe.get_cached_value("Company", company, "default_currency")
	)
	opening = flt(sum(opening_by_currency.values()), precision)
	running = opening
	for r in rows:
		running += r.debit - r.credit
		r.balance = flt(running, precision)
	total_debit = flt(sum(r.debit for r in rows), precision)
	total_credit = flt(sum(r.credit for r in rows), precision)
	return {
		"customer": customer,
		"customer_name": frappe.db.get_value("Customer", customer, "customer_name") or customer,
		"company": company,
		"from_date": str(from_date),
		"to_date": str(to_date),
		"currency": currency,
		"opening": opening,
		"rows": rows,
		"total_debit": total_debit,
		"total_credit": total_credit,
		"closing": flt(opening + total_debit - total_credit, precision),
	}


def render_html(data: dict) -> str:
	return frappe.render_template(TEMPLATE, {"s": data, "fmt": _money})


def render_pdf(data: dict) -> bytes:
	from frappe.utils.pdf import get_pdf

	return get_pdf(render_html(data))


def _money(value, currency):
	from frappe.utils import fmt_money

	return fmt_money(value, currency=currency)


def draft(data: dict, pdf: bytes) -> dict:
	"""The email draft: subject and text for the composer, the PDF as a private file attached to the Customer
	(the composer attaches it; the user decides whether and to whom it is sent)."""
	# Frappe's composer writes a file name into its HTML unescaped: keep to letters, digits and a few marks.
	name = (
		re.sub(r"[^\w .-]", "-", f"Statement {data['customer']} {data['from_date']} {data['to_date']}")
		+ ".pdf"
	)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": name,
			"content": pdf,
			"is_private": 1,
			"attached_to_doctype": "Customer",
			"attached_to_name": data["customer"],
		}
	).insert(ignore_permissions=True)
	subject = _("Statement of account {0} to {1}").format(data["from_date"], data["to_date"])
	# Plain text: the page puts it into the composer escaped.
	message = _("Dear {0},\n\nPlease find attached your statement of account from {1} to {2}.").format(
		data["customer_name"], data["from_date"], data["to_date"]
	)
	return {
		"subject": subject,
		"message": message,
		"recipients": frappe.db.get_value("Customer", data["customer"], "email_id") or "",
		"attachment": {"name": file.name, "file_name": file.file_name, "file_url": file.file_url},
	}

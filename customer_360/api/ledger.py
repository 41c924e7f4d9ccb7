"""The customer's ledger (customer_360.ledger): finance capability only, one company at a time (its running
balance is in that company's party-account currency), companies limited by the user's User Permissions."""

import re

import frappe
from frappe import _

from customer_360 import cache, inputs, ledger, money, statement
from customer_360.core import money as core
from customer_360.messages import bold
from customer_360.permissions import allowed_companies, capabilities_for, check_customer_read


@frappe.whitelist()
@frappe.read_only()
def get_ledger(
	customer: str,
	company: str | None = None,
	status: str | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	min_amount: str | float | None = None,
	max_amount: str | float | None = None,
	cursor: str | None = None,
	limit: int | str | None = None,
) -> dict:
	check_customer_read(customer)
	companies = _companies(customer, company)
	if not capabilities_for(customer).see_finance:
		# The figures never leave the server (core.masking): no rows, no balance, flagged.
		return {"customer": customer, "companies": companies, "rows": None, "masked": True}
	if not companies:
		return {"customer": customer, "companies": [], "rows": [], "masked": False}
	company = company or companies[0]
	if status not in (None, "") and status not in core.LEDGER_STATUSES:
		frappe.throw(_("Unknown status {0}.").format(bold(status)), frappe.ValidationError)
	try:
		page = ledger.ledger_page(
			customer,
			company,
			status=status or None,
			from_date=inputs.date(from_date, "From Date"),
			to_date=inputs.date(to_date, "To Date"),
			min_amount=_amount(min_amount, "Minimum Amount"),
			max_amount=_amount(max_amount, "Maximum Amount"),
			cursor=cursor or None,
			limit=_limit(limit),
		)
	except core.LedgerError:
		frappe.throw(_("This page link is no longer valid; reload the ledger."), frappe.ValidationError)
	return {**page, "companies": companies, "masked": False}


@frappe.whitelist()
@frappe.read_only()
def get_dues(customer: str, company: str | None = None) -> dict:
	"""Overdue and due soon over EVERY open invoice of one company (ERPNext's Payment Ledger), in company and
	party-account currency. Its own call, not part of a ledger page: a page is a keyset read that costs the same
	at any depth, the dues read every open voucher (cached per index version, like the money panel)."""
	check_customer_read(customer)
	companies = _companies(customer, company)
	if not capabilities_for(customer).see_finance:
		return {"customer": customer, "dues": None, "masked": True}
	if not companies:
		return {"customer": customer, "dues": None, "masked": False}
	company = company or companies[0]
	today = str(frappe.utils.getdate())
	dues = cache.get_or_compute("dues", customer, [company, today], lambda: ledger.dues(customer, company))
	return {"customer": customer, "company": company, "dues": dues, "masked": False}


def _companies(customer: str, company: str | None) -> list[str]:
	allowed = allowed_companies()
	if company:
		if not frappe.db.exists("Company", company):
			frappe.throw(_("Company {0} does not exist.").format(bold(company)), frappe.DoesNotExistError)
		if allowed is not None and company not in allowed:
			frappe.throw(
				_("You are not permitted to see company {0}.").format(bold(company)), frappe.PermissionError
			)
	found = money.companies_with_activity([customer])
	return [c for c in found if allowed is None or c in allowed]


def _amount(value, label: str) -> float | None:
	if value in (None, ""):
		return None
	try:
		number = float(value)
		if number != number or number in (float("inf"), float("-inf")):
			raise ValueError
		return number
	except (TypeError, ValueError):
		frappe.throw(_("{0} is not a number: {1}").format(_(label), bold(value)), frappe.ValidationError)


def _limit(value) -> int:
	if value in (None, ""):
		return ledger.DEFAULT_LIMIT
	try:
		return int(value)
	except (TypeError, ValueError):
		frappe.throw(_("{0} is not a number: {1}").format(_("Limit"), bold(value)), frappe.ValidationError)


def _statement_args(customer: str, company: str | None, from_date, to_date) -> tuple[str, object, object]:
	"""The checks every statement call makes after check_customer_read: finance capability, a readable company
	with ledger rows, a date range in order."""
	if not capabilities_for(customer).see_finance:
		frappe.throw(_("Statements are for users who may see finance figures."), frappe.PermissionError)
	companies = _companies(customer, company)
	company = company or (companies[0] if companies else None)
	if not company:
		frappe.throw(_("This customer has no ledger entries."), frappe.ValidationError)
	start, end = inputs.date(from_date, "From Date"), inputs.date(to_date, "To Date")
	if not start or not end:
		frappe.throw(_("A statement needs a From Date and a To Date."), frappe.ValidationError)
	if start > end:
		frappe.throw(_("From Date must not be after To Date."), frappe.ValidationError)
	return company, start, end


@frappe.whitelist()
@frappe.read_only()
def download_statement(
	customer: str, company: str | None = None, from_date: str | None = None, to_date: str | None = None
) -> None:
	"""The statement of account for the range as a PDF download."""
	check_customer_read(customer)
	company, start, end = _statement_args(customer, company, from_date, to_date)
	data = statement.statement(customer, company, start, end)
	frappe.local.response.filename = re.sub(r"[^\w .-]", "-", f"Statement {customer} {start} {end}") + ".pdf"
	frappe.local.response.filecontent = statement.render_pdf(data)
	frappe.local.response.type = "pdf"


@frappe.whitelist(methods=["POST"])
def statement_email_draft(
	customer: str, company: str | None = None, from_date: str | None = None, to_date: str | None = None
) -> dict:
	"""Subject, text, recipient and the PDF (a private file on the Customer) for the desk's email composer. The
	user sends it, or not: nothing is sent here."""
	check_customer_read(customer)
	company, start, end = _statement_args(customer, company, from_date, to_date)
	data = statement.statement(customer, company, start, end)
	return statement.draft(data, statement.render_pdf(data))

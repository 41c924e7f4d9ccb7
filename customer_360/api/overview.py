"""Customer profile for the 360 header. Money figures arrive with the money/masking work."""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from customer_360 import inputs, money
from customer_360.messages import bold
from customer_360.permissions import allowed_companies, check_customer_read, get_capabilities

# Figures a user without the finance capability receives as null (with masked: true).
MASKED_FIGURES = (
	"outstanding",
	"overdue",
	"unallocated_advances",
	"ageing",
	"lifetime_value",
	"average_days_to_pay",
	"last_payment",
	"credit_limit",
	"credit_used",
	"credit_used_percent",
	"open_quotations",
	"orders_to_deliver",
	"orders_to_bill",
	"invoices",
	"payments",
	"refunds",
	"credit_notes",
	"portal_links",
)


@frappe.whitelist()
@frappe.read_only()
def get_profile(customer: str) -> dict:
	check_customer_read(customer)
	doc = frappe.get_doc("Customer", customer)
	return {
		"name": doc.name,
		"customer_name": doc.customer_name,
		"customer_type": doc.customer_type,
		"customer_group": doc.customer_group,
		"territory": doc.territory,
		"account_manager": doc.account_manager,
		"account_manager_name": frappe.utils.get_fullname(doc.account_manager)
		if doc.account_manager
		else None,
		"disabled": doc.disabled,
		"image": doc.image,
		"email_id": doc.email_id,
		"mobile_no": doc.mobile_no,
		"primary_contact": doc.customer_primary_contact,
		"parent_customer": doc.get("c360_parent_customer"),
		"capabilities": get_capabilities().as_dict(),
	}


@frappe.whitelist()
@frappe.read_only()
def get_money(customer: str, company: str | None = None, as_on: str | None = None) -> dict:
	"""Per company: receivables as ERPNext's Accounts Receivable report computes them, plus sales pipeline,
	recent documents and credit. Children (Parent Customer) roll up into their parent."""
	check_customer_read(customer)
	if company and not frappe.db.exists("Company", company):
		frappe.throw(_("Company {0} does not exist.").format(bold(company)), frappe.DoesNotExistError)
	as_on_date = inputs.date(as_on, "As on") or getdate(nowdate())

	customers = money.rolled_up_customers(customer)
	allowed = allowed_companies()
	if company and allowed is not None and company not in allowed:
		frappe.throw(
			_("You are not permitted to see company {0}.").format(bold(company)),
			frappe.PermissionError,
		)
	companies = [company] if company else money.companies_with_activity(customers)
	if allowed is not None:
		companies = [c for c in companies if c in allowed]

	out = {"customer": customer, "customers": customers, "as_on": str(as_on_date), "companies": []}
	if not get_capabilities().see_finance:
		# The figures never leave the server: each one is null and flagged.
		out["masked"] = True
		out["companies"] = [
			{"company": c, "masked": True, **dict.fromkeys(MASKED_FIGURES)} for c in companies
		]
		return out
	out["masked"] = False
	for c in companies:
		try:
			out["companies"].append(money.company_money(customers, c, as_on_date))
		except Exception:
			# One company's failure must not blank the panel for the others.
			frappe.log_error(f"customer_360: money panel failed for {customer} / {c}")
			out["companies"].append(
				{"company": c, "error": _("Could not compute the figures for this company.")}
			)
	return out

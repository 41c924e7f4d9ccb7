"""Customer profile for the 360 header, and the money panel (customer_360.money, masked by core.masking)."""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from customer_360 import inputs, money
from customer_360.messages import bold
from customer_360.permissions import capabilities_for, check_customer_read

_PROFILE_FIELDS = (
	"name", "customer_name", "customer_type", "customer_group", "territory", "account_manager", "disabled",
	"image", "email_id", "mobile_no", "customer_primary_contact", "c360_parent_customer",
)  # fmt: skip


@frappe.whitelist()
@frappe.read_only()
def get_profile(customer: str) -> dict:
	check_customer_read(customer)
	# The header's fields only: get_doc would also load every child table of the Customer.
	doc = frappe.db.get_value("Customer", customer, _PROFILE_FIELDS, as_dict=True)
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
		"parent_customer": doc.c360_parent_customer,
		"capabilities": capabilities_for(customer).as_dict(),  # the ownership rule included
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

	return money.panel(customer, company, as_on_date, capabilities_for(customer))

"""Customer profile for the 360 header. Money figures arrive with the money/masking work."""

import frappe

from customer_360.permissions import check_customer_read, get_capabilities


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

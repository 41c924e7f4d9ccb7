"""A customer's lifecycle stage changes, one row per change (customer_360.lifecycle writes them nightly).

Desk access is for System Manager and Customer 360 Manager only; everyone else reads a customer's stages
through customer_360.api.account, which hides risk-derived stages from readers without the risk capability.
"""

import frappe
from frappe.model.document import Document


class CustomerLifecycleStage(Document):
	pass


def on_doctype_update():
	# The 360 header reads one customer's history; the nightly job each customer's latest row.
	frappe.db.add_index("Customer Lifecycle Stage", ["customer", "since"], "customer_since_index")

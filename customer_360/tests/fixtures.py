"""before_tests hook: a fresh ERPNext site has no company; ERPNext's own test bootstrap completes the setup
wizard (company, fiscal year, chart of accounts), then we add what our tests need on top."""

import frappe


def before_tests():
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	frappe.db.commit()

"""before_tests hook: a fresh ERPNext site has no company; ERPNext's own test bootstrap completes the setup
wizard (company, fiscal year, chart of accounts), then we add what our tests need on top."""

import frappe


def before_tests():
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	frappe.db.commit()
	# A fresh site has no encryption key: the first Password saved (the assistant's API key, in a test) makes
	# one and rewrites site_config.json in place, and an RQ worker that reads the file in that instant fails its
	# job ("site_config.json is invalid"; CI on a323f55). Made here, before any test and any job.
	from frappe.utils.password import get_encryption_key

	get_encryption_key()

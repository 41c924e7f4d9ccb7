"""Test base shim and small factories shared by the integration tests.

Frappe v16 renamed the base class (customer_360.compat names it); tests import C360TestCase.
Integration tests COMMIT (the timeline is written after commit by RQ jobs), so every factory makes unique
names and no test depends on a table being empty.
"""

from __future__ import annotations

import frappe
from frappe.utils import random_string

from customer_360.compat import integration_test_base

_Base = integration_test_base()


class C360TestCase(_Base):
	def setUp(self):
		super().setUp()
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")
		super().tearDown()


def unique(prefix: str) -> str:
	return f"{prefix} {random_string(8)}"


def make_user(
	roles: list[str], email: str | None = None, company: str | None = None, user_type: str = "System User"
) -> str:
	"""A user with exactly `roles`; optionally restricted to one Company by a User Permission."""
	email = email or f"c360-{random_string(10).lower()}@example.com"
	current = frappe.session.user
	frappe.set_user("Administrator")  # whoever the test is acting as, setting up users is an admin's job
	try:
		# The suite makes dozens of users a run; Frappe throttles more than 60 an hour unless importing.
		in_import, frappe.flags.in_import = frappe.flags.in_import, True
		try:
			return _make_user(email, roles, company, user_type)
		finally:
			frappe.flags.in_import = in_import
	finally:
		frappe.set_user(current)


def _make_user(email: str, roles: list[str], company: str | None, user_type: str) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
				"user_type": user_type,
				"enabled": 1,  # defaults are not applied while importing
				"new_password": "Test-Pass-360!",
			}
		)
		user.flags.ignore_password_policy = True
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.remove_roles(*[r.role for r in user.roles])
	user.add_roles(*roles)
	if company:
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": email,
				"allow": "Company",
				"for_value": company,
				"apply_to_all_doctypes": 1,
			}
		).insert(ignore_permissions=True)
	return email


def make_customer(name: str | None = None, **fields) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name or unique("C360 Customer"),
			"customer_type": "Company",
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}) or "All Customer Groups",
			"territory": frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories",
			**fields,
		}
	).insert(ignore_permissions=True)
	return doc.name

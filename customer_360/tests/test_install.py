"""The app installs cleanly: roles, settings defaults, custom fields, the page and the Customer button."""

import json
import os

import frappe

from customer_360.core import capabilities
from customer_360.install import (
	CUSTOM_FIELDS,
	LEDGER_INDEX_COLUMNS,
	_index_columns,
	ensure_erp_indexes,
	ensure_setup,
)
from customer_360.permissions import clear_capability_cache, get_capabilities
from customer_360.tests.utils import C360TestCase, make_customer, make_user


def _fingerprint():
	"""Everything install creates outside our doctypes, minus timestamps."""
	fields = frappe.get_all(
		"Custom Field",
		filters={"dt": "Customer", "fieldname": ["like", "c360_%"]},
		fields=["name", "fieldtype", "options", "label", "insert_after"],
		order_by="name",
	)
	rows = frappe.get_all(
		"Customer 360 Role Capability",
		filters={"parent": "Customer 360 Settings"},
		fields=["role", "note_scopes", *capabilities.CAPABILITIES],
		order_by="idx",
	)
	roles = frappe.get_all("Role", filters={"name": ["in", capabilities.APP_ROLES]}, pluck="name")
	return json.dumps([fields, rows, roles], default=str, sort_keys=True)


class TestInstall(C360TestCase):
	def test_custom_fields_exist_on_customer(self):
		meta = frappe.get_meta("Customer")
		for df in CUSTOM_FIELDS["Customer"]:
			field = meta.get_field(df["fieldname"])
			self.assertIsNotNone(field, df["fieldname"])
			self.assertEqual(field.options, df["options"])

	def test_app_role_and_settings_defaults(self):
		self.assertTrue(frappe.db.exists("Role", capabilities.MANAGER_ROLE))
		rows = {r.role: r for r in frappe.get_single("Customer 360 Settings").role_capabilities}
		self.assertTrue(rows["Accounts User"].see_finance)
		self.assertFalse(rows["Sales User"].see_finance)
		self.assertIn("sales", rows["Sales User"].note_scopes)
		self.assertNotIn("restricted", rows["Sales Manager"].note_scopes)

	def test_setup_is_idempotent(self):
		before = _fingerprint()
		ensure_setup()
		ensure_setup()
		self.assertEqual(before, _fingerprint())

	def test_an_index_whose_columns_changed_is_rebuilt_on_migrate(self):
		# A site migrated from a release whose ledger index lacked account_currency (the balance was then read
		# row by row from the table).
		frappe.db.sql_ddl("alter table `tabGL Entry` drop index `c360_party_ledger`")
		frappe.db.sql_ddl(
			"alter table `tabGL Entry` add index `c360_party_ledger` (party, party_type, company)"
		)
		self.assertEqual(_index_columns("GL Entry", "c360_party_ledger"), ["party", "party_type", "company"])
		ensure_erp_indexes()
		self.assertEqual(_index_columns("GL Entry", "c360_party_ledger"), list(LEDGER_INDEX_COLUMNS))
		self.assertIn("account_currency", LEDGER_INDEX_COLUMNS)

	def test_settings_edits_survive_migrate(self):
		settings = frappe.get_single("Customer 360 Settings")
		row = next(r for r in settings.role_capabilities if r.role == "Sales User")
		row.see_finance = 1
		settings.save()
		try:
			ensure_setup()
			clear_capability_cache()
			sales_user = make_user(["Sales User"])
			self.assertTrue(get_capabilities(sales_user).see_finance)
		finally:
			settings.reload()
			row = next(r for r in settings.role_capabilities if r.role == "Sales User")
			row.see_finance = 0
			settings.save()
			clear_capability_cache()

	def test_settings_reject_unknown_scope(self):
		settings = frappe.get_single("Customer 360 Settings")
		settings.role_capabilities[0].note_scopes = "internal, gossip"
		with self.assertRaises(frappe.ValidationError):
			settings.save()

	def test_capabilities_follow_roles(self):
		finance = make_user(["Accounts User"])
		sales = make_user(["Sales User"])
		self.assertTrue(get_capabilities(finance).see_finance)
		self.assertFalse(get_capabilities(sales).see_finance)
		self.assertFalse(get_capabilities(sales).see_risk)
		self.assertEqual(get_capabilities(sales).note_scopes, {"internal", "sales", "customer"})
		self.assertTrue(get_capabilities("Administrator").can_merge)

	def test_page_and_form_button_are_installed(self):
		page = frappe.get_doc("Page", "customer-360")
		self.assertEqual(page.module, "Customer 360")
		self.assertIn("Sales User", [r.role for r in page.roles])
		self.assertIn("public/js/customer.js", frappe.get_hooks("doctype_js")["Customer"])
		js = open(frappe.get_app_path("customer_360", "public", "js", "customer.js")).read()
		self.assertIn('frappe.set_route("customer-360", frm.doc.name)', js)
		self.assertTrue(
			os.path.exists(
				frappe.get_app_path("customer_360", "customer_360", "page", "customer_360", "customer_360.js")
			)
		)


class TestProfileApi(C360TestCase):
	def test_profile_returns_customer_name(self):
		from customer_360.api.overview import get_profile

		name = make_customer()
		user = make_user(["Sales User"])
		frappe.set_user(user)
		profile = get_profile(name)
		self.assertEqual(profile["customer_name"], name)
		self.assertFalse(profile["capabilities"]["see_finance"])

	def test_profile_refuses_unknown_customer_and_unauthorised_user(self):
		from customer_360.api.overview import get_profile

		with self.assertRaises(frappe.DoesNotExistError):
			get_profile("No Such Customer 360")
		name = make_customer()
		frappe.set_user(make_user(["Projects User"]))  # no read on Customer
		with self.assertRaises(frappe.PermissionError):
			get_profile(name)


class TestAdminApi(C360TestCase):
	def test_only_system_managers_start_a_backfill(self):
		from customer_360.api.admin import start_backfill

		frappe.set_user(make_user(["Sales Manager"]))
		with self.assertRaises(frappe.PermissionError):
			start_backfill()

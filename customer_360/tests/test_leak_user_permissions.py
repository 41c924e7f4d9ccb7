"""The leak matrix for a User-Permission-limited user (issue 15): a finance-and-risk capable user restricted by
a User Permission to one customer gets everything about that customer (positive control) and nothing about
another — on every customer-scoped 360 API, read or write, and in the directory."""

import frappe

from customer_360.api import (
	account,
	directory,
	health,
	interactions,
	next_steps,
	notes,
	overview,
	people,
	risk,
)
from customer_360.api.timeline import get_timeline
from customer_360.tests import erp
from customer_360.tests.utils import C360TestCase, make_customer, make_user

# Every customer-scoped endpoint, with the arguments it needs besides the customer.
READS = {
	"get_timeline": (get_timeline, {}),
	"get_profile": (overview.get_profile, {}),
	"get_money": (overview.get_money, {}),
	"get_sales_trend": (directory.get_sales_trend, {}),
	"get_health": (health.get_health, {}),
	"get_flags": (risk.get_flags, {}),
	"get_notes": (notes.get_notes, {}),
	"get_interactions": (interactions.get_interactions, {}),
	"get_tasks": (interactions.get_tasks, {}),
	"get_referrals": (interactions.get_referrals, {}),
	"get_files": (interactions.get_files, {}),
	"get_audit": (interactions.get_audit, {}),
	"get_suggestions": (next_steps.get_suggestions, {}),
	"get_briefing": (next_steps.get_briefing, {}),
	"get_people": (people.get_people, {}),
	"get_lifecycle": (account.get_lifecycle, {}),
	"get_account_audit": (account.get_audit, {}),
	"get_related": (account.get_related, {}),
	"get_group": (account.get_group, {}),
	"get_group_timeline": (account.get_group_timeline, {}),
}
WRITES = {
	"add_note": (notes.add_note, {"content": "zq-leak-note"}),
	"log_interaction": (interactions.log_interaction, {"interaction_type": "call", "summary": "zq-leak"}),
	"create_task": (interactions.create_task, {"description": "zq-leak-task"}),
	"add_tag": (notes.add_tag, {"tag": "zq-leak-tag"}),
}


class TestUserPermissionLimitedUser(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.mine = make_customer()
		cls.theirs = make_customer()
		for customer in (cls.mine, cls.theirs):
			erp.sales_invoice(customer, rate=777)
		# Finance and risk capable: only the User Permission stands between this user and the other customer.
		cls.user = make_user(["Accounts Manager", "Sales Manager"])
		frappe.get_doc(
			{"doctype": "User Permission", "user": cls.user, "allow": "Customer", "for_value": cls.mine}
		).insert(ignore_permissions=True)
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		frappe.set_user(self.user)

	def test_every_read_answers_for_the_permitted_customer(self):
		for name, (fn, kwargs) in READS.items():
			with self.subTest(api=name):
				self.assertIsNotNone(fn(self.mine, **kwargs))

	def test_every_read_refuses_the_other_customer(self):
		for name, (fn, kwargs) in READS.items():
			with self.subTest(api=name):
				self.assertRaises(frappe.PermissionError, fn, self.theirs, **kwargs)

	def test_every_write_refuses_the_other_customer_and_writes_nothing(self):
		for name, (fn, kwargs) in WRITES.items():
			with self.subTest(api=name):
				self.assertRaises(frappe.PermissionError, fn, self.theirs, **kwargs)
		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists("Customer Note", {"customer": self.theirs}))
		self.assertFalse(frappe.db.exists("Customer Interaction", {"customer": self.theirs}))
		self.assertFalse(frappe.db.exists("ToDo", {"reference_name": self.theirs}))
		self.assertNotIn("zq-leak-tag", frappe.db.get_value("Customer", self.theirs, "_user_tags") or "")

	def test_the_directory_lists_only_the_permitted_customer(self):
		found = {r["name"] for r in directory.search_customers(query="C360 Customer", limit=100)["customers"]}
		self.assertNotIn(self.theirs, found)
		mine = directory.search_customers(query=frappe.db.get_value("Customer", self.mine, "customer_name"))
		self.assertIn(self.mine, {r["name"] for r in mine["customers"]})

"""Groups and households roll up: a household's members (sharing its address, or naming it as their household)
and a parent's children appear in the group view and the group timeline — only those the reader may read."""

from __future__ import annotations

import frappe
from frappe.utils import add_days, nowdate, random_string

from customer_360 import rollup
from customer_360.api import account as account_api
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.utils import C360TestCase, make_customer, make_user


def household_group() -> str:
	if not frappe.db.exists("Customer Group", rollup.HOUSEHOLD_GROUP):
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": rollup.HOUSEHOLD_GROUP,
				"parent_customer_group": frappe.db.get_value("Customer Group", {"is_group": 1}),
			}
		).insert(ignore_permissions=True)
	return rollup.HOUSEHOLD_GROUP


def shared_address(*customers: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": "Home " + random_string(5),
				"address_type": "Billing",
				"address_line1": "1 Shared Street",
				"city": "Springfield",
				"country": frappe.db.get_value("Company", erp.company(), "country"),
				"links": [{"link_doctype": "Customer", "link_name": c} for c in customers],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def events_of(out: dict) -> set[str]:
	return {e["customer"] for e in out["events"]}


class TestHouseholds(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.household = make_customer(customer_group=household_group(), customer_type="Individual")
		cls.anna = make_customer(customer_type="Individual")
		cls.ben = make_customer(customer_type="Individual")
		cls.neighbour = make_customer(customer_type="Individual")  # another address: not a member
		shared_address(cls.household, cls.anna, cls.ben)
		shared_address(cls.neighbour)
		cls.lodger = make_customer(customer_type="Individual", c360_household=cls.household)
		erp.sales_invoice(cls.anna, rate=100, posting_date=add_days(nowdate(), -3))
		erp.sales_invoice(cls.ben, rate=250, posting_date=add_days(nowdate(), -2))
		erp.sales_invoice(cls.neighbour, rate=999, posting_date=add_days(nowdate(), -2))

		cls.parent = make_customer()
		cls.visible_child = make_customer(c360_parent_customer=cls.parent)
		cls.hidden_child = make_customer(c360_parent_customer=cls.parent)
		cls.grandchild = make_customer(c360_parent_customer=cls.visible_child)
		for c in (cls.parent, cls.visible_child, cls.hidden_child, cls.grandchild):
			erp.sales_invoice(c, rate=70, posting_date=add_days(nowdate(), -1))
		wait_for_jobs()
		# May read the parent, one child and the grandchild, not the other child (User Permissions).
		cls.limited = make_user(["Sales User", "Accounts User"])
		for c in (cls.parent, cls.visible_child, cls.grandchild):
			frappe.get_doc(
				{"doctype": "User Permission", "user": cls.limited, "allow": "Customer", "for_value": c}
			).insert(ignore_permissions=True)
		frappe.db.commit()

	def test_household_of_customers_sharing_an_address_rolls_up(self):
		out = account_api.get_group(self.household)
		self.assertTrue(out["household"])
		relation = {m["customer"]: m["relation"] for m in out["members"]}
		self.assertEqual(
			relation,
			{self.household: "self", self.anna: "household", self.ben: "household", self.lodger: "household"},
		)
		self.assertEqual(out["total"]["lifetime_value"], 350.0)
		ltv = {m["customer"]: m["lifetime_value"] for m in out["members"]}
		self.assertEqual((ltv[self.anna], ltv[self.ben]), (100.0, 250.0))
		# The household's timeline shows its members' invoices, and one member's alone on request.
		self.assertEqual(events_of(account_api.get_group_timeline(self.household)), {self.anna, self.ben})
		self.assertEqual(
			events_of(account_api.get_group_timeline(self.household, member=self.ben)), {self.ben}
		)
		# A customer outside the household, as `member`, yields nothing (never its events).
		self.assertEqual(account_api.get_group_timeline(self.household, member=self.neighbour)["events"], [])

	def test_parent_shows_only_the_children_the_reader_may_read(self):
		everyone = {self.parent, self.visible_child, self.hidden_child, self.grandchild}
		self.assertEqual(events_of(account_api.get_group_timeline(self.parent)), everyone)
		frappe.set_user(self.limited)
		out = account_api.get_group_timeline(self.parent)
		self.assertEqual(events_of(out), {self.parent, self.visible_child, self.grandchild})
		self.assertEqual(account_api.get_group_timeline(self.parent, member=self.hidden_child)["events"], [])
		self.assertEqual(
			events_of(account_api.get_group_timeline(self.parent, member=self.visible_child)),
			{self.visible_child},
		)
		group = account_api.get_group(self.parent)
		self.assertNotIn(self.hidden_child, {m["customer"] for m in group["members"]})
		self.assertEqual(len(group["members"]), 3)
		# The reader cannot open the hidden child itself either.
		with self.assertRaises(frappe.PermissionError):
			account_api.get_group(self.hidden_child)

	def test_the_directory_badges_heads_with_their_readable_members(self):
		from customer_360.api.directory import _add_badges

		def badge(customer):
			rows = [frappe._dict(name=customer, disabled=0)]
			_add_badges(rows)
			return {b["key"]: b["label"] for b in rows[0]["badges"]}

		# The household: two address mates and a lodger; the parent: two children (the grandchild is a level down).
		self.assertEqual(badge(self.household).get("household"), "Household of 4")
		self.assertEqual(badge(self.parent).get("group"), "Group of 3")
		self.assertNotIn("group", badge(self.hidden_child))
		frappe.set_user(self.limited)
		self.assertEqual(badge(self.parent).get("group"), "Group of 2")  # the hidden child is not counted

	def test_group_figures_are_masked_without_the_capabilities(self):
		frappe.set_user(make_user(["Sales User"]))
		out = account_api.get_group(self.household)
		self.assertTrue(out["finance_masked"] and out["risk_masked"])
		self.assertIsNone(out["total"]["lifetime_value"])
		self.assertTrue(all(m["lifetime_value"] is None and m["score"] is None for m in out["members"]))
		self.assertTrue(all(m["flags"] is None and m["band"] is None for m in out["members"]))
		self.assertEqual(
			{m["customer"] for m in out["members"]}, {self.household, self.anna, self.ben, self.lodger}
		)

"""The ownership rule: the account manager and the Sales Team's users see the finance and risk panels of their
own customers without the role capability, when Customer 360 Settings switch the rule on; nobody else gains
anything, and nobody gains anything while the rule is off."""

from __future__ import annotations

import json
from contextlib import contextmanager

import frappe
from frappe.utils import add_days, nowdate, random_string

from customer_360.api import health as health_api
from customer_360.api import overview
from customer_360.api import risk as risk_api
from customer_360.api.directory import get_sales_trend
from customer_360.api.timeline import get_timeline
from customer_360.permissions import OWNERSHIP_SETTING, SETTINGS, capabilities_for, clear_capability_cache
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.test_risk_health import role_capability
from customer_360.tests.utils import C360TestCase, make_customer, make_user

AMOUNT = 4321.87
MARKS = ("4321.87", "4,321.87")


@contextmanager
def ownership_rule(enabled: bool):
	"""Switch the rule on or off for the block (committed: the APIs read the setting)."""
	before = frappe.db.get_single_value(SETTINGS, OWNERSHIP_SETTING)
	frappe.db.set_single_value(SETTINGS, OWNERSHIP_SETTING, int(enabled))
	frappe.db.commit()
	clear_capability_cache()
	try:
		yield
	finally:
		frappe.db.set_single_value(SETTINGS, OWNERSHIP_SETTING, before or 0)
		frappe.db.commit()
		clear_capability_cache()


def sales_person_for(user: str) -> str:
	"""A Sales Person backed by an Employee whose user is `user`."""
	employee = frappe.get_doc(
		{
			"doctype": "Employee",
			"first_name": "C360 Rep " + random_string(5),
			"company": erp.company(),
			"status": "Active",
			"gender": frappe.db.get_value("Gender", {}) or "Female",
			"date_of_birth": "1990-01-01",
			"date_of_joining": "2020-01-01",
			"user_id": user,
		}
	).insert(ignore_permissions=True)
	return (
		frappe.get_doc(
			{
				"doctype": "Sales Person",
				"sales_person_name": "C360 Rep " + random_string(6),
				"employee": employee.name,
				"parent_sales_person": frappe.db.get_value("Sales Person", {"is_group": 1}) or "Sales Team",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


class TestOwnershipRule(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		# Sales User has no finance or risk capability by default; Accounts User lets the user read invoices
		# (so the timeline shows the invoice's amount or masks it) — its capabilities are switched off below.
		roles = ["Sales User", "Accounts User"]
		cls.manager = make_user(roles)
		cls.rep = make_user(roles)
		cls.stranger = make_user(roles)
		cls.customer = make_customer(account_manager=cls.manager)
		doc = frappe.get_doc("Customer", cls.customer)
		doc.append("sales_team", {"sales_person": sales_person_for(cls.rep), "allocated_percentage": 100})
		doc.save(ignore_permissions=True)
		cls.other = make_customer(account_manager=cls.stranger)
		erp.sales_invoice(cls.customer, rate=AMOUNT, posting_date=add_days(nowdate(), -40))
		frappe.db.commit()
		wait_for_jobs()

	def panels(self, user: str, customer: str | None = None) -> dict:
		customer = customer or self.customer
		frappe.set_user(user)
		try:
			return {
				"money": json.dumps(overview.get_money(customer), default=str),
				"timeline": json.dumps(get_timeline(customer), default=str),
				"trend": get_sales_trend(customer),
				"health": health_api.get_health(customer),
				"flags": risk_api.get_flags(customer),
				"caps": overview.get_profile(customer)["capabilities"],
			}
		finally:
			frappe.set_user("Administrator")

	def sees(self, panels: dict) -> dict:
		return {
			"money": any(m in panels["money"] for m in MARKS),
			"timeline": any(m in panels["timeline"] for m in MARKS),
			"trend": not panels["trend"]["masked"] and AMOUNT in panels["trend"]["values"],
			"health": not panels["health"]["masked"],
			"flags": not panels["flags"]["masked"],
			"caps": (panels["caps"]["see_finance"], panels["caps"]["see_risk"]),
		}

	def test_owners_see_their_customer_and_only_while_the_rule_is_on(self):
		everything = {"money": True, "timeline": True, "trend": True, "health": True, "flags": True}
		nothing = {"money": False, "timeline": False, "trend": False, "health": False, "flags": False}
		with role_capability("Accounts User", see_finance=0, see_risk=0):
			with ownership_rule(True):
				for user in (self.manager, self.rep):  # account manager; sales team via Employee.user_id
					got = self.sees(self.panels(user))
					self.assertEqual(got.pop("caps"), (True, True), user)
					self.assertEqual(got, everything, user)
				# Another customer's account manager sees this customer's summary only...
				got = self.sees(self.panels(self.stranger))
				self.assertEqual(got.pop("caps"), (False, False))
				self.assertEqual(got, nothing)
				# ...and this customer's account manager sees nothing of the stranger's customer.
				self.assertEqual(capabilities_for(self.other, self.manager).see_finance, False)
				frappe.set_user(self.manager)
				self.assertTrue(overview.get_money(self.other)["masked"])
				frappe.set_user("Administrator")
				# Owning grants reading, never merging or managing flags.
				caps = capabilities_for(self.customer, self.manager)
				self.assertEqual((caps.can_merge, caps.manage_flags), (False, False))
			with ownership_rule(False):
				got = self.sees(self.panels(self.manager))
				self.assertEqual(got.pop("caps"), (False, False))
				self.assertEqual(got, nothing)

	def test_rule_follows_a_change_of_account_manager(self):
		with role_capability("Accounts User", see_finance=0, see_risk=0), ownership_rule(True):
			frappe.db.set_value("Customer", self.other, "account_manager", self.manager)
			frappe.db.commit()
			clear_capability_cache()
			try:
				self.assertTrue(capabilities_for(self.other, self.manager).see_finance)
				self.assertFalse(capabilities_for(self.other, self.stranger).see_finance)
			finally:
				frappe.db.set_value("Customer", self.other, "account_manager", self.stranger)
				frappe.db.commit()
				clear_capability_cache()

"""Customer directory API: search by name, email and phone (the customer's own fields and its contacts'),
Customer read permission and user permissions decide the rows, badges follow the 360's masking; the 360 page's
sales trend is a finance figure; live-update notifications name the customers whose events were written."""

from unittest.mock import patch

import frappe
from frappe.utils import random_string

from customer_360 import realtime
from customer_360.api import directory
from customer_360.tests import erp
from customer_360.tests.utils import C360TestCase, make_customer, make_user, unique


def names(result: dict) -> list[str]:
	return [c["name"] for c in result["customers"]]


def badges(result: dict, customer: str) -> set[str]:
	return {b["key"] for c in result["customers"] if c["name"] == customer for b in c["badges"]}


class TestDirectorySearch(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.token = random_string(8).lower()
		cls.phone = "+44 20 " + "".join(str(ord(c) % 10) for c in cls.token[:4]) + " 9911"
		cls.by_name = make_customer(f"Zeta Dir {cls.token} Ltd")
		cls.by_own_email = make_customer(unique("Dir Mail"), email_id=f"billing-{cls.token}@example.com")
		cls.by_contact = make_customer(unique("Dir Contact"))
		contact = erp.contact(cls.by_contact, email=f"buyer-{cls.token}@example.com")
		contact.append("phone_nos", {"phone": cls.phone, "is_primary_phone": 1})
		contact.save(ignore_permissions=True)
		cls.unrelated = make_customer(unique("Dir Unrelated"))
		frappe.db.commit()

	def test_search_by_name(self):
		result = directory.search_customers(f"zeta dir {self.token}")
		self.assertEqual(names(result), [self.by_name])

	def test_search_by_customer_email(self):
		self.assertEqual(names(directory.search_customers(f"billing-{self.token}")), [self.by_own_email])

	def test_search_by_contact_email_and_phone(self):
		self.assertEqual(names(directory.search_customers(f"buyer-{self.token}@")), [self.by_contact])
		self.assertEqual(names(directory.search_customers(self.phone[4:])), [self.by_contact])

	def test_wildcards_are_literal(self):
		# "%" and "_" typed by a user match themselves, not everything.
		self.assertNotIn(self.unrelated, names(directory.search_customers("%")))
		self.assertEqual(directory.search_customers(f"{self.token}_%_")["customers"], [])

	def test_paging(self):
		first = directory.search_customers("", limit=2)
		self.assertEqual(len(first["customers"]), 2)
		self.assertTrue(first["more"])
		second = directory.search_customers("", limit=2, start=first["next_start"])
		self.assertFalse(set(names(first)) & set(names(second)))

	def test_user_without_customer_read_is_refused(self):
		# ERPNext gives Support Team no read on Customer.
		frappe.set_user(make_user(["Support Team"]))
		with self.assertRaises(frappe.PermissionError):
			directory.search_customers(self.token)

	def test_user_permission_limits_rows(self):
		user = make_user(["Sales User"])
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": self.by_name}
		).insert(ignore_permissions=True)
		frappe.set_user(user)
		found = names(directory.search_customers(self.token))
		self.assertEqual(found, [self.by_name])


class TestDirectoryBadges(C360TestCase):
	def test_under_review_and_health_follow_see_risk(self):
		customer = make_customer(unique("Dir Badges"))
		frappe.get_doc(
			{
				"doctype": "Customer Risk Flag",
				"customer": customer,
				"flag_type": "manual_flag",
				"status": "active",
				"source": "manual",
				"reason": "Checking",
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		query = frappe.db.get_value("Customer", customer, "customer_name")

		frappe.set_user(make_user(["Sales Manager"]))  # see_risk by default
		seen = badges(directory.search_customers(query), customer)
		self.assertIn("under_review", seen)
		self.assertNotIn("dormant", seen)  # created today: not dormant

		frappe.set_user(make_user(["Sales User"]))  # no see_risk; the badge setting is off by default
		self.assertEqual(badges(directory.search_customers(query), customer), set())

	def test_disabled_badge(self):
		customer = make_customer(unique("Dir Disabled"), disabled=1)
		query = frappe.db.get_value("Customer", customer, "customer_name")
		self.assertEqual(badges(directory.search_customers(query), customer), {"disabled"})


class TestSalesTrend(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.customer = make_customer(unique("Dir Trend"))
		erp.sales_invoice(cls.customer, rate=4321)
		frappe.db.commit()

	def test_finance_user_sees_this_months_sales(self):
		frappe.set_user(make_user(["Accounts User"]))
		trend = directory.get_sales_trend(self.customer)
		self.assertFalse(trend["masked"])
		self.assertEqual(len(trend["months"]), 12)
		self.assertEqual(trend["months"][-1], frappe.utils.nowdate()[:7])
		self.assertEqual(trend["values"][-1], 4321)
		self.assertEqual(sum(trend["values"][:-1]), 0)

	def test_sales_user_gets_no_figure(self):
		frappe.set_user(make_user(["Sales User"]))
		trend = directory.get_sales_trend(self.customer)
		self.assertTrue(trend["masked"])
		self.assertIsNone(trend["values"])
		self.assertNotIn("4321", frappe.as_json(trend))

	def test_customer_read_checked_first(self):
		frappe.set_user(make_user(["Support Team"]))
		with self.assertRaises(frappe.PermissionError):
			directory.get_sales_trend(self.customer)


class TestLiveNotification(C360TestCase):
	def test_indexing_notifies_the_customers_document_room(self):
		from customer_360 import indexer

		customer = make_customer(unique("Dir Live"))
		todo = erp.todo(customer, "Call back about the renewal")
		with patch("frappe.publish_realtime") as publish:
			indexer.index_documents([("ToDo", todo.name)])
		calls = [(c.args, c.kwargs.get("doctype"), c.kwargs.get("docname")) for c in publish.call_args_list]
		self.assertIn(((realtime.EVENT, {"customer": customer}), "Customer", customer), calls)

	def test_a_failing_notification_never_fails_indexing(self):
		from customer_360 import indexer

		customer = make_customer(unique("Dir Live Fail"))
		todo = erp.todo(customer, "Send the contract")
		with patch("frappe.publish_realtime", side_effect=RuntimeError("socket down")):
			self.assertGreaterEqual(indexer.index_documents([("ToDo", todo.name)]), 1)

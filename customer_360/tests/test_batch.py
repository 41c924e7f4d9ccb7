"""The first screen's reads in one request (api/batch.get_many): each read answers as its own endpoint would,
for the same user, masked the same way; a failing read leaves the others; nothing else can be called."""

import json

import frappe

from customer_360.api.batch import get_many
from customer_360.api.overview import get_money, get_profile
from customer_360.api.timeline import get_timeline
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.utils import C360TestCase, make_customer, make_user


def _reads(*reads) -> str:
	return json.dumps([list(r) for r in reads])


class TestBatch(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.customer = make_customer()
		cls.other = make_customer()
		erp.sales_invoice(cls.customer, rate=7351)
		wait_for_jobs()

	def tearDown(self):
		frappe.set_user("Administrator")
		super().tearDown()

	def test_answers_equal_the_endpoints_in_order(self):
		frappe.set_user(make_user(["Accounts User", "Sales User"]))
		answers = get_many(
			self.customer,
			_reads(
				["overview.get_profile", {"customer": self.customer}],
				["timeline.get_timeline", {"customer": self.customer, "limit": 6}],
				["overview.get_money", {"customer": self.customer}],
			),
		)
		self.assertEqual(len(answers), 3)
		self.assertEqual(answers[0]["message"]["name"], get_profile(self.customer)["name"])
		self.assertEqual(
			[e["name"] for e in answers[1]["message"]["events"]],
			[e["name"] for e in get_timeline(self.customer, limit=6)["events"]],
		)
		self.assertEqual(frappe.as_json(answers[2]["message"]), frappe.as_json(get_money(self.customer)))
		self.assertIn("7351", frappe.as_json(answers[2]["message"]))

	def test_every_read_is_about_the_batch_customer(self):
		# A read naming another customer is answered for the batch's customer (checked on the first line).
		answers = get_many(self.customer, _reads(["overview.get_profile", {"customer": self.other}]))
		self.assertEqual(answers[0]["message"]["name"], self.customer)

	def test_masked_for_a_reader_without_finance(self):
		frappe.set_user(make_user(["Sales User"]))
		answers = get_many(self.customer, _reads(["overview.get_money", {}]))
		self.assertEqual(frappe.as_json(answers[0]["message"]), frappe.as_json(get_money(self.customer)))
		self.assertNotIn("7351", frappe.as_json(answers))

	def test_a_failing_read_leaves_the_others(self):
		log = frappe.local.message_log
		before = len(log)
		answers = get_many(
			self.customer,
			_reads(
				["timeline.get_timeline", {"event_types": "no_such_type"}],
				["overview.get_profile", {}],
			),
		)
		self.assertIn("error", answers[0])
		self.assertNotIn("message", answers[0])
		self.assertEqual(answers[1]["message"]["name"], self.customer)
		self.assertEqual(len(log), before)  # the read's message is in its answer, not the response's

	def test_only_the_page_reads_and_only_readable_customers(self):
		for reads in (
			_reads(["merge.start_merge", {}]),  # a write
			_reads(["frappe.client.get_list", {}]),
			_reads([["overview.get_profile"], {}]),
			_reads(["overview.get_profile", "not a dict"]),
			json.dumps({"a": 1}),
			"not json",
			_reads(*[["overview.get_profile", {}]] * 17),
		):
			with self.assertRaises(frappe.ValidationError, msg=reads):
				get_many(self.customer, reads)
		frappe.set_user(make_user(["Projects User"]))  # no read on Customer
		with self.assertRaises(frappe.PermissionError):
			get_many(self.customer, _reads(["overview.get_profile", {}]))

	def test_one_check_covers_only_that_customer_that_user_and_that_batch(self):
		"""get_many checks its customer once for all its reads (permissions.customer_checked). The shortcut holds
		for that customer and user inside the batch only: a User Permission still hides another customer there,
		and after the batch each endpoint checks again."""
		from customer_360.permissions import check_customer_read, customer_checked

		user = make_user(["Sales User"])
		outsider = make_user(["Projects User"])  # no read on Customer
		frappe.set_user("Administrator")
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": user,
				"allow": "Customer",
				"for_value": self.customer,
				"apply_to_all_doctypes": 1,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(user)
		answers = get_many(self.customer, _reads(["overview.get_profile", {}]))
		self.assertEqual(answers[0]["message"]["name"], self.customer)
		with customer_checked(self.customer):
			check_customer_read(self.customer)  # checked once, on entry
			with self.assertRaises(frappe.PermissionError):
				check_customer_read(self.other)
			frappe.set_user(outsider)  # another user in the same context is asked again
			with self.assertRaises(frappe.PermissionError):
				check_customer_read(self.customer)
			frappe.set_user(user)
		with self.assertRaises(frappe.PermissionError):
			get_profile(self.other)
		with self.assertRaises(frappe.PermissionError):
			get_many(self.other, _reads(["overview.get_profile", {}]))

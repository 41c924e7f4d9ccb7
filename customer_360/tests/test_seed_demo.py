"""seed-demo makes real, submitted ERPNext documents that the 360 shows, adds nothing on a second run, and
refuses a site with customers of its own unless forced."""

import frappe

from customer_360.api import merge as merge_api
from customer_360.api.overview import get_money
from customer_360.api.timeline import get_timeline
from customer_360.devtools.seed.demo import DEMO_GROUP, DemoError, seed_demo
from customer_360.tests.utils import C360TestCase, make_customer

FIRST = "Acme Industries"  # the first demo customer


class TestSeedDemo(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		# A customer of the site's own (outside the demo group): the demo must not mix into it unasked.
		make_customer(
			customer_group=frappe.db.get_value("Customer Group", {"is_group": 0, "name": ["!=", DEMO_GROUP]})
		)
		frappe.db.commit()
		cls.refused = None
		try:
			seed_demo(customers=2)
		except DemoError as e:
			cls.refused = str(e)
		cls.first = seed_demo(customers=3, force=True)

	def test_refuses_a_site_with_real_customers_unless_forced(self):
		self.assertIn("--force", self.refused or "")

	def test_real_submitted_documents_with_money_history(self):
		self.assertTrue(frappe.db.exists("Customer", {"name": FIRST, "customer_group": DEMO_GROUP}))
		invoices = frappe.get_all("Sales Invoice", {"customer": FIRST, "docstatus": 1}, pluck="name")
		self.assertGreaterEqual(len(invoices), 3)
		self.assertTrue(frappe.db.exists("Payment Entry", {"party": FIRST, "docstatus": 1}))
		self.assertTrue(frappe.db.exists("Sales Order", {"customer": FIRST, "docstatus": 1}))
		self.assertTrue(frappe.db.exists("Quotation", {"party_name": FIRST, "docstatus": 1}))
		money = get_money(FIRST)["companies"][0]
		self.assertGreater(money["overdue"], 0)  # one recent invoice is left unpaid past its due date
		self.assertGreater(money["lifetime_value"], money["outstanding"])

	def test_the_360_shows_the_history_notes_and_a_score(self):
		counts = get_timeline(FIRST)["counts"]
		self.assertGreater(counts["money"], 3)
		self.assertGreater(counts["sales"], 1)
		self.assertTrue(frappe.db.exists("Customer Note", {"customer": FIRST}))
		self.assertTrue(frappe.db.exists("Customer Interaction", {"customer": FIRST}))
		self.assertTrue(
			frappe.db.exists("File", {"attached_to_doctype": "Customer", "attached_to_name": FIRST})
		)
		self.assertTrue(frappe.db.exists("Customer Health Score", {"customer": FIRST}))

	def test_the_duplicate_finder_sees_the_planted_twins(self):
		warning = merge_api.duplicate_warning(FIRST)
		self.assertIn(f"{FIRST} Ltd", frappe.as_json(warning))

	def test_a_second_run_adds_nothing(self):
		before = {
			dt: frappe.db.count(dt) for dt in ("Customer", "Sales Invoice", "Payment Entry", "Customer Note")
		}
		again = seed_demo(customers=3, force=True)
		self.assertEqual(again["customers"], 0)
		self.assertEqual(
			{dt: frappe.db.count(dt) for dt in before}, before, "a second run must not add documents"
		)

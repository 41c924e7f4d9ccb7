"""Customer Churn Risk reads the trend (stored scores weeks ago), open escalations and renewals due, not only
today's score: of two customers scoring the same today, the one sliding, with an old open case and a contract
ending, ranks first and says why."""

import frappe
from frappe.utils import add_days, nowdate, random_string

from customer_360.tests import erp
from customer_360.tests.utils import C360TestCase, make_customer


def score(customer, days_ago, value, band):
	frappe.get_doc(
		{"doctype": "Customer Health Score", "customer": customer, "score_date": add_days(nowdate(), -days_ago),
		 "score": value, "band": band}
	).db_insert()  # fmt: skip


class TestChurnReport(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.group = frappe.get_doc(
			{"doctype": "Customer Group", "customer_group_name": f"C360 Churn {random_string(6)}",
			 "parent_customer_group": "All Customer Groups"}
		).insert(ignore_permissions=True).name  # fmt: skip
		# The scores below are the history under test: no health job may write one of its own meanwhile.
		frappe.flags.c360_hooks_off = True
		try:
			cls._make_history()
		finally:
			frappe.flags.c360_hooks_off = False
		frappe.db.commit()

	@classmethod
	def _make_history(cls):
		cls.sliding = make_customer(customer_group=cls.group)
		cls.steady = make_customer(customer_group=cls.group)
		for customer, then in ((cls.sliding, 90), (cls.steady, 60)):
			score(customer, 60, then, "green" if then >= 70 else "yellow")
			score(customer, 0, 60, "yellow")
		issue = erp.issue(cls.sliding, subject="Still broken")
		frappe.db.set_value("Issue", issue.name, "opening_date", add_days(nowdate(), -40))
		cls.renewal = add_days(nowdate(), 30)
		if frappe.db.table_exists("Contract"):
			frappe.get_doc(
				{"doctype": "Contract", "party_type": "Customer", "party_name": cls.sliding,
				 "contract_terms": "Terms", "start_date": add_days(nowdate(), -335), "end_date": cls.renewal}
			).insert(ignore_permissions=True)  # fmt: skip

	def run_report(self, **filters):
		from frappe.desk.query_report import run

		return run("Customer Churn Risk", filters={"customer_group": self.group, **filters})

	def test_trend_escalations_and_renewals_raise_the_risk_and_say_why(self):
		out = self.run_report(weeks=8)
		rows = {r["customer"]: r for r in out["result"]}
		sliding, steady = rows[self.sliding], rows[self.steady]
		self.assertEqual((sliding["score"], steady["score"]), (60, 60))
		self.assertEqual((sliding["score_change"], steady["score_change"]), (-30, 0))
		self.assertEqual(sliding["open_escalations"], 1)
		self.assertEqual(steady["open_escalations"], 0)
		self.assertGreater(sliding["churn_probability"], steady["churn_probability"])
		self.assertEqual(out["result"][0]["customer"], self.sliding)
		self.assertIn("30", sliding["why"])
		self.assertEqual(steady["why"], "")
		if frappe.db.table_exists("Contract"):
			self.assertEqual(str(sliding["renewal_due"]), str(self.renewal))
		self.assertIn("score_change", {c["fieldname"] for c in out["columns"]})

	def test_a_window_reaching_before_the_first_score_has_nothing_to_compare(self):
		rows = {r["customer"]: r for r in self.run_report(weeks=10)["result"]}
		self.assertIsNone(rows[self.sliding]["score_change"])
		self.assertNotIn("fell", rows[self.sliding]["why"])

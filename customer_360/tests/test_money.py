"""get_money against ERPNext's own Accounts Receivable report, masking and Company permissions."""

import frappe
from frappe.utils import add_days, flt, nowdate

from customer_360.api.overview import get_money
from customer_360.core.masking import MONEY_FIGURES as MASKED_FIGURES
from customer_360.devtools.perf.money import ar_report_rows
from customer_360.tests import erp
from customer_360.tests.utils import C360TestCase, make_customer, make_user


def ar_report(customer: str, company: str) -> list[frappe._dict]:
	return [frappe._dict(r) for r in ar_report_rows(customer, company)]


class TestMoney(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		c = cls.customer = make_customer()
		cls.company = erp.company()
		cls.other = erp.second_company()
		old = erp.sales_invoice(c, rate=1000, posting_date=add_days(nowdate(), -100))  # 70 days overdue
		erp.payment_for("Sales Invoice", old.name, 300)  # part-paid
		erp.sales_invoice(c, rate=500, posting_date=add_days(nowdate(), -50))  # 20 days overdue
		erp.sales_invoice(c, rate=200)  # not due yet
		returned = erp.sales_invoice(c, rate=100, posting_date=add_days(nowdate(), -40))
		erp.credit_note(returned.name)  # fully returned: nothing outstanding
		erp.advance_payment(c, 150)  # unallocated advance
		cls.other_invoice = erp.sales_invoice(c, rate=700, company_name=cls.other)
		frappe.db.commit()

	def company_figures(self, result, company):
		return next(x for x in result["companies"] if x["company"] == company)

	def test_totals_equal_the_accounts_receivable_report(self):
		result = get_money(self.customer)
		self.assertEqual({x["company"] for x in result["companies"]}, {self.company, self.other})
		for company in (self.company, self.other):
			ours = self.company_figures(result, company)
			rows = ar_report(self.customer, company)
			total = lambda f: flt(sum(flt(r.get(f)) for r in rows), 2)  # noqa: E731
			self.assertAlmostEqual(ours["outstanding"], total("outstanding"), places=2, msg=company)
			self.assertAlmostEqual(ours["ageing"]["0_30"], total("range1"), places=2)
			self.assertAlmostEqual(ours["ageing"]["31_60"], total("range2"), places=2)
			self.assertAlmostEqual(ours["ageing"]["61_90"], total("range3"), places=2)
			self.assertAlmostEqual(
				ours["ageing"]["90_plus"], flt(total("range4") + total("range5"), 2), places=2
			)
			self.assertAlmostEqual(sum(ours["ageing"].values()), ours["outstanding"], places=2)

	def test_known_figures(self):
		ours = self.company_figures(get_money(self.customer), self.company)
		self.assertEqual(ours["outstanding"], 700 + 500 + 200 - 150)
		# The returned invoice stays a row of its own until the credit note is reconciled, as in the report.
		self.assertEqual(ours["overdue"], 700 + 500 + 100)
		self.assertEqual(ours["ageing"]["61_90"], 700)
		self.assertEqual(ours["ageing"]["0_30"], 500 - 150)  # the advance is aged from its posting date
		self.assertEqual(ours["ageing"]["not_due"], 200)
		self.assertEqual(ours["unallocated_advances"], 150)
		self.assertEqual(ours["lifetime_value"], 1000 + 500 + 200 + 100 - 100)
		self.assertEqual(ours["last_payment"]["paid_amount"], 150)
		self.assertEqual(len(ours["credit_notes"]), 1)
		self.assertEqual(
			[i["posting_date"] for i in ours["invoices"]],
			sorted((i["posting_date"] for i in ours["invoices"]), reverse=True),
		)
		self.assertTrue(
			all(link["url"].endswith("/invoices/" + link["invoice"]) for link in ours["portal_links"])
		)

	def test_children_roll_up_into_the_parent(self):
		child = make_customer(c360_parent_customer=self.customer)
		inv = erp.sales_invoice(child, rate=40)
		frappe.db.commit()
		parent = self.company_figures(get_money(self.customer), self.company)
		self.assertEqual(parent["outstanding"], 700 + 500 + 200 - 150 + 40)
		alone = self.company_figures(get_money(child), self.company)
		self.assertEqual(alone["outstanding"], 40)
		inv.cancel()
		frappe.db.commit()

	def test_masked_for_users_without_the_finance_capability(self):
		frappe.set_user(make_user(["Sales User"]))
		result = get_money(self.customer)
		self.assertTrue(result["masked"])
		for company in result["companies"]:
			self.assertTrue(company["masked"])
			for figure in MASKED_FIGURES:
				self.assertIsNone(company[figure], figure)
		self.assertNotIn("1250", frappe.as_json(result))

	def test_company_user_permission(self):
		frappe.set_user(make_user(["Accounts User"], company=self.company))
		result = get_money(self.customer)
		self.assertEqual([c["company"] for c in result["companies"]], [self.company])
		with self.assertRaises(frappe.PermissionError):
			get_money(self.customer, company=self.other)

	def test_bad_input(self):
		with self.assertRaises(frappe.DoesNotExistError):
			get_money(self.customer, company="No Such Company C360")
		with self.assertRaises(frappe.DoesNotExistError):
			get_money("No Such Customer C360")
		with self.assertRaises(frappe.ValidationError):
			get_money(self.customer, as_on="yesterday-ish")

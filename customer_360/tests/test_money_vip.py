"""The default VIP rule relative to the site's data (top 5 % by 12-month revenue, Customer 360 Settings), and the
exchange rates that keep currencies from being added unconverted."""

import frappe
from frappe.utils import add_days, nowdate, random_string

from customer_360.facts import revenue
from customer_360.risk_health import vip
from customer_360.risk_health.config import load_config
from customer_360.risk_health.customer_signals import forget_signals, signals
from customer_360.tests import erp
from customer_360.tests.utils import C360TestCase, make_customer

SETTINGS = "Customer 360 Settings"


class TestVip(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.saved = frappe.db.get_single_value(SETTINGS, "vip_top_percent")
		frappe.db.set_single_value(SETTINGS, "vip_top_percent", 5)
		cls.group = frappe.get_doc(
			{"doctype": "Customer Group", "customer_group_name": f"C360 VIP {random_string(6)}",
			 "parent_customer_group": "All Customer Groups"}
		).insert(ignore_permissions=True).name  # fmt: skip
		cls.whale = make_customer(customer_group=cls.group)
		cls.minnow = make_customer(customer_group=cls.group)
		erp.sales_invoice(cls.whale, rate=10**8, posting_date=add_days(nowdate(), -30))
		erp.sales_invoice(cls.minnow, rate=1, posting_date=add_days(nowdate(), -30))
		frappe.db.commit()
		frappe.cache.delete_keys(vip.CACHE_KEY)

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value(SETTINGS, "vip_top_percent", cls.saved or 0)
		frappe.db.commit()
		frappe.cache.delete_keys(vip.CACHE_KEY)
		super().tearDownClass()

	def test_the_default_is_five_percent(self):
		field = frappe.get_meta(SETTINGS).get_field("vip_top_percent")
		self.assertEqual(field.default, "5")
		self.assertEqual(load_config().vip.top_percent, 5)

	def test_top_customer_by_revenue_is_vip_and_a_small_one_is_not(self):
		for customer in (self.whale, self.minnow):
			forget_signals(customer)
		self.assertTrue(signals(self.whale)["vip"])
		self.assertFalse(signals(self.minnow)["vip"])
		rule = vip.resolved(load_config().vip, nowdate())
		self.assertLessEqual(rule.min_revenue_365, 10**8)
		self.assertGreater(rule.min_revenue_365, 1)

	def test_segments_report_by_tier_industry_and_band(self):
		from frappe.desk.query_report import run

		out = run("Customer Segments", filters={"customer_group": self.group})
		rows = {(r["tier"], r["band"]): r for r in out["result"]}
		self.assertEqual(rows[("VIP", "no score")]["customers"], 1)
		self.assertEqual(rows[("Regular", "no score")]["customers"], 1)
		self.assertAlmostEqual(rows[("VIP", "no score")]["revenue_365"], 10**8, 0)
		self.assertEqual(sum(r["customers"] for r in out["result"]), 2)

	def test_switched_off_nobody_is_vip_by_revenue(self):
		frappe.db.set_single_value(SETTINGS, "vip_top_percent", 0)
		try:
			forget_signals(self.whale)
			self.assertFalse(signals(self.whale)["vip"])
		finally:
			frappe.db.set_single_value(SETTINGS, "vip_top_percent", 5)
			forget_signals(self.whale)

	def test_exchange_rates_from_the_site_and_none_is_zero(self):
		frappe.db.set_value("Currency", "EUR", "enabled", 1)
		frappe.db.set_value("Currency", "CHF", "enabled", 1)
		frappe.get_doc(
			{"doctype": "Currency Exchange", "from_currency": "EUR", "to_currency": "CHF", "exchange_rate": 2.0,
			 "date": add_days(nowdate(), -1), "for_selling": 1}
		).insert(ignore_permissions=True, ignore_if_duplicate=True)  # fmt: skip
		self.assertEqual(revenue.exchange_rate("EUR", "CHF", nowdate()), 2.0)
		self.assertEqual(revenue.exchange_rate("CHF", "EUR", nowdate()), 0.5)
		self.assertEqual(revenue.exchange_rate("EUR", "EUR", nowdate()), 1.0)
		self.assertEqual(revenue.exchange_rate("CHF", "JPY", nowdate()), 0.0)


class TestOneCurrency(C360TestCase):
	"""Figures of companies in different currencies are converted into one with the site's rates, never summed
	unconverted (lifetime value, revenue windows, health and risk facts, churn revenue, VIP)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.home = erp.company()
		cls.home_currency = frappe.get_cached_value("Company", cls.home, "default_currency")
		cls.foreign_currency = "CHF" if cls.home_currency != "CHF" else "EUR"
		name = f"C360 {cls.foreign_currency} Co"
		if not frappe.db.exists("Company", name):
			frappe.db.set_value("Currency", cls.foreign_currency, "enabled", 1)
			frappe.get_doc(
				{"doctype": "Company", "company_name": name, "abbr": f"C3{cls.foreign_currency}",
				 "default_currency": cls.foreign_currency, "country": frappe.get_cached_value("Company", cls.home, "country")}
			).insert(ignore_permissions=True)  # fmt: skip
		cls.foreign = name
		frappe.db.commit()

	def rows(self):
		return [("C1", self.home, 100.0), ("C1", self.foreign, 10.0), ("C2", self.foreign, 4.0)]

	def test_one_company_currency_needs_no_rate(self):
		currency, rates = revenue.company_rates({self.foreign})
		self.assertEqual((currency, rates), (self.foreign_currency, {self.foreign: 1.0}))

	def test_mixed_companies_are_converted_into_the_default_currency(self):
		frappe.get_doc(
			{"doctype": "Currency Exchange", "from_currency": self.foreign_currency, "to_currency": self.home_currency,
			 "exchange_rate": 2.0, "date": add_days(nowdate(), -2), "for_selling": 1}
		).insert(ignore_permissions=True, ignore_if_duplicate=True)  # fmt: skip
		try:
			self.assertEqual(revenue._in_one_currency(self.rows()), {"C1": 120.0, "C2": 8.0})
		finally:
			frappe.db.delete(
				"Currency Exchange",
				{"from_currency": self.foreign_currency, "to_currency": self.home_currency},
			)

	def test_without_a_rate_the_foreign_figures_are_left_out_not_added(self):
		frappe.db.delete(
			"Currency Exchange", {"from_currency": self.foreign_currency, "to_currency": self.home_currency}
		)
		frappe.db.delete(
			"Currency Exchange", {"from_currency": self.home_currency, "to_currency": self.foreign_currency}
		)
		self.assertEqual(revenue._in_one_currency(self.rows()), {"C1": 100.0})

"""Customer Segments, product-mix view: customers land in the segment of the item group holding the largest share
of their 12-month net revenue (credit notes netted), with revenue per currency for finance readers only, over
the customers the reader may read."""

import json

import frappe
from frappe.desk.query_report import run
from frappe.utils import add_days, nowdate, random_string

from customer_360.tests import erp
from customer_360.tests.test_risk_health import role_capability
from customer_360.tests.utils import C360TestCase, make_customer, make_user

REPORT = "Customer Segments"
NO_PURCHASES = "No purchases in 12 months"


def item_in_new_group(label: str) -> tuple[str, str]:
	group = frappe.get_doc(
		{"doctype": "Item Group", "item_group_name": f"C360 {label} {random_string(6)}",
		 "parent_item_group": "All Item Groups", "is_group": 0}
	).insert(ignore_permissions=True).name  # fmt: skip
	code = f"C360-{label.upper()}-{random_string(6)}"
	frappe.get_doc(
		{"doctype": "Item", "item_code": code, "item_name": code, "item_group": group, "stock_uom": "Nos",
		 "is_stock_item": 0, "include_item_in_manufacturing": 0}
	).insert(ignore_permissions=True)  # fmt: skip
	return group, code


def invoice(customer: str, lines: list[tuple[str, float]], days_ago: int = 20):
	return erp.sales_invoice(
		customer,
		posting_date=add_days(nowdate(), -days_ago),
		items=[{"item_code": code, "qty": 1, "rate": rate} for code, rate in lines],
	)


class TestProductMixSegments(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.group = frappe.get_doc(
			{"doctype": "Customer Group", "customer_group_name": f"C360 Mix {random_string(6)}",
			 "parent_customer_group": "All Customer Groups"}
		).insert(ignore_permissions=True).name  # fmt: skip
		cls.hardware, hw_item = item_in_new_group("Hardware")
		cls.services, svc_item = item_in_new_group("Services")
		cls.builder = make_customer(customer_group=cls.group)
		cls.consultant = make_customer(customer_group=cls.group)
		cls.idle = make_customer(customer_group=cls.group)
		# The builder bought 900 of services, returned 800 of it: netted, hardware (500) is its main group.
		invoice(cls.builder, [(hw_item, 500.0), (svc_item, 100.0)])
		returned = invoice(cls.builder, [(svc_item, 800.0)], days_ago=15)
		erp.credit_note(returned.name)
		# Older than 12 months: not part of the product mix.
		invoice(cls.builder, [(svc_item, 10_000.0)], days_ago=400)
		invoice(cls.consultant, [(svc_item, 250.0)])
		# A draft is no revenue.
		erp.sales_invoice(
			cls.consultant, items=[{"item_code": hw_item, "qty": 1, "rate": 9_000.0}], submit=False
		)
		cls.currency = frappe.get_cached_value("Company", erp.company(), "default_currency")
		frappe.db.commit()

	def report(self, **filters):
		return run(REPORT, filters={"view": "Product Mix", "customer_group": self.group, **filters})

	def test_customers_land_in_the_segment_of_their_main_item_group_with_their_revenue(self):
		out = self.report()
		rows = {(r["segment"], r.get("currency")): r for r in out["result"]}
		self.assertEqual(
			set(rows), {(self.hardware, self.currency), (self.services, self.currency), (NO_PURCHASES, None)}
		)
		hardware, services = rows[(self.hardware, self.currency)], rows[(self.services, self.currency)]
		self.assertEqual(hardware["customers"], 1)
		self.assertAlmostEqual(hardware["revenue_365"], 600.0, 2)  # 500 + 100 + 800 - 800
		self.assertAlmostEqual(hardware["group_revenue_365"], 500.0, 2)
		self.assertEqual(services["customers"], 1)
		self.assertAlmostEqual(services["revenue_365"], 250.0, 2)
		self.assertAlmostEqual(services["group_revenue_365"], 250.0, 2)
		self.assertAlmostEqual(hardware["revenue_share"], 70.6, 1)  # 600 of 850
		self.assertAlmostEqual(services["revenue_share"], 29.4, 1)
		self.assertEqual(rows[(NO_PURCHASES, None)]["customers"], 1)
		self.assertIsNone(rows[(NO_PURCHASES, None)]["revenue_365"])  # no currency, no amount
		fields = [c["fieldname"] for c in out["columns"]]
		self.assertIn("revenue_365", fields)

	def test_the_date_moves_the_window(self):
		# 400 days on, every invoice is before the window: nobody bought in it.
		later = self.report(date=add_days(nowdate(), 400))
		self.assertEqual([(r["segment"], r["customers"]) for r in later["result"]], [(NO_PURCHASES, 3)])
		# 300 days back the old services invoice (400 days ago) is inside the window and makes the builder's
		# services the main group; the newer invoices are after the report date.
		earlier = self.report(date=add_days(nowdate(), -300))
		rows = {r["segment"]: r for r in earlier["result"]}
		self.assertAlmostEqual(rows[self.services]["revenue_365"], 10_000.0, 2)
		self.assertEqual(rows[NO_PURCHASES]["customers"], 2)

	def test_a_reader_without_finance_sees_the_segments_and_no_figure(self):
		user = make_user(["Sales Manager"])
		with role_capability("Sales Manager", see_finance=0):
			frappe.set_user(user)
			out = self.report()
		frappe.set_user("Administrator")
		rows = {r["segment"]: r for r in out["result"]}
		self.assertEqual(
			{s: r["customers"] for s, r in rows.items()},
			{self.hardware: 1, self.services: 1, NO_PURCHASES: 1},
		)
		self.assertAlmostEqual(rows[self.hardware]["customer_share"], 33.3, 1)
		fields = {c["fieldname"] for c in out["columns"]}
		self.assertEqual(fields, {"segment", "customers", "customer_share"})
		text = json.dumps([out["columns"], out["result"]], default=str)
		for figure in ("600", "250", "850", "70.6", self.currency):
			self.assertNotIn(figure, text)
		# Positive control: the same user with finance does get the figures.
		frappe.set_user(user)
		try:
			full = json.dumps(self.report()["result"], default=str)
		finally:
			frappe.set_user("Administrator")
		self.assertIn("600.0", full)

	def test_only_readable_customers_are_counted(self):
		user = make_user(["Sales Manager"])
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": self.consultant,
			 "apply_to_all_doctypes": 1}
		).insert(ignore_permissions=True)  # fmt: skip
		frappe.set_user(user)
		try:
			out = self.report()
		finally:
			frappe.set_user("Administrator")
		self.assertEqual([(r["segment"], r["customers"]) for r in out["result"]], [(self.services, 1)])
		self.assertAlmostEqual(out["result"][0]["revenue_365"], 250.0, 2)
		self.assertEqual(out["result"][0]["revenue_share"], 100.0)

	def test_no_risk_capability_no_report_and_an_unknown_view_is_refused(self):
		user = make_user(["Sales Manager"])
		with role_capability("Sales Manager", see_risk=0):
			frappe.set_user(user)
			try:
				with self.assertRaises(frappe.PermissionError):
					self.report()
			finally:
				frappe.set_user("Administrator")
		with self.assertRaises(frappe.ValidationError):
			self.report(view="<b>Everything</b>")

	def test_the_tier_view_is_still_the_default(self):
		out = run(REPORT, filters={"customer_group": self.group})
		self.assertEqual(sum(r["customers"] for r in out["result"]), 3)
		self.assertIn("tier", out["result"][0])


class TestProductMixCurrencies(C360TestCase):
	"""A customer buying from a company in another currency: revenue per currency, never added; its item groups
	ranked with the site's exchange rate, not compared unconverted."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.home_currency = frappe.get_cached_value("Company", erp.company(), "default_currency")
		cls.foreign_currency = "CHF" if cls.home_currency != "CHF" else "EUR"
		cls.foreign = f"C360 {cls.foreign_currency} Co"
		if not frappe.db.exists("Company", cls.foreign):
			frappe.db.set_value("Currency", cls.foreign_currency, "enabled", 1)
			frappe.get_doc(
				{"doctype": "Company", "company_name": cls.foreign, "abbr": f"C3{cls.foreign_currency}",
				 "default_currency": cls.foreign_currency,
				 "country": frappe.get_cached_value("Company", erp.company(), "country")}
			).insert(ignore_permissions=True)  # fmt: skip
		cls.group = frappe.get_doc(
			{"doctype": "Customer Group", "customer_group_name": f"C360 Mix FX {random_string(6)}",
			 "parent_customer_group": "All Customer Groups"}
		).insert(ignore_permissions=True).name  # fmt: skip
		cls.hardware, hw_item = item_in_new_group("Hardware")
		cls.services, svc_item = item_in_new_group("Services")
		cls.customer = make_customer(customer_group=cls.group)
		invoice(cls.customer, [(hw_item, 100.0)])
		erp.sales_invoice(
			cls.customer,
			company_name=cls.foreign,
			posting_date=add_days(nowdate(), -10),
			currency=cls.foreign_currency,
			conversion_rate=1,
			plc_conversion_rate=1,
			items=[{"item_code": svc_item, "qty": 1, "rate": 1000.0}],
		)
		# 1,000 of the foreign currency is worth 50 at home: hardware (100) is the main group.
		cls.rate_filter = {"from_currency": cls.foreign_currency, "to_currency": cls.home_currency}
		frappe.db.delete("Currency Exchange", cls.rate_filter)
		frappe.get_doc(
			{"doctype": "Currency Exchange", **cls.rate_filter, "exchange_rate": 0.05,
			 "date": add_days(nowdate(), -1), "for_selling": 1}
		).insert(ignore_permissions=True)  # fmt: skip
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.delete("Currency Exchange", cls.rate_filter)
		frappe.db.commit()
		super().tearDownClass()

	def test_revenue_per_currency_and_the_main_group_ranked_converted(self):
		out = run(REPORT, filters={"view": "Product Mix", "customer_group": self.group})
		rows = {(r["segment"], r["currency"]): r for r in out["result"]}
		self.assertEqual(
			set(rows), {(self.hardware, self.home_currency), (self.hardware, self.foreign_currency)}
		)
		home, foreign = (
			rows[(self.hardware, self.home_currency)],
			rows[(self.hardware, self.foreign_currency)],
		)
		self.assertEqual(
			(home["customers"], home["revenue_365"], home["group_revenue_365"]), (1, 100.0, 100.0)
		)
		self.assertEqual(
			(foreign["customers"], foreign["revenue_365"], foreign["group_revenue_365"]), (1, 1000.0, 0.0)
		)
		self.assertEqual((home["revenue_share"], foreign["revenue_share"]), (100.0, 100.0))

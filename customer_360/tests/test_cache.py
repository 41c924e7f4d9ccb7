"""customer_360.cache on the money and health panels: one unmasked entry shared by every reader, masked per reader
after the cache, fresh as soon as a document changes."""

from unittest.mock import patch

import frappe

from customer_360 import cache, money
from customer_360.api.health import get_health
from customer_360.api.overview import get_money
from customer_360.indexer.store import bump_version
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.test_risk_health import role_capability
from customer_360.tests.utils import C360TestCase, make_customer, make_user


class TestReadCache(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.customer = make_customer()
		cls.company = erp.company()
		erp.sales_invoice(cls.customer, rate=480)
		wait_for_jobs()

	def outstanding(self) -> float:
		return next(c for c in get_money(self.customer)["companies"] if c["company"] == self.company)[
			"outstanding"
		]

	def test_the_second_read_comes_from_the_cache_until_the_version_moves(self):
		wait_for_jobs()  # an index job finishing meanwhile would bump the version between the two reads
		calls = []
		real = money.company_money

		def counting(*args, **kwargs):
			calls.append(args)
			return real(*args, **kwargs)

		with patch.object(money, "company_money", counting):
			bump_version()
			first = get_money(self.customer)
			second = get_money(self.customer)
			self.assertEqual(len(calls), 1)  # the positive control: the cache serves the second read
			self.assertEqual(first, second)
			bump_version()
			get_money(self.customer)
			self.assertEqual(len(calls), 2)

	def test_one_entry_masked_for_each_reader(self):
		full = self.outstanding()
		self.assertEqual(full, 480)
		frappe.set_user(make_user(["Sales User"]))  # no see_finance: the same customer from the same entry
		masked = get_money(self.customer)
		self.assertTrue(masked["masked"])
		self.assertTrue(all(c["outstanding"] is None for c in masked["companies"]))
		self.assertNotIn("480", frappe.as_json(masked))
		frappe.set_user(make_user(["Accounts User"]))
		self.assertEqual(self.outstanding(), 480)

	def test_a_new_document_is_seen_at_once(self):
		before = self.outstanding()
		invoice = erp.sales_invoice(self.customer, rate=25)  # in this transaction: no index job has run
		self.assertEqual(self.outstanding(), before + 25)
		frappe.db.commit()
		self.assertEqual(self.outstanding(), before + 25)
		invoice.cancel()
		frappe.db.commit()
		self.assertEqual(self.outstanding(), before)

	def test_a_rolled_back_change_leaves_no_entry_behind(self):
		before = self.outstanding()
		erp.sales_invoice(self.customer, rate=33)
		self.assertEqual(self.outstanding(), before + 33)  # cached while the transaction is open
		frappe.db.rollback()
		self.assertEqual(self.outstanding(), before)

	def test_masking_the_signals_does_not_alter_the_shared_entry(self):
		cache.forget("signals", self.customer)
		self.assertEqual(get_health(self.customer)["signals"]["lifetime_value"], 480)
		with role_capability("Accounts User", see_finance=0):
			frappe.set_user(make_user(["Accounts User"]))  # sees risk, not finance
			signals = get_health(self.customer)["signals"]
			self.assertIsNone(signals["lifetime_value"])
			frappe.set_user("Administrator")
			self.assertEqual(get_health(self.customer)["signals"]["lifetime_value"], 480)

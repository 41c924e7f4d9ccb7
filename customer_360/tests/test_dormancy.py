"""One definition of dormancy: the directory badge, the 360 header (health signals) and the win-back rule agree
for the same customer (core.definitions: customer-facing activity up to today, else the creation date).

The quiet customer's last contact was an invoice 120 days ago; a task due next week (our side, in the future)
must not make it look active anywhere. The active customer (invoiced today) is the positive control.
"""

import frappe
from frappe.utils import add_days, now_datetime, nowdate

from customer_360 import indexer
from customer_360.api import directory, health
from customer_360.api import next_steps as next_steps_api
from customer_360.core import next_steps as core
from customer_360.risk_health.customer_signals import forget_signals
from customer_360.tests import erp
from customer_360.tests.test_next_steps import exchange_rates
from customer_360.tests.utils import C360TestCase, make_customer


def _old_customer(days: int) -> str:
	name = make_customer()
	frappe.db.set_value("Customer", name, "creation", add_days(now_datetime(), -days), update_modified=False)
	return name


def _views(customer: str) -> dict[str, bool]:
	"""Dormant? as the directory badge, the 360 header and the win-back rule each say."""
	query = frappe.db.get_value("Customer", customer, "customer_name")
	badge = {
		b["key"]
		for row in directory.search_customers(query)["customers"]
		if row["name"] == customer
		for b in row["badges"]
	}
	forget_signals(customer)
	signals = health.get_health(customer)["signals"]
	rules = {s["rule"] for s in next_steps_api.get_suggestions(customer)["suggestions"]}
	return {"directory": "dormant" in badge, "header": signals["dormant"], "win_back": core.WIN_BACK in rules}


class TestDormancyAgrees(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		exchange_rates()
		cls.quiet = _old_customer(400)
		old = erp.sales_invoice(cls.quiet, posting_date=add_days(nowdate(), -120))
		todo = erp.todo(cls.quiet, "Call them next week", due=add_days(nowdate(), 7))
		cls.active = _old_customer(400)
		new = erp.sales_invoice(cls.active)
		indexer.index_documents(
			[("Sales Invoice", old.name), ("ToDo", todo.name), ("Sales Invoice", new.name)]
		)
		frappe.db.commit()

	def test_quiet_customer_is_dormant_everywhere(self):
		frappe.set_user(
			"Administrator"
		)  # sees risk and finance (no extra test user: Frappe throttles creation)
		self.assertEqual(_views(self.quiet), {"directory": True, "header": True, "win_back": True})

	def test_active_customer_is_dormant_nowhere(self):
		frappe.set_user(
			"Administrator"
		)  # sees risk and finance (no extra test user: Frappe throttles creation)
		self.assertEqual(_views(self.active), {"directory": False, "header": False, "win_back": False})

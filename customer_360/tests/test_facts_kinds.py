"""The facts the 360 reads on demand, computed only as far as the panel needs them (issue 18: a whale's health
panel took seconds computing receivables and discounts it never showed).

- activity.last_activity reads each activity type's newest event and keeps the newest of them (grouped by
  customer and type, so MariaDB jumps through its index): the newest of every type wins, whatever the order;
  a task due next week is not activity.
- risk_health.facts.facts_for(kinds=...) computes only the named families and gives them exactly as the full
  computation does; an unknown family is an error, not a silently empty fact.
- receivables.open_vouchers groups the ledger by the voucher's name (fast) and asks the definition (party,
  company, voucher type and name) when a name is shared: a journal entry moving a balance from one customer to
  another is two open vouchers, even though its two lines sum to zero.
"""

import frappe
from frappe.utils import add_days, getdate, nowdate

from customer_360 import indexer
from customer_360.facts import activity, receivables
from customer_360.risk_health.customer_signals import SIGNAL_KINDS
from customer_360.risk_health.facts import facts_for
from customer_360.tests import erp
from customer_360.tests.test_next_steps import exchange_rates
from customer_360.tests.utils import C360TestCase, make_customer


class TestFactsOnDemand(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		exchange_rates()
		today = getdate(nowdate())
		cls.today = today
		# Two activity types: an old invoice ("money") and an order today ("sales", sorted after "money").
		cls.busy = make_customer()
		old = erp.sales_invoice(cls.busy, posting_date=add_days(today, -120))
		overdue = erp.sales_invoice(cls.busy, rate=400, posting_date=add_days(today, -70))
		order = erp.sales_order(cls.busy)
		todo = erp.todo(cls.busy, "Call them next week", due=add_days(today, 7))
		# One type only, and its newest of two events wins.
		cls.quiet = make_customer()
		first = erp.sales_invoice(cls.quiet, posting_date=add_days(today, -90))
		second = erp.sales_invoice(cls.quiet, posting_date=add_days(today, -50))
		cls.never = make_customer()  # no activity at all
		indexer.index_documents(
			[
				("Sales Invoice", old.name),
				("Sales Invoice", overdue.name),
				("Sales Order", order.name),
				("ToDo", todo.name),
				("Sales Invoice", first.name),
				("Sales Invoice", second.name),
			]
		)
		frappe.db.commit()

	def test_last_activity_is_the_newest_of_every_type(self):
		found = activity.last_activity([self.busy, self.quiet, self.never], self.today)
		self.assertEqual(found.get(self.busy), self.today)  # the order, not the older invoice
		self.assertEqual(found.get(self.quiet), getdate(add_days(self.today, -50)))
		self.assertNotIn(self.never, found)
		# As of two months ago, the order (and the later invoices) had not happened yet.
		earlier = activity.last_activity([self.busy], getdate(add_days(self.today, -100)))
		self.assertEqual(earlier.get(self.busy), getdate(add_days(self.today, -120)))

	def test_the_signals_families_equal_the_full_computation(self):
		names = [self.busy, self.quiet, self.never]
		full = facts_for(names, self.today)
		some = facts_for(names, self.today, kinds=SIGNAL_KINDS)
		self.assertEqual(set(full), set(some))
		for name in names:
			(cf, _rf, extras), (cf2, _rf2, extras2) = full[name], some[name]
			self.assertEqual(cf2.order_dates, cf.order_dates)
			self.assertEqual(cf2.last_activity, cf.last_activity)
			self.assertEqual(extras2, extras)
		self.assertEqual(len(full[self.busy][0].order_dates), 3)  # the two invoices and the order
		# The full computation saw the overdue invoice; the signals' did not compute receivables at all.
		self.assertGreater(full[self.busy][0].overdue, 0)
		self.assertEqual(some[self.busy][0].overdue, 0)

	def test_an_unknown_family_is_refused(self):
		with self.assertRaises(ValueError):
			facts_for([self.busy], self.today, kinds={"buying", "receivable"})


class TestOpenVouchersByName(C360TestCase):
	def test_a_journal_entry_naming_two_customers_is_two_vouchers(self):
		frappe.set_user("Administrator")
		debtor, creditor = make_customer(), make_customer()
		invoice = erp.sales_invoice(debtor, rate=120)
		company = erp.company()
		receivable, cost_center = frappe.get_cached_value(
			"Company", company, ["default_receivable_account", "cost_center"]
		)
		line = {"account": receivable, "party_type": "Customer", "cost_center": cost_center}
		transfer = frappe.get_doc(
			{
				"doctype": "Journal Entry",
				"voucher_type": "Journal Entry",
				"company": company,
				"posting_date": nowdate(),
				"accounts": [
					{**line, "party": debtor, "debit_in_account_currency": 300},
					{**line, "party": creditor, "credit_in_account_currency": 300},
				],
			}
		).insert(ignore_permissions=True)
		transfer.submit()
		today = getdate(nowdate())
		found = {
			(v.customer, v.voucher_no): v.balance
			for v in receivables.open_vouchers([debtor, creditor], today, companies=[company])
		}
		self.assertEqual(
			found,
			{
				(debtor, invoice.name): float(invoice.outstanding_amount),
				(debtor, transfer.name): 300.0,
				(creditor, transfer.name): -300.0,
			},
		)
		# One customer at a time: the same vouchers (each name is that customer's alone there).
		alone = receivables.open_vouchers([creditor], today, companies=[company])
		self.assertEqual([(v.voucher_no, v.balance) for v in alone], [(transfer.name, -300.0)])

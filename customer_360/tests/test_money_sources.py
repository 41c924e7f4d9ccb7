"""Money that is not an invoice reaches the timeline through the live path (doc_events -> RQ job): journal
receipts and refunds, POS invoices until consolidated (never twice), payment reminders, loyalty points; amounts
masked for a reader without the finance capability."""

import frappe
from frappe.utils import nowdate

from customer_360 import indexer
from customer_360.api.timeline import get_timeline
from customer_360.tests import erp, money_docs
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.utils import C360TestCase, make_customer, make_user


def events(customer, **kw):
	out, cursor = [], None
	while True:
		page = get_timeline(customer, cursor=cursor, **kw)
		out.extend(page["events"])
		cursor = page["next_cursor"]
		if not cursor:
			return out


def by_source(customer):
	return {(e["source_doctype"], e["source_name"]): e for e in events(customer)}


class TestMoneySources(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		c = cls.customer = make_customer()
		cls.other = make_customer()
		cls.receipt = money_docs.journal_entry(c, 55, "receipt")
		cls.refund = money_docs.journal_entry(c, 8, "refund")
		cls.write_off = money_docs.journal_entry(c, 3, "write_off")
		wait_for_jobs()  # through doc_events, as in production

		# Rows written without a controller reach the index through the live job, as the hook would send them.
		cls.pos = money_docs.pos_invoice(c, 42)
		cls.invoice = erp.sales_invoice(c, rate=10)
		cls.consolidated = money_docs.pos_invoice(c, 17, consolidated_into=cls.invoice.name)
		cls.dunning = money_docs.dunning(c, 120, dunning_type="First Notice")
		cls.points = money_docs.loyalty_points(c, 25, 2500)
		indexer.index_documents(
			[
				("POS Invoice", cls.pos.name),
				("POS Invoice", cls.consolidated.name),
				("Dunning", cls.dunning.name),
				("Loyalty Point Entry", cls.points.name),
			]
		)
		wait_for_jobs()

	def test_journal_entries_reach_the_timeline_with_their_kind_and_amount(self):
		got = by_source(self.customer)
		for doc, kind, amount in (
			(self.receipt, "journal_receipt", 55),
			(self.refund, "journal_refund", 8),
			(self.write_off, "write_off", 3),
		):
			event = got[("Journal Entry", doc.name)]
			self.assertEqual((event["kind"], event["event_type"]), (kind, "money"))
			self.assertAlmostEqual(event["amount"], amount, 2)
			self.assertEqual(str(event["event_time"])[:10], str(doc.posting_date))

	def test_a_journal_entry_recomputes_its_customers_health(self):
		# The receipt changed what the customer owes: the health job ran for it (hooks.py, risk_health.job).
		self.assertTrue(
			frappe.db.exists("Customer Health Score", {"customer": self.customer, "score_date": nowdate()})
		)

	def test_cancelled_journal_entry_is_marked(self):
		je = money_docs.journal_entry(self.customer, 6, "receipt")
		je.cancel()
		wait_for_jobs()
		got = [e for e in events(self.customer) if e["source_name"] == je.name]
		self.assertEqual({e["kind"] for e in got}, {"journal_receipt", "journal_cancelled"})

	def test_pos_invoice_only_until_consolidated(self):
		got = by_source(self.customer)
		self.assertEqual(got[("POS Invoice", self.pos.name)]["kind"], "pos_sale")
		self.assertAlmostEqual(got[("POS Invoice", self.pos.name)]["amount"], 42, 2)
		self.assertNotIn(("POS Invoice", self.consolidated.name), got)  # its Sales Invoice carries it
		self.assertIn(("Sales Invoice", self.invoice.name), got)
		# Consolidating a POS invoice later takes its own event away.
		frappe.db.set_value("POS Invoice", self.pos.name, {"consolidated_invoice": self.invoice.name})
		indexer.index_documents([("POS Invoice", self.pos.name)])
		self.assertNotIn(("POS Invoice", self.pos.name), by_source(self.customer))
		frappe.db.set_value("POS Invoice", self.pos.name, {"consolidated_invoice": None})
		indexer.index_documents([("POS Invoice", self.pos.name)])

	def test_dunning_and_loyalty_points(self):
		got = by_source(self.customer)
		self.assertEqual(got[("Dunning", self.dunning.name)]["kind"], "dunning_sent")
		points = got[("Loyalty Point Entry", self.points.name)]
		self.assertEqual(points["kind"], "points_earned")
		self.assertIn("25", points["title"])

	def test_amounts_masked_without_finance(self):
		# An Auditor reads journal entries and loyalty points (ERPNext's permissions) but holds no finance
		# capability by default: the events show, their figures do not.
		frappe.set_user(make_user(["Sales User", "Auditor"]))
		got = by_source(self.customer)
		for key in (("Journal Entry", self.receipt.name), ("Loyalty Point Entry", self.points.name)):
			self.assertIsNone(got[key]["amount"], key)
			self.assertTrue(got[key]["masked"], key)

"""Timeline index + API against real ERPNext documents, indexed by a real RQ worker."""

from unittest.mock import patch

import frappe
from frappe.utils import add_days, nowdate

from customer_360 import indexer
from customer_360.api.timeline import get_timeline
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.utils import C360TestCase, make_customer, make_user


def all_events(customer, **kw):
	"""Every page, following next_cursor."""
	events, cursor = [], None
	while True:
		page = get_timeline(customer, cursor=cursor, **kw)
		events.extend(page["events"])
		cursor = page["next_cursor"]
		if not cursor:
			return events


def kinds(events):
	return {(e["source_doctype"], e["kind"]) for e in events}


class TestTimeline(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		c = cls.customer = make_customer()
		cls.invoice = erp.sales_invoice(c, rate=1000, posting_date=add_days(nowdate(), -40))
		cls.payment = erp.payment_for("Sales Invoice", cls.invoice.name, 400)
		cls.paid_invoice = erp.sales_invoice(c, rate=200, posting_date=add_days(nowdate(), -20))
		cls.credit = erp.credit_note(cls.paid_invoice.name)
		cls.refund = erp.payment_for("Sales Invoice", cls.credit.name)
		cls.order = erp.sales_order(c)
		cls.delivery = erp.delivery_note(cls.order.name)
		cls.quote = erp.quotation(c)
		cls.issue = erp.issue(c, subject="Printer on fire")
		cls.contact = erp.contact(c)
		cls.email_direct = erp.email(
			"Question about pricing", "someone@example.com", reference_doctype="Customer", reference_name=c
		)
		cls.email_contact = erp.email("Hello from a contact", cls.contact.email_ids[0].email_id)
		cls.todo = erp.todo(c, "Call back about renewal", due=add_days(nowdate(), 3))
		wait_for_jobs()

	def test_every_source_reaches_the_timeline(self):
		got = kinds(all_events(self.customer))
		expected = {
			("Sales Invoice", "invoice_submitted"),
			("Sales Invoice", "credit_note"),
			("Payment Entry", "payment_received"),
			("Payment Entry", "refund_issued"),
			("Sales Order", "order_confirmed"),
			("Delivery Note", "delivery_done"),
			("Quotation", "quotation_sent"),
			("Issue", "issue_opened"),
			("Communication", "email_received"),
			("ToDo", "task_created"),
			("ToDo", "task_due"),
		}
		self.assertTrue(expected <= got, expected - got)

	def test_contact_email_rolls_up_to_customer(self):
		events = [e for e in all_events(self.customer) if e["source_name"] == self.email_contact.name]
		self.assertEqual(len(events), 1)
		self.assertEqual(events[0]["contact"], self.contact.name)
		self.assertEqual(events[0]["title"], "Hello from a contact")

	def test_newest_first_and_stable_order(self):
		events = all_events(self.customer)
		keys = [(e["event_time"], e["name"]) for e in events]
		self.assertEqual(keys, sorted(keys, reverse=True))
		self.assertEqual(len(keys), len(set(keys)))

	def test_cursor_pages_cover_everything_once(self):
		full = [e["name"] for e in get_timeline(self.customer, limit=200)["events"]]
		paged = [e["name"] for e in all_events(self.customer, limit=3)]
		self.assertEqual(full, paged)
		self.assertGreater(len(full), 6)

	def test_counts_match_events_by_type(self):
		page = get_timeline(self.customer, limit=2)
		events = all_events(self.customer)
		for event_type, n in page["counts"].items():
			self.assertEqual(n, sum(1 for e in events if e["event_type"] == event_type), event_type)
		self.assertIsNone(get_timeline(self.customer, cursor=page["next_cursor"], limit=2)["counts"])

	def test_type_filter_date_range_and_search(self):
		money = all_events(self.customer, event_types=["money"])
		self.assertTrue(money)
		self.assertEqual({e["event_type"] for e in money}, {"money"})
		both = all_events(self.customer, event_types="support,message")
		self.assertEqual({e["event_type"] for e in both}, {"support", "message"})

		old = all_events(self.customer, to_date=add_days(nowdate(), -30))
		self.assertIn(self.invoice.name, {e["source_name"] for e in old})
		self.assertNotIn(self.order.name, {e["source_name"] for e in old})
		recent = all_events(self.customer, from_date=add_days(nowdate(), -30))
		self.assertNotIn(
			("Sales Invoice", "invoice_submitted", self.invoice.name),
			{(e["source_doctype"], e["kind"], e["source_name"]) for e in recent},
		)

		found = get_timeline(self.customer, search="printer on")["events"]
		self.assertEqual([e["source_name"] for e in found], [self.issue.name])
		self.assertEqual(get_timeline(self.customer, search="100%_no_such")["events"], [])

	def test_amounts_and_masking(self):
		inv = next(e for e in all_events(self.customer) if e["source_name"] == self.invoice.name)
		self.assertEqual(inv["amount"], self.invoice.grand_total)
		frappe.set_user(make_user(["Sales User"]))
		for e in all_events(self.customer):
			self.assertIsNone(e["amount"], e)
			if e["source_doctype"] in ("Sales Order", "Quotation", "Delivery Note"):
				self.assertTrue(e["masked"])

	def test_user_without_invoice_read_sees_no_invoice_events(self):
		frappe.set_user(make_user(["Sales User"]))  # Sales User may not read Sales Invoice / Payment Entry
		events = all_events(self.customer)
		doctypes = {e["source_doctype"] for e in events}
		self.assertNotIn("Sales Invoice", doctypes)
		self.assertNotIn("Payment Entry", doctypes)
		self.assertIn("Sales Order", doctypes)
		self.assertEqual(get_timeline(self.customer)["counts"]["money"], 0)

	def test_bad_input_is_a_clear_error(self):
		for kwargs in (
			{"limit": 0},
			{"limit": 10000},
			{"cursor": "not-a-cursor"},
			{"event_types": ["gossip"]},
			{"from_date": "2026-02-30"},
			{"from_date": "2026-03-02", "to_date": "2026-03-01"},
		):
			with self.assertRaises(frappe.ValidationError, msg=kwargs):
				get_timeline(self.customer, **kwargs)
		with self.assertRaises(frappe.DoesNotExistError):
			get_timeline("No Such Customer C360")


class TestTimelineChanges(C360TestCase):
	def test_cancel_flags_the_event_and_records_the_cancellation(self):
		c = make_customer()
		inv = erp.sales_invoice(c, rate=50)
		wait_for_jobs()
		inv.reload()
		inv.cancel()
		wait_for_jobs()
		events = [e for e in all_events(c) if e["source_name"] == inv.name]
		by_kind = {e["kind"]: e for e in events}
		self.assertTrue(by_kind["invoice_submitted"]["cancelled"])
		self.assertIn("invoice_cancelled", by_kind)

	def test_delete_removes_and_customer_rename_repoints(self):
		c = make_customer()
		task = erp.todo(c, "Throwaway task")
		keep = erp.todo(c, "Kept task")
		wait_for_jobs()
		self.assertIn("task_created", {e["kind"] for e in all_events(c) if e["source_name"] == task.name})
		frappe.delete_doc("ToDo", task.name, ignore_permissions=True)
		wait_for_jobs()
		self.assertEqual([e for e in all_events(c) if e["source_name"] == task.name], [])

		new_name = c + " Renamed"
		frappe.rename_doc("Customer", c, new_name, force=True)
		wait_for_jobs()
		self.assertIn(keep.name, {e["source_name"] for e in all_events(new_name)})

	def test_company_user_permission_limits_events(self):
		c = make_customer()
		home = erp.sales_invoice(c, rate=70)
		other = erp.sales_invoice(c, rate=80, company_name=erp.second_company())
		wait_for_jobs()
		frappe.set_user(make_user(["Accounts User"], company=erp.company()))
		names = {e["source_name"] for e in all_events(c)}
		self.assertIn(home.name, names)
		self.assertNotIn(other.name, names)

	def test_hook_failure_never_breaks_the_transaction_and_reconcile_repairs(self):
		c = make_customer()
		with patch("customer_360.events._enqueue", side_effect=ConnectionError("redis down")):
			inv = erp.sales_invoice(c, rate=90)
			frappe.db.commit()  # the after-commit enqueue fails inside this commit: it must not raise
		self.assertEqual(frappe.db.get_value("Sales Invoice", inv.name, "docstatus"), 1)
		wait_for_jobs()
		self.assertEqual([e for e in all_events(c) if e["source_name"] == inv.name], [])
		indexer.reconcile(full=True)
		self.assertIn(inv.name, {e["source_name"] for e in all_events(c)})

	def test_backfill_indexes_existing_history_idempotently(self):
		c = make_customer()
		frappe.flags.c360_hooks_off = True  # as if the documents predate the app
		try:
			inv = erp.sales_invoice(c, rate=60)
			erp.todo(c, "Old task")
		finally:
			frappe.flags.c360_hooks_off = False
		wait_for_jobs()
		self.assertEqual(all_events(c), [])
		indexer.enqueue_backfill(restart=True)
		wait_for_jobs(indexer.BACKFILL_JOB)
		first = all_events(c)
		self.assertLessEqual({"invoice_submitted", "task_created"}, {e["kind"] for e in first})
		self.assertIn(inv.name, {e["source_name"] for e in first})
		indexer.backfill(progress=False)
		self.assertEqual([e["name"] for e in all_events(c)], [e["name"] for e in first])

	def test_cached_counts_follow_new_events(self):
		c = make_customer()
		erp.todo(c, "First")
		wait_for_jobs()
		before = get_timeline(c)["counts"]["task"]
		self.assertEqual(get_timeline(c)["counts"]["task"], before)  # served from the cache
		erp.todo(c, "Second")
		wait_for_jobs()
		self.assertGreater(get_timeline(c)["counts"]["task"], before)


class TestIndexRetries(C360TestCase):
	def test_a_deadlocked_index_job_is_done_again(self):
		from unittest.mock import patch

		from customer_360.indexer import live

		customer = make_customer()
		todo = erp.todo(customer, "Retried after a deadlock")
		frappe.db.commit()  # as for a real job: the retry rolls back only the indexing transaction
		real, calls = live._index_documents, []

		def deadlocks_once(items):
			calls.append(items)
			if len(calls) == 1:
				raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")
			return real(items)

		with patch.object(live, "_index_documents", deadlocks_once):
			written = live.index_documents([("ToDo", todo.name)])
		self.assertEqual(len(calls), 2)
		self.assertGreaterEqual(written, 1)
		self.assertTrue(
			frappe.db.exists("Customer Timeline Event", {"source_doctype": "ToDo", "source_name": todo.name})
		)

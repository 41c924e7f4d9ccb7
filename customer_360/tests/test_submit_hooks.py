"""What the app's hooks cost an ERP transaction (issue 18): nothing before commit (no enqueue, no cache bump), then
one version bump and ONE job after commit; the job indexes the documents and queues the health recomputes. The
transaction's own reads bypass the 360 cache; a rollback leaves nothing to invalidate."""

from unittest.mock import patch

import frappe

from customer_360 import cache, events
from customer_360.indexer import live
from customer_360.risk_health.job import RECOMPUTE_HOOK
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.utils import C360TestCase, make_customer


class TestSubmitHooks(C360TestCase):
	def setUp(self):
		super().setUp()
		wait_for_jobs()  # nothing from an earlier test may bump the version or queue jobs meanwhile

	def test_a_submit_pays_one_enqueue_and_one_bump_after_commit(self):
		customer = make_customer()
		wait_for_jobs()
		enqueued, bumps = [], []
		real_enqueue = frappe.enqueue

		def spying_enqueue(method, **kwargs):
			if str(method).startswith("customer_360."):  # ERPNext may queue its own jobs
				enqueued.append((method, kwargs))
			return real_enqueue(method, **kwargs)

		with (
			patch("frappe.enqueue", spying_enqueue),
			patch.object(cache, "bump_version", lambda: bumps.append(1)),
		):
			invoice = erp.sales_invoice(customer, rate=70)
			self.assertEqual(enqueued, [])  # the hooks only remembered: nothing queued, nothing bumped
			self.assertEqual(bumps, [])
			frappe.db.commit()
		self.assertEqual(bumps, [1])
		self.assertEqual(len(enqueued), 1, enqueued)
		method, kwargs = enqueued[0]
		self.assertEqual(method, events.INDEX_JOB)
		self.assertIn(["Sales Invoice", invoice.name], [list(i) for i in kwargs["items"]])
		self.assertIn(["Customer", customer], [list(i) for i in kwargs["items"]])  # its first purchase
		self.assertEqual([list(c) for c in kwargs["then"]], [[RECOMPUTE_HOOK, customer]])  # its health

		wait_for_jobs()  # the index job, then the health job it queued
		self.assertTrue(
			frappe.db.exists(
				"Customer Timeline Event", {"source_doctype": "Sales Invoice", "source_name": invoice.name}
			)
		)
		self.assertTrue(frappe.db.exists("Customer Health Score", {"customer": customer}))

	def test_a_changing_transaction_reads_around_the_cache_and_a_rollback_needs_no_bump(self):
		customer = make_customer()
		wait_for_jobs()
		computed = []

		def compute():
			computed.append(1)
			return len(computed)

		cache.forget("submit_test", customer)
		self.assertEqual(cache.get_or_compute("submit_test", customer, [], compute), 1)
		self.assertEqual(cache.get_or_compute("submit_test", customer, [], compute), 1)  # cached
		version = cache.index_version()
		erp.sales_invoice(customer, rate=12)
		self.assertEqual(cache.index_version(), version)  # no Redis write from the hooks
		self.assertEqual(cache.get_or_compute("submit_test", customer, [], compute), 2)  # not from the cache
		self.assertEqual(cache.get_or_compute("submit_test", customer, [], compute), 3)  # and not stored
		frappe.db.rollback()
		self.assertEqual(cache.index_version(), version)
		self.assertEqual(cache.get_or_compute("submit_test", customer, [], compute), 1)  # the entry is intact

	def test_a_failed_index_write_still_queues_the_follow_ups_and_only_the_apps_own(self):
		queued = []
		with (
			patch.object(live, "_index_documents", side_effect=ValueError("boom")),
			patch("customer_360.risk_health.job.enqueue_recompute", queued.append),
			patch("frappe.log_error") as log_error,
		):
			with self.assertRaises(ValueError):
				live.index_documents(
					[("ToDo", "nope")],
					then=[[RECOMPUTE_HOOK, "C1"], ["frappe.delete_doc", "Customer"], [RECOMPUTE_HOOK, "C2"]],
				)
		self.assertEqual(queued, ["C1", "C2"])
		self.assertEqual(log_error.call_count, 1)  # the payload's foreign function: refused, logged

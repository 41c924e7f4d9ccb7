"""The Helpdesk adapter (sources/hd_ticket.py) against the real Frappe Helpdesk app.

`.ci/run` runs this module on a second site with Helpdesk installed when the bench has the app; on the main site
(no Helpdesk) only the first class runs: the adapter is registered but skipped, and nothing breaks."""

import unittest

import frappe
from frappe.utils import now_datetime

from customer_360.api.timeline import get_timeline
from customer_360.indexer import store
from customer_360.sources import hd_ticket
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.test_set_based import _comparable, _index_both_ways
from customer_360.tests.utils import C360TestCase, make_customer, make_user, unique


def _helpdesk_installed() -> bool:
	return "helpdesk" in frappe.get_installed_apps()


class TestHelpdeskRegistration(C360TestCase):
	def test_the_adapter_is_registered_through_the_hook(self):
		self.assertIn(
			"customer_360.sources.hd_ticket.SOURCE", frappe.get_hooks("customer_360_timeline_sources")
		)
		self.assertTrue(hd_ticket.SOURCE.optional)

	def test_the_adapter_is_active_exactly_when_helpdesk_is(self):
		active = store.get_source("HD Ticket") is not None
		self.assertEqual(active, _helpdesk_installed())


def _ticket_events(customer, **kw):
	page = get_timeline(customer, event_types=["support"], limit=100, **kw)
	return [e for e in page["events"] if e["source_doctype"] == "HD Ticket"]


class TestHelpdeskTickets(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if not _helpdesk_installed():
			raise unittest.SkipTest(
				"Frappe Helpdesk is not installed on this site (.ci/run tests it on its own site)"
			)
		frappe.set_user("Administrator")
		cls.customer = make_customer()
		# A Helpdesk customer linked to the ERPNext one, as Helpdesk's ERPNext sync links them.
		hd = frappe.get_doc({"doctype": "HD Customer", "customer_name": unique("HD")}).insert()
		frappe.db.set_value("HD Customer", hd.name, "erpnext_customer", cls.customer)
		cls.by_account = frappe.get_doc(
			{
				"doctype": "HD Ticket",
				"subject": "Router <b>down</b>",
				"raised_by": "someone@example.com",
				"description": "It is down",
				"customer": hd.name,
			}
		).insert()
		# A ticket that names no Helpdesk customer, only a contact of the customer.
		cls.contact = erp.contact(cls.customer)
		cls.by_contact = frappe.get_doc(
			{
				"doctype": "HD Ticket",
				"subject": "Invoice question",
				"raised_by": cls.contact.email_ids[0].email_id,
				"description": "Which invoice?",
				"contact": cls.contact.name,
			}
		).insert()
		wait_for_jobs()

	def test_a_new_ticket_reaches_the_customer_live(self):
		events = _ticket_events(self.customer)
		opened = {e["source_name"]: e for e in events if e["kind"] == "ticket_opened"}
		self.assertEqual(set(opened), {self.by_account.name, self.by_contact.name})
		self.assertEqual(opened[self.by_account.name]["event_type"], "support")
		self.assertEqual(opened[self.by_account.name]["title"], "Router <b>down</b>")  # stored as text
		self.assertEqual(opened[self.by_account.name]["actor"], "Administrator")
		self.assertEqual(opened[self.by_contact.name]["contact"], self.contact.name)

	def test_resolving_and_a_failed_sla_are_events(self):
		ticket = frappe.get_doc("HD Ticket", self.by_account.name)
		ticket.status = "Resolved"
		ticket.save()
		wait_for_jobs()
		kinds = {e["kind"] for e in _ticket_events(self.customer) if e["source_name"] == ticket.name}
		self.assertTrue({"ticket_opened", "ticket_replied", "ticket_resolved"} <= kinds, kinds)
		self.assertNotIn("ticket_sla_failed", kinds)
		# Helpdesk marks the agreement failed from its own scheduler; the adapter follows the next save.
		frappe.db.set_value("HD Ticket", ticket.name, "agreement_status", "Failed", update_modified=False)
		frappe.get_doc("HD Ticket", ticket.name).run_method("on_update")
		wait_for_jobs()
		kinds = {e["kind"] for e in _ticket_events(self.customer) if e["source_name"] == ticket.name}
		self.assertIn("ticket_sla_failed", kinds)

	def test_a_user_who_cannot_read_tickets_sees_none(self):
		user = make_user(["Sales User"])
		frappe.set_user(user)
		try:
			self.assertFalse(frappe.has_permission("HD Ticket", "read"))
			self.assertEqual(_ticket_events(self.customer), [])
		finally:
			frappe.set_user("Administrator")

	def test_set_based_rows_equal_python_rows(self):
		names = [self.by_account.name, self.by_contact.name]
		python_events, by_python, by_sql = _index_both_ways(hd_ticket.SOURCE, names)
		self.assertEqual({e.source_name for e in python_events}, set(names))
		self.assertEqual(sorted(by_sql), sorted(by_python))
		for name, row in by_python.items():
			self.assertEqual(_comparable(by_sql[name]), _comparable(row), name)

	def test_tickets_are_support_cases_and_claims(self):
		from frappe.utils import add_days, getdate, nowdate

		from customer_360.facts import issues

		today = getdate(nowdate())
		open_, recent, claims = issues.counts(
			[self.customer], today, add_days(today, -90), add_days(today, -30)
		)[self.customer]
		self.assertGreaterEqual(recent, 2)  # both tickets opened today count as recent support cases
		self.assertGreaterEqual(claims, 2)
		documents = issues.claim_documents([self.customer], add_days(today, -30), today)[self.customer]
		self.assertTrue(
			{("HD Ticket", self.by_account.name), ("HD Ticket", self.by_contact.name)} <= set(documents)
		)
		# A resolved ticket is no longer open; the other still is.
		ticket = frappe.get_doc("HD Ticket", self.by_contact.name)
		ticket.status = "Resolved"
		ticket.save()
		wait_for_jobs()
		still_open = issues.counts([self.customer], today, add_days(today, -90), add_days(today, -30))[
			self.customer
		][0]
		self.assertEqual(still_open, open_ - 1)

	def test_time_of_a_reply_is_the_first_response(self):
		at = now_datetime().replace(microsecond=0)
		frappe.db.set_value(
			"HD Ticket", self.by_contact.name, "first_responded_on", at, update_modified=False
		)
		events = store.build_events(
			hd_ticket.SOURCE, store.read_rows(hd_ticket.SOURCE, "name = %(n)s", {"n": self.by_contact.name})
		)
		replied = [e for e in events if e.kind == "ticket_replied"]
		self.assertEqual(len(replied), 1)
		self.assertEqual(replied[0].event_time, at)
		self.assertIsNone(replied[0].actor)

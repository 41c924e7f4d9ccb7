"""The Frappe CRM adapter (sources/crm.py) against the real Frappe CRM app.

`.ci/run` runs this module on its optional-apps site when the bench has Frappe CRM; on the main site (no CRM)
only the first class runs: the adapter is registered but skipped."""

import unittest

import frappe

from customer_360.api.timeline import get_timeline
from customer_360.indexer import store
from customer_360.sources import crm
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.test_set_based import _comparable, _index_both_ways
from customer_360.tests.utils import C360TestCase, make_customer, make_user, unique

SOURCES = (crm.DEAL_SOURCE, crm.LEAD_SOURCE, crm.NOTE_SOURCE, crm.CALL_SOURCE)


def _crm_installed() -> bool:
	return "crm" in frappe.get_installed_apps()


class TestCrmRegistration(C360TestCase):
	def test_the_adapters_are_registered_and_active_exactly_when_crm_is(self):
		hooked = frappe.get_hooks("customer_360_timeline_sources")
		for source in SOURCES:
			with self.subTest(source=source.doctype):
				self.assertTrue(source.optional)
				self.assertTrue(any(frappe.get_attr(p) is source for p in hooked))
				self.assertEqual(store.get_source(source.doctype) is not None, _crm_installed())


def _crm_events(customer):
	page = get_timeline(customer, limit=200)
	return [e for e in page["events"] if e["source_doctype"] in {s.doctype for s in SOURCES}]


class TestCrmDocuments(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if not _crm_installed():
			raise unittest.SkipTest(
				"Frappe CRM is not installed on this site (.ci/run tests it on its own site)"
			)
		frappe.set_user("Administrator")
		cls.customer = make_customer()
		# CRM's ERPNext integration names the Customer after the organization.
		org = frappe.get_doc({"doctype": "CRM Organization", "organization_name": cls.customer}).insert()
		# In CRM's own currency: another one makes CRM fetch an exchange rate over the internet.
		currency = frappe.db.get_single_value("FCRM Settings", "currency") or "USD"
		cls.deal = frappe.get_doc(
			{"doctype": "CRM Deal", "organization": org.name, "deal_value": 5000, "currency": currency}
		).insert()
		cls.contact = erp.contact(cls.customer)
		cls.lead = frappe.get_doc(
			{
				"doctype": "CRM Lead",
				"first_name": "Ada",
				"email": cls.contact.email_ids[0].email_id,
			}
		).insert()
		cls.note = frappe.get_doc(
			{
				"doctype": "FCRM Note",
				"title": "Wants <script>x</script> a discount",
				"content": "<p>secret terms</p>",
				"reference_doctype": "CRM Deal",
				"reference_docname": cls.deal.name,
			}
		).insert()
		cls.call = frappe.get_doc(
			{
				"doctype": "CRM Call Log",
				"id": unique("call"),
				"type": "Incoming",
				"status": "Completed",
				"from": "+15550100",
				"to": "+15550199",
				"reference_doctype": "CRM Lead",
				"reference_docname": cls.lead.name,
			}
		).insert()
		wait_for_jobs()

	def test_each_crm_document_reaches_the_customer_live(self):
		got = {(e["source_doctype"], e["source_name"], e["kind"]) for e in _crm_events(self.customer)}
		expected = {
			("CRM Deal", self.deal.name, "deal_created"),
			("CRM Lead", self.lead.name, "crm_lead_created"),
			("FCRM Note", self.note.name, "crm_note"),
			("CRM Call Log", self.call.name, "call_received"),
		}
		self.assertTrue(expected <= got, expected - got)
		lead_event = next(e for e in _crm_events(self.customer) if e["source_name"] == self.lead.name)
		self.assertEqual(lead_event["contact"], self.contact.name)

	def test_a_won_deal_is_an_event(self):
		frappe.db.set_value("CRM Deal", self.deal.name, "status", "Won")
		frappe.get_doc("CRM Deal", self.deal.name).run_method("on_update")
		wait_for_jobs()
		kinds = {e["kind"] for e in _crm_events(self.customer) if e["source_name"] == self.deal.name}
		self.assertIn("deal_won", kinds)

	def test_deal_value_is_masked_and_unreadable_crm_hidden(self):
		admin = next(e for e in _crm_events(self.customer) if e["kind"] == "deal_created")
		self.assertEqual(admin["amount"], 5000)
		user = make_user(["Sales User"])
		frappe.set_user(user)
		try:
			if frappe.has_permission("CRM Deal", "read"):
				deal = next(e for e in _crm_events(self.customer) if e["kind"] == "deal_created")
				self.assertIsNone(deal["amount"])
			else:
				self.assertEqual(
					[e for e in _crm_events(self.customer) if e["source_doctype"] == "CRM Deal"], []
				)
		finally:
			frappe.set_user("Administrator")

	def test_set_based_rows_equal_python_rows(self):
		docs = {
			"CRM Deal": [self.deal.name],
			"CRM Lead": [self.lead.name],
			"FCRM Note": [self.note.name],
			"CRM Call Log": [self.call.name],
		}
		for source in SOURCES:
			names = docs[source.doctype]
			with self.subTest(source=source.doctype):
				python_events, by_python, by_sql = _index_both_ways(source, names)
				self.assertEqual({e.source_name for e in python_events}, set(names))
				self.assertEqual(sorted(by_sql), sorted(by_python))
				for name, row in by_python.items():
					self.assertEqual(_comparable(by_sql[name]), _comparable(row), name)

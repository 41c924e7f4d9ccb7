"""First contact, conversations and milestones on a real site: a Lead's history made through ERPNext's own APIs,
converted with ERPNext's own make_customer, reaches the customer's timeline (the API) through the live path
alone (no backfill); calls matched by a contact's number, public calendar events with the customer taking part,
the first purchase and an accepted quotation appear; the set-based path writes what the mappers write."""

import frappe
from frappe.utils import get_datetime

from customer_360 import first_contact
from customer_360.api.timeline import get_timeline
from customer_360.core.timeline import combine
from customer_360.indexer import store
from customer_360.tests import erp
from customer_360.tests import first_contact_docs as docs
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.test_set_based import _comparable, _index_both_ways
from customer_360.tests.utils import C360TestCase, make_customer, make_user

MY_SOURCES = ("Lead", "Event", "Call Log", "Customer", "Customer Lifecycle Stage", "Customer Merge Log")


def all_events(customer, **kw):
	events, cursor = [], None
	while True:
		page = get_timeline(customer, cursor=cursor, limit=200, **kw)
		events.extend(page["events"])
		cursor = page["next_cursor"]
		if not cursor:
			return events


def by_source(events):
	return {(e["source_doctype"], e["source_name"], e["kind"]): e for e in events}


class TestFirstContact(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.email = f"c360-first-{frappe.generate_hash(length=8)}@example.com"
		cls.lead = docs.lead(email=cls.email)
		cls.history = docs.history(cls.lead.name, cls.email)
		wait_for_jobs()
		# Indexed while still a Lead: no customer yet, so nothing on any timeline.
		cls.indexed_before = frappe.db.count(
			"Customer Timeline Event", {"source_name": ["in", [n for v in cls.history.values() for n in v]]}
		)
		cls.customer = docs.convert(cls.lead.name)
		wait_for_jobs(first_contact.history_job_id(cls.customer))

		c = cls.customer
		cls.phone = docs.phone_number()
		cls.contact = docs.contact_with_phone(c, cls.phone)
		cls.call = docs.call(cls.phone)
		cls.meeting = docs.calendar_event("Customer", c, "Quarterly review")
		cls.private = docs.calendar_event("Customer", c, "Private lunch", event_type="Private")
		cls.quote = docs.ordered_quotation(c)
		cls.invoice = erp.sales_invoice(c, rate=500)
		wait_for_jobs()
		cls.events = by_source(all_events(c))

	def event(self, doctype, name, kind):
		found = self.events.get((doctype, name, kind))
		self.assertIsNotNone(found, f"{doctype} {name} {kind} not on the timeline: {sorted(self.events)}")
		return found

	def test_lead_history_moves_onto_the_customer_without_backfill(self):
		self.assertEqual(self.indexed_before, 0)
		h = self.history
		expected = [
			("Lead", self.lead.name, "lead_created", "sales"),
			("Opportunity", h["Opportunity"][0], "opportunity_created", "sales"),
			("Opportunity", h["Opportunity"][1], "opportunity_created", "sales"),  # the Prospect's
			("Quotation", h["Quotation"][0], "quotation_sent", "sales"),
			("Communication", h["Communication"][0], "lead_email_received", "message"),
			("Comment", h["Comment"][0], "lead_comment_added", "note"),
			("ToDo", h["ToDo"][0], "lead_task_created", "task"),
			("Event", h["Event"][0], "calendar_event", "interaction"),
		]
		if "Appointment" in h:
			expected.append(("Appointment", h["Appointment"][0], "appointment_booked", "interaction"))
		for doctype, name, kind, event_type in expected:
			with self.subTest(doctype=doctype):
				e = self.event(doctype, name, kind)
				self.assertEqual(e["event_type"], event_type)
		lead_event = self.event("Lead", self.lead.name, "lead_created")
		self.assertEqual(lead_event["actor"], "Administrator")
		self.assertEqual(lead_event["event_time"], get_datetime(self.lead.creation))

	def test_became_a_customer_milestone(self):
		e = self.event("Customer", self.customer, "became_customer")
		self.assertEqual(e["event_type"], "system")
		self.assertEqual(e["event_time"], frappe.db.get_value("Customer", self.customer, "creation"))
		self.assertEqual(e["summary"], f"From lead {self.lead.name}")

	def test_call_matched_by_the_contacts_number(self):
		e = self.event("Call Log", self.call.name, "call_received")
		self.assertEqual((e["event_type"], e["contact"]), ("interaction", self.contact.name))
		self.assertEqual(e["title"], f"Call from {self.phone}")
		self.assertEqual(e["event_time"], get_datetime(self.call.start_time))

	def test_public_event_with_the_customer_taking_part(self):
		e = self.event("Event", self.meeting.name, "calendar_event")
		self.assertEqual(e["title"], "Meeting: Quarterly review")
		self.assertEqual(e["event_time"], get_datetime(self.meeting.starts_on))
		# A private event is its owner's and participants' alone, as on Frappe's own calendar.
		self.assertNotIn(self.private.name, {name for _, name, _ in self.events})

	def test_milestones_first_purchase_and_quotation_accepted(self):
		first = self.event("Customer", self.customer, "first_purchase")
		self.assertEqual(first["event_type"], "system")
		self.assertIsNone(first["summary"])  # no invoice number for readers who may not read invoices
		self.assertEqual(
			first["event_time"],
			combine(self.invoice.posting_date, frappe.utils.to_timedelta(self.invoice.posting_time)),
		)
		ordered = self.event("Quotation", self.quote.name, "quotation_ordered")
		self.assertEqual(ordered["event_type"], "system")
		self.assertEqual(ordered["summary"], "Ordered")

	def test_dormancy_and_merge_milestones_reach_the_timeline_through_reconcile(self):
		# Both are written without document hooks (bulk rows, merge status updates): the hourly reconcile indexes
		# them, as every source's rows modified since its last run; here its per-document step, directly.
		from customer_360.indexer import index_documents

		c = make_customer()
		dormant = docs.lifecycle_stage(
			c, "dormant", "active", since=frappe.utils.add_days(frappe.utils.nowdate(), -9)
		)
		back = docs.lifecycle_stage(c, "won_back", "dormant")
		at_risk = docs.lifecycle_stage(c, "at_risk", "active")
		log = docs.merge_log(c)
		index_documents(
			[("Customer Lifecycle Stage", r.name) for r in (dormant, back, at_risk)]
			+ [("Customer Merge Log", log.name)]
		)
		events = by_source(all_events(c))
		became = events[("Customer Lifecycle Stage", dormant.name, "became_dormant")]
		self.assertEqual((became["event_type"], became["summary"]), ("system", "Was active"))
		self.assertEqual(became["event_time"], get_datetime(dormant.since))
		self.assertIn(("Customer Lifecycle Stage", back.name, "came_back"), events)
		self.assertFalse([k for k in events if k[1] == at_risk.name])  # a risk stage is not a milestone
		merged = events[("Customer Merge Log", log.name, "merged_from")]
		self.assertEqual(merged["title"], "Merged from Old Record Ltd, Old Record Limited")
		self.assertEqual(merged["actor"], "Administrator")
		# Merge logs name customers: only who may read them sees the event; dormancy follows the customer.
		frappe.set_user(make_user(["Sales User"]))
		seen = by_source(all_events(c))
		self.assertIn(("Customer Lifecycle Stage", back.name, "came_back"), seen)
		self.assertNotIn(("Customer Merge Log", log.name, "merged_from"), seen)

	def test_a_cancelled_first_invoice_moves_the_milestone(self):
		c = make_customer()
		early = erp.sales_invoice(c, rate=10, posting_date=frappe.utils.add_days(frappe.utils.nowdate(), -5))
		later = erp.sales_invoice(c, rate=20)
		wait_for_jobs()

		def first_purchase_time():
			return by_source(all_events(c))[("Customer", c, "first_purchase")]["event_time"]

		def posted(invoice):
			return combine(invoice.posting_date, frappe.utils.to_timedelta(invoice.posting_time))

		self.assertEqual(first_purchase_time(), posted(early))
		early.cancel()
		wait_for_jobs()
		self.assertEqual(first_purchase_time(), posted(later))

	def test_readers_see_what_their_permissions_allow(self):
		# Sales: reads Leads, Events, Call Logs, no finance figures. Accounts: no Lead read, amounts shown.
		sales = make_user(["Sales User"])
		frappe.set_user(sales)
		seen = by_source(all_events(self.customer))
		self.assertIn(("Lead", self.lead.name, "lead_created"), seen)
		quote = seen[("Quotation", self.history["Quotation"][0], "quotation_sent")]
		self.assertIsNone(quote["amount"])
		self.assertTrue(quote["masked"])
		frappe.set_user("Administrator")
		accounts = make_user(["Accounts User"])
		frappe.set_user(accounts)
		self.assertFalse(frappe.has_permission("Lead", "read"))  # ERPNext's own roles: the premise
		seen = by_source(all_events(self.customer))
		self.assertNotIn(("Lead", self.lead.name, "lead_created"), seen)
		self.assertIn(("Customer", self.customer, "first_purchase"), seen)
		self.assertIsNotNone(seen[("Sales Invoice", self.invoice.name, "invoice_submitted")]["amount"])

	def test_set_based_paths_write_what_the_mappers_write(self):
		frappe.flags.c360_hooks_off = True
		try:
			made = docs.parity_documents(make_customer())
		finally:
			frappe.flags.c360_hooks_off = False
		kinds = set()
		for doctype, names in made.items():
			source = store.get_source(doctype)
			with self.subTest(source=doctype):
				python_events, by_python, by_sql = _index_both_ways(source, names)
				self.assertEqual({e.source_name for e in python_events}, set(names))
				self.assertEqual(sorted(by_sql), sorted(by_python))
				for name, row in by_python.items():
					self.assertEqual(_comparable(by_sql[name]), _comparable(row), name)
				kinds |= {(source.doctype, r["kind"], int(r["cancelled"])) for r in by_python.values()}
		for expected in [
			("Lead", "lead_created", 0), ("Lead", "lead_web_form", 0), ("Event", "calendar_event", 0),
			("Event", "calendar_event", 1), ("Call Log", "call_received", 0), ("Call Log", "call_missed", 0),
			("Customer", "became_customer", 0), ("Customer", "first_purchase", 0),
			("Quotation", "quotation_ordered", 0), ("Opportunity", "opportunity_created", 0),
			("Customer Lifecycle Stage", "became_dormant", 0), ("Customer Lifecycle Stage", "came_back", 0),
			("Customer Merge Log", "merged_from", 0),
			("Comment", "lead_comment_added", 0), ("ToDo", "lead_task_created", 0),
			("Communication", "lead_email_received", 0),
		]:  # fmt: skip
			self.assertIn(expected, kinds)
		self.assertEqual(set(MY_SOURCES) - set(made), set())

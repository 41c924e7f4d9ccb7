"""Thread summaries (deterministic extract, cached until the thread changes, only what the user may read) and
meeting preparation (a briefing note per upcoming meeting, prepared once as its owner, linked from the meeting
and from the owner's digest)."""

from __future__ import annotations

import frappe
from frappe.utils import add_days, get_datetime, now_datetime, nowdate, random_string

from customer_360.api import ask as api
from customer_360.assistant import meetings
from customer_360.core.summaries import thread_subject
from customer_360.next_steps import digest
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.test_next_steps import MANAGER_ROLES
from customer_360.tests.utils import C360TestCase, make_customer, make_user

SETTINGS = "Customer 360 Settings"
QUOTED = "OLD QUOTED HISTORY"


def reply(subject: str, sender: str, body: str, days_ago: int = 0):
	doc = erp.email(subject, sender, content=body, communication_date=add_days(now_datetime(), -days_ago))
	return doc.name


class TestThreads(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		frappe.db.set_single_value(SETTINGS, "assistant_url", "")
		cls.tag = random_string(6)
		cls.customer = make_customer()
		cls.sender = erp.contact(cls.customer).email_ids[0].email_id
		cls.subject = f"Pump order {cls.tag}"
		cls.thread = [
			reply(
				("Re: " * min(i, 2)) + cls.subject,
				cls.sender,
				f"<p>Message {i} of the thread.</p><p>On Mon, 30 Nov 2026 Bob wrote:</p><p>&gt; {QUOTED}</p>",
				days_ago=10 - i,
			)
			for i in range(8)
		]
		cls.other = reply(f"Invoice copy {cls.tag}", cls.sender, "<p>Please send a copy.</p>")
		cls.issue = erp.issue(cls.customer, subject=f"Pump broken {cls.tag}")
		frappe.db.set_value("Issue", cls.issue.name, "description", "<p>The pump stopped on Monday.</p>")
		cls.other_customer = make_customer()
		cls.foreign = reply(
			f"Elsewhere {cls.tag}", erp.contact(cls.other_customer).email_ids[0].email_id, "<p>x</p>"
		)
		wait_for_jobs()
		cls.sales = make_user(["Sales User"])
		cls.support = make_user(MANAGER_ROLES)

	def test_threads_and_the_extract_of_a_long_one(self):
		frappe.set_user(self.sales)
		listed = {(t["doctype"], t["title"]) for t in api.threads(self.customer)}
		self.assertEqual(  # the thread once, under its latest subject
			[t for t in listed if thread_subject(t[1]) == self.subject.lower()],
			[("Communication", listed_title)] if (listed_title := self.latest_subject()) else [],
		)
		self.assertFalse([t for t in listed if t[0] == "Issue"])  # a Sales User reads no case
		s = api.summarize(self.customer, "Communication", self.thread[3])
		self.assertEqual((s["source"], s["cached"]), ("rules", False))
		first = s["statements"][0]
		self.assertEqual(first["code"], "thread_count")
		self.assertTrue(first["text"].startswith(f"{len(self.thread)} message(s)"), first["text"])
		cited = [c["name"] for st in s["statements"] for c in st["citations"]]
		self.assertEqual(cited, self.thread[:2] + self.thread[-4:])
		self.assertNotIn(self.other, cited)
		self.assertIn("Message 0 of the thread.", s["statements"][1]["text"])
		self.assertNotIn(QUOTED, frappe.as_json(s))

	def test_the_summary_is_cached_until_the_thread_changes(self):
		frappe.set_user(self.sales)
		first = api.summarize(self.customer, "Communication", self.thread[0])
		self.assertTrue(api.summarize(self.customer, "Communication", self.thread[0])["cached"])
		frappe.set_user("Administrator")
		frappe.db.set_value(
			"Communication",
			self.thread[-1],
			"content",
			"<p>Edited: the pump arrived.</p>",
			update_modified=True,
		)
		frappe.db.commit()
		frappe.set_user(self.sales)
		edited = api.summarize(self.customer, "Communication", self.thread[0])
		self.assertFalse(edited["cached"])
		self.assertIn("Edited: the pump arrived.", frappe.as_json(edited))
		self.assertNotEqual(first["statements"], edited["statements"])
		frappe.set_user("Administrator")
		newer = reply(f"RE: {self.subject}", self.sender, "<p>One more thing.</p>")
		self.thread.append(newer)
		wait_for_jobs()
		frappe.set_user(self.sales)
		again = api.summarize(self.customer, "Communication", self.thread[0])
		self.assertFalse(again["cached"])
		self.assertTrue(again["statements"][0]["text"].startswith(f"{len(self.thread)} message(s)"))
		self.assertIn(newer, [c["name"] for st in again["statements"] for c in st["citations"]])

	def latest_subject(self) -> str:
		return frappe.db.get_value("Communication", self.thread[-1], "subject")

	def test_a_case_narrative_for_who_may_read_the_case(self):
		frappe.set_user(self.support)
		s = api.summarize(self.customer, "Issue", self.issue.name)
		self.assertIn("The pump stopped on Monday.", s["statements"][1]["text"])
		self.assertEqual(s["statements"][1]["citations"][0]["doctype"], "Issue")
		frappe.set_user(self.sales)
		with self.assertRaises(frappe.PermissionError):
			api.summarize(self.customer, "Issue", self.issue.name)

	def test_only_this_customers_threads(self):
		frappe.set_user(self.support)
		with self.assertRaises(frappe.PermissionError):
			api.summarize(self.customer, "Communication", self.foreign)
		with self.assertRaises(frappe.ValidationError):
			api.summarize(self.customer, "Sales Invoice", "x")
		with self.assertRaises(frappe.ValidationError):
			api.summarize(self.other_customer, "Issue", self.issue.name)


class TestMeetingPrep(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		frappe.db.set_single_value(SETTINGS, "meeting_prep_days", 2)
		cls.owner = make_user(["Sales User"])
		cls.customer = make_customer()
		cls.soon = cls.event(cls.customer, days=1, owner=cls.owner)
		cls.later = cls.event(cls.customer, days=6, owner=cls.owner)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value(SETTINGS, "meeting_prep_days", 2)
		frappe.db.commit()
		super().tearDownClass()

	@staticmethod
	def event(customer: str, days: int, owner: str) -> str:
		frappe.set_user(owner)
		try:
			return (
				frappe.get_doc(
					{
						"doctype": "Event",
						"subject": f"Review with {customer}",
						"event_type": "Private",
						"starts_on": get_datetime(add_days(nowdate(), days)).replace(hour=10),
						"event_participants": [
							{"reference_doctype": "Customer", "reference_docname": customer}
						],
					}
				)
				.insert()
				.name
			)
		finally:
			frappe.set_user("Administrator")

	def test_a_briefing_per_upcoming_meeting_once_linked_from_meeting_and_digest(self):
		self.assertIn(
			"customer_360.assistant.meetings.prepare_upcoming",
			frappe.get_hooks("scheduler_events")["daily_long"],
		)
		result = meetings.prepare_upcoming()
		self.assertGreaterEqual(result["prepared"], 1)
		note = meetings.prepared("Event", self.soon)
		self.assertTrue(note)
		self.assertIsNone(meetings.prepared("Event", self.later))  # 6 days ahead: not yet
		n = frappe.db.get_value(
			"Customer Note", note, ["customer", "scope", "author", "content"], as_dict=True
		)
		self.assertEqual((n.customer, n.scope, n.author), (self.customer, "internal", self.owner))
		self.assertIn(frappe.db.get_value("Customer", self.customer, "customer_name"), n.content)
		self.assertNotIn("Money", n.content)  # prepared as a Sales User: no money section
		comment = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Event", "reference_name": self.soon, "comment_type": "Info"},
			pluck="content",
		)
		self.assertEqual(len(comment), 1)
		self.assertIn(note, comment[0])
		# once: the next morning's run leaves it alone
		meetings.prepare_upcoming()
		self.assertEqual(
			frappe.db.count("Comment", {"reference_doctype": "Event", "reference_name": self.soon}), 1
		)
		data = digest.digest_data(self.owner, nowdate())
		(m,) = [m for m in data["meetings"] if m["name"] == self.soon]
		self.assertTrue(m["briefing_url"].endswith(note))

	def test_an_appointment_once_for_its_agent_or_account_manager_not_again_for_its_calendar_entry(self):
		manager = make_user(["Sales User"])
		customer = make_customer(account_manager=manager)
		appointment = frappe.get_doc(
			{
				"doctype": "Appointment",
				"scheduled_time": get_datetime(add_days(nowdate(), 1)).replace(hour=9, minute=17),
				"customer_name": frappe.db.get_value("Customer", customer, "customer_name"),
				"customer_email": f"{random_string(8).lower()}@example.com",
				"appointment_with": "Customer",
				"party": customer,
			}
		).insert(ignore_permissions=True)
		wait_for_jobs()  # the timeline indexes the appointment
		calendar_event = frappe.db.get_value("Appointment", appointment.name, "calendar_event")
		self.assertTrue(calendar_event)  # ERPNext made its calendar entry, with the customer as participant
		meetings.prepare_upcoming()
		note = meetings.prepared("Appointment", appointment.name)
		self.assertTrue(note)
		self.assertEqual(frappe.db.get_value("Customer Note", note, "author"), manager)
		self.assertIsNone(meetings.prepared("Event", calendar_event))
		self.assertEqual(frappe.db.count("Customer Note", {"customer": customer}), 1)

	def test_switched_off(self):
		frappe.db.set_single_value(SETTINGS, "meeting_prep_days", 0)
		try:
			other = self.event(make_customer(), days=1, owner=self.owner)
			self.assertEqual(meetings.prepare_upcoming()["prepared"], 0)
			self.assertIsNone(meetings.prepared("Event", other))
		finally:
			frappe.db.set_single_value(SETTINGS, "meeting_prep_days", 2)

"""Scoped notes: every user reads exactly the scopes their roles grant, on every path Frappe offers, and a
portal user reads only the customer-scope notes of their own customer. Plus interactions, tasks, referrals,
files and the audit trail."""

import csv
import io
import json

import frappe
from frappe.utils import add_days, nowdate

from customer_360.api import interactions, notes
from customer_360.api.timeline import get_timeline
from customer_360.core.capabilities import NOTE_SCOPES
from customer_360.notes import portal_notes
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.utils import C360TestCase, make_customer, make_user

NOTE = "Customer Note"
BUT_RESTRICTED = set(NOTE_SCOPES) - {"restricted"}
EXPECTED = {
	"Sales User": {"internal", "sales", "customer"},
	"Support Team": {"internal", "support", "customer"},
	"Accounts User": {"internal", "finance", "customer"},
	"Stock User": {"internal", "fulfillment", "customer"},
	"Sales Manager": BUT_RESTRICTED,
	"System Manager": set(NOTE_SCOPES),
}
# Roles ERPNext lets read Customer: they can open the 360 (its APIs check the customer first).
CUSTOMER_READERS = ("Sales User", "Accounts User", "Stock User", "Sales Manager")


def _readable_by_get(names: dict, check) -> set:
	out = set()
	for scope, name in names.items():
		try:
			if check(name) is not False:
				out.add(scope)
		except frappe.PermissionError:
			pass
	return out


class TestNoteScopes(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.customer = make_customer()
		cls.other_customer = make_customer()
		cls.notes = {}
		for scope in NOTE_SCOPES:
			doc = frappe.get_doc(
				{"doctype": NOTE, "customer": cls.customer, "scope": scope, "content": f"<p>zq{scope}zq</p>"}
			).insert()
			cls.notes[scope] = doc.name
		cls.foreign = (
			frappe.get_doc(
				{"doctype": NOTE, "customer": cls.other_customer, "scope": "customer", "content": "other"}
			)
			.insert()
			.name
		)
		cls.users = {role: make_user([role]) for role in EXPECTED}
		wait_for_jobs()

	def as_user(self, role):
		frappe.set_user(self.users[role])

	def test_get_list_report_view_and_rest_list(self):
		from frappe.client import get_list as rest_get_list
		from frappe.desk.reportview import execute

		for role, expected in EXPECTED.items():
			with self.subTest(role=role):
				self.as_user(role)
				flt = {"customer": self.customer, "name": ["in", list(self.notes.values())]}
				got = {n.scope for n in frappe.get_list(NOTE, filters=flt, fields=["scope"])}
				self.assertEqual(got, expected)
				got = {r["scope"] for r in rest_get_list(NOTE, fields=["scope"], filters=flt)}
				self.assertEqual(got, expected)
				got = {r.scope for r in execute(NOTE, fields=["scope"], filters=flt)}
				self.assertEqual(got, expected)

	def test_get_doc_rest_get_and_print(self):
		from frappe.client import get as rest_get
		from frappe.www.printview import get_html_and_style

		for role, expected in EXPECTED.items():
			with self.subTest(role=role):
				self.as_user(role)
				self.assertEqual(
					_readable_by_get(self.notes, lambda n: frappe.has_permission(NOTE, "read", doc=n)),
					expected,
				)
				self.assertEqual(_readable_by_get(self.notes, lambda n: rest_get(NOTE, n)), expected)
				self.assertEqual(
					_readable_by_get(self.notes, lambda n: get_html_and_style(NOTE, n)), expected
				)

	def test_export_obeys_scopes(self):
		from frappe.desk.reportview import export_query

		for role in ("Sales Manager", "System Manager"):
			with self.subTest(role=role):
				self.as_user(role)
				frappe.local.form_dict = frappe._dict(
					doctype=NOTE,
					fields=json.dumps(["`tabCustomer Note`.`name`", "`tabCustomer Note`.`scope`"]),
					filters=json.dumps([[NOTE, "name", "in", list(self.notes.values())]]),
					file_format_type="CSV",
				)
				export_query()
				rows = list(csv.reader(io.StringIO(frappe.response["filecontent"].decode())))
				column = rows[0].index("Scope")
				got = {row[column] for row in rows[1:]}
				self.assertEqual(got, EXPECTED[role])
		self.as_user("Sales User")  # no export right at all
		frappe.local.form_dict = frappe._dict(
			doctype=NOTE, fields=json.dumps(["`tabCustomer Note`.`scope`"]), file_format_type="CSV"
		)
		with self.assertRaises(frappe.PermissionError):
			export_query()

	def test_link_search_and_global_search(self):
		from frappe.desk.search import search_widget
		from frappe.utils.global_search import search

		for role, expected in EXPECTED.items():
			with self.subTest(role=role):
				self.as_user(role)
				found = {
					r[0]
					for r in search_widget(NOTE, txt="", filters={"customer": self.customer}, as_dict=False)
				}
				self.assertEqual({s for s, n in self.notes.items() if n in found}, expected)
				# Note content is never put in the global search index: nothing to leak there.
				self.assertFalse([r for r in search("zqrestrictedzq") if r.get("doctype") == NOTE])

	def test_timeline_and_360_api(self):
		for role in CUSTOMER_READERS:
			with self.subTest(role=role):
				self.as_user(role)
				page = get_timeline(self.customer, event_types="note", limit=200)
				events = page["events"]
				# The chip count adds readable notes to the rest; it must match what the list shows.
				self.assertEqual(
					page["counts"]["note"], len([e for e in events if e["event_type"] == "note"])
				)
				got = {
					e["kind"].removeprefix("note_")
					for e in events
					if e["source_doctype"] == NOTE and e["source_name"] in set(self.notes.values())
				}
				self.assertEqual(got, EXPECTED[role])
				ours = set(self.notes.values())
				got = {n.scope for n in notes.get_notes(self.customer)["notes"] if n.name in ours}
				self.assertEqual(got, EXPECTED[role])

	def test_note_attachments_follow_the_note_scope(self):
		for scope in ("sales", "finance"):
			frappe.get_doc(
				{"doctype": "File", "file_name": f"note-{scope}.txt", "content": b"x", "is_private": 1,
				 "attached_to_doctype": NOTE, "attached_to_name": self.notes[scope]}
			).insert(ignore_permissions=True)  # fmt: skip
		self.as_user("Sales User")
		names = {f.file_name for f in interactions.get_files(self.customer) if f.attached_to_doctype == NOTE}
		self.assertEqual(names, {"note-sales.txt"})
		self.as_user("Accounts User")
		names = {f.file_name for f in interactions.get_files(self.customer) if f.attached_to_doctype == NOTE}
		self.assertEqual(names, {"note-finance.txt"})

	def test_a_manager_with_narrowed_scopes_cannot_read_notes_from_the_index(self):
		from customer_360.tests.test_risk_health import role_capability

		event = "Customer Timeline Event"
		restricted_event = frappe.get_all(
			event, {"source_doctype": NOTE, "source_name": self.notes["restricted"]}, pluck="name"
		)[0]
		manager = make_user(["Customer 360 Manager"])
		frappe.set_user(manager)
		kinds = set(frappe.get_list(event, filters={"customer": self.customer}, pluck="kind"))
		self.assertIn("note_restricted", kinds)  # the default manager row reads every scope ...
		with role_capability("Customer 360 Manager", note_scopes="internal"):  # ... until narrowed
			frappe.set_user(manager)
			rows = frappe.get_list(event, filters={"customer": self.customer}, fields=["kind", "summary"])
			note_kinds = {r.kind for r in rows if r.kind.startswith("note_")}
			self.assertEqual(note_kinds, {"note_internal"})
			self.assertNotIn("zqsaleszq", frappe.as_json(rows))
			self.assertFalse(frappe.has_permission(event, "read", doc=restricted_event))
		frappe.set_user("Administrator")

	def test_portal_user_reads_only_customer_scope_of_own_customer(self):
		frappe.set_user("Administrator")
		portal = make_user([], user_type="Website User")
		erp.contact(self.customer, email=portal)
		frappe.set_user(portal)
		got = portal_notes(portal)
		self.assertEqual([n.name for n in got], [self.notes["customer"]])
		# and through the rendered page
		from frappe.website.serve import get_response_content

		frappe.local.form_dict = frappe._dict()
		html = get_response_content("customer-notes")
		self.assertIn("zqcustomerzq", html)
		for scope in set(NOTE_SCOPES) - {"customer"}:
			self.assertNotIn(f"zq{scope}zq", html)
		self.assertNotIn("other</", html)
		# no desk path either
		with self.assertRaises(frappe.PermissionError):
			frappe.get_list(NOTE, filters={"customer": self.customer})

	def test_author_always_reads_own_note_and_cannot_widen(self):
		self.as_user("Sales User")
		mine = notes.add_note(self.customer, "<p>my sales note</p>", scope="sales")["name"]
		with self.assertRaisesRegex(frappe.ValidationError, "finance"):
			notes.update_note(mine, scope="finance")
		with self.assertRaisesRegex(frappe.ValidationError, "finance"):
			notes.add_note(self.customer, "x", scope="finance")
		with self.assertRaisesRegex(frappe.ValidationError, "unknown scope"):
			notes.add_note(self.customer, "x", scope="gossip")
		with self.assertRaisesRegex(frappe.ValidationError, "content"):
			notes.add_note(self.customer, "<p><br></p>")
		with self.assertRaises(frappe.DoesNotExistError):
			notes.add_note("No Such Customer 360", "x")
		# someone senior moves it out of the sales audience: the author still reads it
		frappe.set_user("Administrator")
		notes.update_note(mine, scope="restricted")
		self.as_user("Sales User")
		self.assertTrue(frappe.has_permission(NOTE, "read", doc=mine))
		self.assertIn(mine, [n.name for n in notes.get_notes(self.customer)["notes"]])
		# but nobody outside the audience can touch a note they cannot read
		self.as_user("Accounts User")
		with self.assertRaises(frappe.PermissionError):
			notes.update_note(self.notes["sales"], scope="customer")
		self.assertEqual(frappe.db.get_value(NOTE, self.notes["sales"], "scope"), "sales")

	def test_sharing_outside_the_audience_is_refused(self):
		from frappe.share import add as share

		frappe.set_user("Administrator")
		with self.assertRaises(frappe.PermissionError):
			share(NOTE, self.notes["finance"], self.users["Sales User"])
		share(NOTE, self.notes["sales"], self.users["Sales User"])  # already in the audience: fine

	def test_tags_on_the_customer(self):
		self.as_user("Sales User")
		self.assertIn("vip-lead", notes.add_tag(self.customer, "vip-lead"))
		self.assertIn("vip-lead", notes.get_notes(self.customer)["tags"])
		self.assertNotIn("vip-lead", notes.remove_tag(self.customer, "vip-lead"))
		with self.assertRaises(frappe.ValidationError):
			notes.add_tag(self.customer, "a,b")


class TestInteractionsTasksAndMore(C360TestCase):
	def setUp(self):
		super().setUp()
		frappe.set_user("Administrator")
		self.customer = make_customer()
		self.sales = make_user(["Sales User"])

	def test_interaction_is_attributed_and_creates_follow_up_task(self):
		frappe.set_user(self.sales)
		doc = interactions.log_interaction(
			self.customer,
			"Call",
			"Discussed renewal",
			outcome="Positive",
			next_follow_up=add_days(nowdate(), 5),
		)
		self.assertEqual(doc["logged_by"], self.sales)
		self.assertEqual(doc["interaction_type"], "call")
		task = frappe.get_doc(
			"ToDo", frappe.db.get_value("Customer Interaction", doc["name"], "follow_up_task")
		)
		self.assertEqual((task.reference_name, task.allocated_to), (self.customer, self.sales))
		self.assertEqual([i.name for i in interactions.get_interactions(self.customer)], [doc["name"]])
		wait_for_jobs()
		kinds = {e["kind"] for e in get_timeline(self.customer)["events"]}
		self.assertLessEqual({"interaction_logged", "task_created", "task_due"}, kinds)
		with self.assertRaisesRegex(frappe.ValidationError, "unknown interaction type"):
			interactions.log_interaction(self.customer, "telepathy", "x")
		with self.assertRaisesRegex(frappe.ValidationError, "summary"):
			interactions.log_interaction(self.customer, "call", "  ")

	def test_tasks_open_and_overdue(self):
		frappe.set_user(self.sales)
		interactions.create_task(self.customer, "Send brochure", due_date=add_days(nowdate(), -2))
		interactions.create_task(self.customer, "Call again", assignee="Administrator")
		got = interactions.get_tasks(self.customer)
		self.assertEqual(len(got["open"]), 2)
		self.assertEqual(got["overdue"], 1)
		with self.assertRaises(frappe.ValidationError):
			interactions.create_task(self.customer, "x", assignee="nobody@nowhere.invalid")
		with self.assertRaises(frappe.ValidationError):
			interactions.create_task(self.customer, "x", due_date="not a date")

	def test_referrals_both_ways(self):
		referred = make_customer(c360_referred_by=self.customer)
		frappe.set_user(self.sales)
		self.assertEqual([r.name for r in interactions.get_referrals(self.customer)["referred"]], [referred])
		self.assertEqual(interactions.get_referrals(referred)["referred_by"]["name"], self.customer)

	def test_files_of_customer_and_its_documents(self):
		inv = erp.sales_invoice(self.customer, rate=10)
		for doctype, name in (("Customer", self.customer), ("Sales Invoice", inv.name)):
			frappe.get_doc(
				{"doctype": "File", "file_name": f"{doctype}.txt", "content": b"x", "is_private": 1,
				 "attached_to_doctype": doctype, "attached_to_name": name}
			).insert(ignore_permissions=True)  # fmt: skip
		frappe.set_user(make_user(["Accounts User"]))  # reads customers and invoices
		self.assertEqual(
			{f.attached_to_doctype for f in interactions.get_files(self.customer)},
			{"Customer", "Sales Invoice"},
		)
		stock = make_user(["Stock User"])  # may read customers, not invoices
		frappe.set_user(stock)
		self.assertEqual({f.attached_to_doctype for f in interactions.get_files(self.customer)}, {"Customer"})

	def test_audit_shows_create_edit_delete_within_scope(self):
		frappe.set_user(self.sales)
		sales_note = notes.add_note(self.customer, "v1", scope="sales")["name"]
		notes.update_note(sales_note, content="v2")
		frappe.set_user("Administrator")
		finance_note = notes.add_note(self.customer, "secret", scope="finance")["name"]
		notes.delete_note(finance_note)
		frappe.set_user(self.sales)
		notes.delete_note(sales_note)  # authors may withdraw their own notes
		trail = [(e["action"], e["docname"]) for e in interactions.get_audit(self.customer)]
		self.assertIn(("deleted", sales_note), trail)
		self.assertNotIn(("deleted", finance_note), trail)  # the sales user never was its audience
		frappe.set_user("Administrator")
		trail = [(e["action"], e["docname"]) for e in interactions.get_audit(self.customer)]
		self.assertIn(("deleted", finance_note), trail)
		# edits are tracked while the note lives
		frappe.set_user(self.sales)
		kept = notes.add_note(self.customer, "v1", scope="sales")["name"]
		notes.update_note(kept, content="v2")
		trail = interactions.get_audit(self.customer)
		actions = {(e["action"], e["docname"]): e for e in trail}
		self.assertEqual(actions[("created", kept)]["actor"], self.sales)
		self.assertIn(("edited", kept), actions, trail)
		self.assertEqual(actions[("edited", kept)]["actor"], self.sales)
		self.assertIn("content", actions[("edited", kept)]["fields"])

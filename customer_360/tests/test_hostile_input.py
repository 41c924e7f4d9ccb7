"""Hostile input and permission edges on the server (issue 15): echoed values are escaped, roll-ups and tasks
respect the reader, assistant settings are a System Manager's, bad input is a clear 4xx, and a note's
current scope decides at once."""

from unittest.mock import patch

import frappe
from frappe.utils import add_days, nowdate

from customer_360 import indexer
from customer_360.api import directory, interactions, next_steps, notes, overview, risk
from customer_360.api.timeline import get_timeline
from customer_360.indexer.repair import reconcile_since
from customer_360.permissions import check_customer_read
from customer_360.tests import erp
from customer_360.tests.utils import C360TestCase, make_customer, make_user

HOSTILE = '<img src=x onerror="window.__x=1">'
SETTINGS = "Customer 360 Settings"


def _message_of(fn, *args, **kwargs) -> tuple[type, str]:
	frappe.clear_messages()
	try:
		fn(*args, **kwargs)
	except Exception as e:
		return type(e), str(e) + " " + " ".join(str(m) for m in frappe.get_message_log())
	raise AssertionError(f"{fn.__name__} did not refuse")


class TestEchoedValuesAreEscaped(C360TestCase):
	def test_unknown_customer_is_escaped_in_the_message(self):
		kind, text = _message_of(check_customer_read, HOSTILE)
		self.assertTrue(issubclass(kind, frappe.DoesNotExistError))
		self.assertNotIn("<img", text)
		self.assertIn("&lt;img", text)

	def test_bad_timeline_argument_is_escaped(self):
		customer = make_customer()
		kind, text = _message_of(get_timeline, customer, event_types=HOSTILE)
		self.assertTrue(issubclass(kind, frappe.ValidationError))
		self.assertNotIn("<img", text)

	def test_merged_into_is_said_only_to_who_may_read_the_survivor(self):
		survivor = make_customer()
		other = make_customer()
		user = make_user(["Sales User"])
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": other}
		).insert(ignore_permissions=True)
		with patch("customer_360.facts.merges.resolve_customer", return_value=survivor):
			frappe.set_user("Administrator")
			_, text = _message_of(check_customer_read, "Gone Customer XYZ")
			self.assertIn(survivor, text)  # positive control: a reader of the survivor is told
			frappe.set_user(user)
			kind, text = _message_of(check_customer_read, "Gone Customer XYZ")
		self.assertTrue(issubclass(kind, frappe.DoesNotExistError))
		self.assertNotIn(survivor, text)


class TestRollUpRespectsPermissions(C360TestCase):
	def test_parent_money_and_trend_include_only_readable_children(self):
		parent = make_customer()
		seen_child = make_customer(c360_parent_customer=parent)
		hidden_child = make_customer(c360_parent_customer=parent)
		erp.sales_invoice(seen_child, rate=100)
		erp.sales_invoice(hidden_child, rate=1000)
		user = make_user(["Accounts User", "Sales User"])
		for name in (parent, seen_child):
			frappe.get_doc(
				{"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": name}
			).insert(ignore_permissions=True)

		frappe.set_user("Administrator")  # positive control: an unrestricted reader gets the whole family
		self.assertEqual(set(overview.get_money(parent)["customers"]), {parent, seen_child, hidden_child})
		self.assertEqual(sum(directory.get_sales_trend(parent)["values"]), 1100)

		frappe.set_user(user)
		self.assertEqual(overview.get_money(parent)["customers"], [parent, seen_child])
		self.assertEqual(sum(directory.get_sales_trend(parent)["values"]), 100)


class TestTasksAndInput(C360TestCase):
	def test_task_only_for_a_user_who_may_read_the_customer(self):
		customer = make_customer()
		outsider = make_user(["Sales User"])
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": outsider,
				"allow": "Customer",
				"for_value": make_customer(),
			}
		).insert(ignore_permissions=True)
		insider = make_user(["Sales User"])
		self.assertRaises(frappe.PermissionError, interactions.create_task, customer, "Call them", outsider)
		task = interactions.create_task(customer, "Call them", insider)  # positive control
		self.assertEqual(task["allocated_to"], insider)

	def test_a_finance_suggestion_is_dismissed_only_by_who_may_see_it(self):
		customer = make_customer()
		frappe.set_user(make_user(["Sales User"]))
		self.assertRaises(
			frappe.PermissionError, next_steps.dismiss_suggestion, customer, "payment_reminder", "not now"
		)
		frappe.set_user(make_user(["Accounts Manager", "Sales User"]))
		# positive control: past the capability, the finance user is told there is nothing to dismiss
		kind, _ = _message_of(next_steps.dismiss_suggestion, customer, "payment_reminder", "not now")
		self.assertFalse(issubclass(kind, frappe.PermissionError))
		self.assertTrue(issubclass(kind, frappe.ValidationError))

	def test_bad_input_is_a_validation_error_with_an_escaped_message(self):
		customer = make_customer()
		cases = [
			(interactions.create_task, (customer, "x"), {"due_date": HOSTILE}),
			(interactions.create_task, (customer, "x"), {"assignee": HOSTILE}),
			(interactions.log_interaction, (customer, "call", "x"), {"interaction_time": "2026-13-45 99:99"}),
			(interactions.log_interaction, (customer, "call", "x"), {"next_follow_up": "not a date"}),
			(interactions.log_interaction, (customer, "call", "x" * 30_000), {}),
			(notes.add_note, (customer, "x" * 30_000), {}),
			(notes.add_note, (customer, "x"), {"scope": HOSTILE}),
			(risk.raise_flag, (customer, HOSTILE, "x"), {}),
			(risk.raise_flag, (customer, "manual_flag", "x"), {"evidence": "[{not json"}),
			(risk.raise_flag, (customer, "manual_flag", "x"), {"evidence": '{"a": 1}'}),
			(risk.raise_flag, (customer, "manual_flag", "x"), {"evidence": [["Customer", customer]] * 500}),
			(risk.raise_flag, (customer, "manual_flag", "x"), {"expires_on": HOSTILE}),
			(risk.raise_flag, (customer, "manual_flag", "x" * 30_000), {}),
		]
		for fn, args, kwargs in cases:
			with self.subTest(fn=fn.__name__, kwargs=kwargs):
				kind, text = _message_of(fn, *args, **kwargs)
				self.assertTrue(issubclass(kind, frappe.ValidationError), kind)
				self.assertNotIn("<img", text)
		self.assertFalse(frappe.db.exists("Customer Interaction", {"customer": customer}))
		self.assertFalse(frappe.db.exists("Customer Risk Flag", {"customer": customer}))

	def test_evidence_does_not_tell_whether_a_document_exists(self):
		customer = make_customer()
		missing = [["Sales Invoice", "NO-SUCH-INVOICE-1"]]
		kind, text = _message_of(risk.raise_flag, customer, "manual_flag", "x", evidence=missing)
		self.assertTrue(issubclass(kind, frappe.PermissionError))  # the same answer as "not yours"
		self.assertNotIn("does not exist", text)
		invoice = erp.sales_invoice(customer, rate=10).name  # positive control: a readable document is cited
		flag = risk.raise_flag(customer, "manual_flag", "x", evidence=[["Sales Invoice", invoice]])
		self.assertEqual(flag["customer"], customer)


class TestAssistantSettings(C360TestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		settings = frappe.get_single(SETTINGS)
		settings.assistant_url = ""
		settings.assistant_api_key = ""
		settings.assistant_timeout = 20
		settings.save()
		super().tearDown()

	def test_only_http_urls_and_a_new_url_drops_the_key(self):
		settings = frappe.get_single(SETTINGS)
		settings.assistant_url = "file:///etc/passwd"
		self.assertRaises(frappe.ValidationError, settings.save)
		settings = frappe.get_single(SETTINGS)
		settings.assistant_url = "https://model.example.com/v1"
		settings.assistant_api_key = "sk-secret"
		settings.save()
		self.assertEqual(settings.get_password("assistant_api_key"), "sk-secret")  # positive control
		settings = frappe.get_single(SETTINGS)
		settings.assistant_url = "https://attacker.example.com/v1"
		settings.save()
		settings = frappe.get_single(SETTINGS)
		self.assertFalse(settings.get_password("assistant_api_key", raise_exception=False))

	def test_timeout_is_capped(self):
		settings = frappe.get_single(SETTINGS)
		settings.assistant_timeout = 3600
		self.assertRaises(frappe.ValidationError, settings.save)

	def test_a_customer_360_manager_cannot_set_the_assistant(self):
		manager = make_user(["Customer 360 Manager"])
		frappe.set_user(manager)
		settings = frappe.get_single(SETTINGS)
		settings.dormant_days = 91  # positive control: the rest of the page is theirs
		settings.assistant_url = "https://attacker.example.com/v1"
		settings.save()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_single_value(SETTINGS, "dormant_days"), 91)
		self.assertFalse(frappe.db.get_single_value(SETTINGS, "assistant_url"))
		frappe.db.set_single_value(SETTINGS, "dormant_days", 90)


class TestNoteEdges(C360TestCase):
	def test_a_narrowed_note_leaves_the_old_audience_at_once(self):
		customer = make_customer()
		sales = make_user(["Sales User"])
		note = notes.add_note(customer, "moving note zqmovezq", scope="internal")["name"]
		indexer.index_documents([("Customer Note", note)])  # the index has it in the internal scope
		frappe.set_user(sales)
		seen = lambda: {e.source_name for e in get_timeline(customer)["events"]}  # noqa: E731
		self.assertIn(note, seen())  # positive control: the internal audience sees it
		frappe.set_user("Administrator")
		notes.update_note(note, scope="restricted")  # the index still says internal until its job runs
		frappe.set_user(sales)
		self.assertNotIn(note, seen())

	def test_author_name_is_the_servers(self):
		customer = make_customer()
		doc = frappe.get_doc(
			{"doctype": "Customer Note", "customer": customer, "content": "x", "author_name": "The CEO"}
		).insert()
		self.assertEqual(doc.author_name, frappe.utils.get_fullname("Administrator"))

	def test_a_note_is_never_shared_with_everyone(self):
		customer = make_customer()
		note = notes.add_note(customer, "secret", scope="restricted")["name"]
		share = frappe.get_doc(
			{
				"doctype": "DocShare",
				"share_doctype": "Customer Note",
				"share_name": note,
				"everyone": 1,
				"read": 1,
			}
		)
		self.assertRaises(frappe.PermissionError, share.insert, ignore_permissions=True)

	def test_reconcile_rereads_a_margin_before_its_bookmark(self):
		bookmark = frappe.utils.get_datetime("2026-01-01 12:00:00")
		since = reconcile_since(bookmark)
		self.assertLess(since, bookmark)
		self.assertGreaterEqual((bookmark - since).total_seconds(), 300)
		self.assertIsNone(reconcile_since(None))

"""Next steps, briefing and digests on a real site: each rule fires on the customers seeded for it and stays
silent on the look-alikes (an overdue invoice paid this morning is never chased), accept makes a ToDo, dismiss
records who and why, the briefing follows the data and the user's capabilities, the assistant path runs
against a local stand-in (including its failures), and the digest goes through the email queue."""

from __future__ import annotations

import email
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from unittest.mock import patch

import frappe
from frappe.utils import add_days, getdate, now_datetime, nowdate
from frappe.utils.password import set_encrypted_password

from customer_360.api import next_steps as api
from customer_360.assistant import model as assistant
from customer_360.core import next_steps as core
from customer_360.next_steps import digest
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.utils import C360TestCase, make_customer, make_user

SETTINGS = "Customer 360 Settings"
DECISION = "Customer Suggestion Decision"
SCORE = "Customer Health Score"
# Sees money and health (Sales Manager + Accounts User), reads invoices, quotations, cases and contracts.
MANAGER_ROLES = ["Sales Manager", "Accounts User", "Support Team"]


def rules_of(customer: str) -> list[str]:
	return [s["rule"] for s in api.get_suggestions(customer)["suggestions"]]


def suggestion(customer: str, rule: str) -> dict:
	found = [s for s in api.get_suggestions(customer)["suggestions"] if s["rule"] == rule]
	assert len(found) == 1, rules_of(customer)
	return found[0]


def old_customer(days: int = 400) -> str:
	"""A customer created `days` ago (quiet since then, unless something happens)."""
	name = make_customer()
	frappe.db.set_value("Customer", name, "creation", add_days(now_datetime(), -days), update_modified=False)
	return name


def quotation(customer: str, days_ago: int) -> str:
	day = add_days(nowdate(), -days_ago)
	doc = frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": customer,
			"company": erp.company(),
			"transaction_date": day,
			"valid_till": add_days(day, 90),
			"items": [{"item_code": erp.item(), "qty": 1, "rate": 300}],
		}
	).insert(ignore_permissions=True)
	doc.submit()
	return doc.name


def overdue_invoice(customer: str, rate: float = 500, days_overdue: int = 20):
	return erp.sales_invoice(customer, rate=rate, posting_date=add_days(nowdate(), -(30 + days_overdue)))


def issue(customer: str, days_open: int) -> str:
	doc = erp.issue(customer)
	frappe.db.set_value("Issue", doc.name, "opening_date", add_days(nowdate(), -days_open))
	return doc.name


def contract(customer: str, ends_in: int) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Contract",
				"party_type": "Customer",
				"party_name": customer,
				"contract_terms": "Support and maintenance",
				"start_date": add_days(nowdate(), -300),
				"end_date": add_days(nowdate(), ends_in),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def health_scores(customer: str, scores: dict[int, int]) -> None:
	"""{days ago: score}; replaces the customer's stored scores."""
	frappe.db.delete(SCORE, {"customer": customer})
	for days_ago, score in scores.items():
		frappe.get_doc(
			{
				"doctype": SCORE,
				"customer": customer,
				"score_date": add_days(nowdate(), -days_ago),
				"score": score,
				"band": "green" if score >= 70 else "yellow" if score >= 40 else "red",
				"factors": "[]",
			}
		).insert(ignore_permissions=True)


def exchange_rates() -> None:
	"""Invoices dated months back need a price-list exchange rate for their date; the test site has no network
	to fetch one, so record one (dated long ago: ERPNext takes the latest record on or before the date)."""
	company_currency = frappe.db.get_value("Company", erp.company(), "default_currency")
	for price_list_currency in set(frappe.get_all("Price List", filters={"selling": 1}, pluck="currency")):
		if not price_list_currency or price_list_currency == company_currency:
			continue
		for a, b in ((price_list_currency, company_currency), (company_currency, price_list_currency)):
			if not frappe.db.exists("Currency Exchange", {"from_currency": a, "to_currency": b}):
				frappe.get_doc(
					{
						"doctype": "Currency Exchange",
						"date": add_days(nowdate(), -3 * 365),
						"from_currency": a,
						"to_currency": b,
						"exchange_rate": 1,
						"for_selling": 1,
						"for_buying": 1,
					}
				).insert(ignore_permissions=True)
	frappe.db.commit()


class TestNextSteps(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		exchange_rates()
		cls.manager = make_user(MANAGER_ROLES)
		cls.sales = make_user(["Sales User"])
		c = cls.c = frappe._dict()
		c.quiet = old_customer(200)
		c.quiet_invoice = old_customer(400)
		erp.sales_invoice(c.quiet_invoice, posting_date=add_days(nowdate(), -150))
		c.active = old_customer(400)
		erp.sales_invoice(c.active)  # today, due in 30 days
		c.quoted = old_customer(10)
		cls.stale_quote = quotation(c.quoted, 20)
		cls.fresh_quote = quotation(c.quoted, 3)
		c.replied = old_customer(10)
		frappe.db.set_value("Quotation", quotation(c.replied, 20), "status", "Replied")
		c.overdue = old_customer(10)
		cls.overdue_si = overdue_invoice(c.overdue).name
		c.paid_this_morning = old_customer(10)
		erp.payment_for("Sales Invoice", overdue_invoice(c.paid_this_morning).name)
		c.paid_unmatched = old_customer(10)
		overdue_invoice(c.paid_unmatched, rate=400)
		erp.advance_payment(c.paid_unmatched, 400)  # paid today, not yet matched to the invoice
		c.not_due = old_customer(10)
		erp.sales_invoice(c.not_due, posting_date=add_days(nowdate(), -10))
		c.dropping = old_customer(10)
		c.steady = old_customer(10)
		c.case_old = old_customer(10)
		cls.old_case = issue(c.case_old, 20)
		c.case_new = old_customer(10)
		issue(c.case_new, 2)
		c.renewing = old_customer(10)
		cls.renewal_contract = contract(c.renewing, 40)
		c.far_renewal = old_customer(10)
		contract(c.far_renewal, 200)
		# the briefing's customer: a bit of everything
		c.rich = old_customer(30)
		cls.rich_si = overdue_invoice(c.rich, rate=1234).name
		cls.rich_case = issue(c.rich, 30)
		wait_for_jobs()  # timeline index and risk jobs of the documents above
		health_scores(c.dropping, {10: 85, 0: 55})
		health_scores(c.steady, {10: 80, 0: 76})
		health_scores(c.rich, {20: 90, 1: 60})
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		frappe.set_user(self.manager)

	# ------------------------------------------------------------ each rule, and its look-alikes

	def test_win_back_for_quiet_customers_only(self):
		s = suggestion(self.c.quiet, core.WIN_BACK)
		self.assertIn("No contact for 200 days (created", s["reason"])
		s = suggestion(self.c.quiet_invoice, core.WIN_BACK)
		self.assertIn(f"last activity {add_days(nowdate(), -150)}", s["reason"])  # from the timeline index
		self.assertNotIn(core.WIN_BACK, rules_of(self.c.active))  # invoiced today
		self.assertNotIn(core.WIN_BACK, rules_of(self.c.quoted))  # new customer

	def test_quotation_follow_up_only_for_old_open_quotations(self):
		s = suggestion(self.c.quoted, core.QUOTATION_FOLLOW_UP)
		self.assertEqual([e["name"] for e in s["evidence"]], [self.stale_quote])  # not the 3-day-old one
		self.assertNotIn(core.QUOTATION_FOLLOW_UP, rules_of(self.c.replied))

	def test_payment_reminder_only_when_money_is_still_owed(self):
		s = suggestion(self.c.overdue, core.PAYMENT_REMINDER)
		self.assertEqual([e["name"] for e in s["evidence"]], [self.overdue_si])
		self.assertIn("1 invoice overdue, 500.00", s["reason"])
		for customer in (self.c.paid_this_morning, self.c.paid_unmatched, self.c.not_due, self.c.active):
			with self.subTest(customer=customer):
				self.assertNotIn(core.PAYMENT_REMINDER, rules_of(customer))

	def test_payment_reminder_rechecks_the_balance_when_accepted(self):
		customer = old_customer(10)
		si = overdue_invoice(customer, rate=250)
		frappe.db.commit()
		self.assertIn(core.PAYMENT_REMINDER, rules_of(customer))
		frappe.set_user("Administrator")
		erp.payment_for("Sales Invoice", si.name)  # the customer pays while the suggestion is on screen
		frappe.set_user(self.manager)
		with self.assertRaisesRegex(frappe.ValidationError, "no overdue balance"):
			api.accept_suggestion(customer, core.PAYMENT_REMINDER)
		with self.assertRaises(frappe.ValidationError):
			api.get_draft(customer, core.PAYMENT_REMINDER)
		self.assertFalse(frappe.db.exists("ToDo", {"reference_type": "Customer", "reference_name": customer}))
		self.assertFalse(frappe.db.exists(DECISION, {"customer": customer}))

	def test_health_drop_check_in(self):
		s = suggestion(self.c.dropping, core.HEALTH_CHECK_IN)
		self.assertIn("fell 30 points, from 85", s["reason"])
		self.assertNotIn(core.HEALTH_CHECK_IN, rules_of(self.c.steady))

	def test_support_escalation(self):
		s = suggestion(self.c.case_old, core.SUPPORT_ESCALATION)
		self.assertEqual([e["name"] for e in s["evidence"]], [self.old_case])
		self.assertNotIn(core.SUPPORT_ESCALATION, rules_of(self.c.case_new))

	def test_renewal_conversation(self):
		s = suggestion(self.c.renewing, core.RENEWAL)
		self.assertEqual([e["name"] for e in s["evidence"]], [self.renewal_contract])
		self.assertIn("in 40 days", s["reason"])
		self.assertNotIn(core.RENEWAL, rules_of(self.c.far_renewal))

	def test_sales_user_sees_no_money_or_health_suggestions(self):
		frappe.set_user(self.sales)
		self.assertNotIn(core.PAYMENT_REMINDER, rules_of(self.c.overdue))
		self.assertNotIn(core.HEALTH_CHECK_IN, rules_of(self.c.dropping))
		self.assertIn(core.QUOTATION_FOLLOW_UP, rules_of(self.c.quoted))  # Sales User reads quotations

	def test_settings_switch_a_rule_off(self):
		frappe.db.set_single_value(SETTINGS, "ns_quiet_days", 0)
		try:
			self.assertNotIn(core.WIN_BACK, rules_of(self.c.quiet))
			frappe.db.set_single_value(SETTINGS, "ns_quiet_days", 250)
			self.assertNotIn(core.WIN_BACK, rules_of(self.c.quiet))
			frappe.db.set_single_value(SETTINGS, "ns_quiet_days", 150)
			self.assertIn(core.WIN_BACK, rules_of(self.c.quiet))
		finally:
			frappe.db.set_single_value(SETTINGS, "ns_quiet_days", 90)

	# ------------------------------------------------------------ accept, dismiss

	def test_accept_creates_a_todo_and_a_draft_and_records_the_decision(self):
		customer = old_customer(10)
		quote = quotation(customer, 30)
		frappe.db.commit()
		result = api.accept_suggestion(customer, core.QUOTATION_FOLLOW_UP)
		todo = frappe.get_doc("ToDo", result["todo"])
		self.assertEqual((todo.reference_type, todo.reference_name), ("Customer", customer))
		self.assertEqual(todo.allocated_to, self.manager)
		self.assertEqual(todo.status, "Open")
		self.assertIn(quote, todo.description)
		self.assertIn(quote, result["draft"]["subject"])
		self.assertTrue(result["draft"]["is_draft"])
		self.assertFalse(
			frappe.db.exists(
				"Communication", {"reference_name": customer, "subject": result["draft"]["subject"]}
			)
		)
		decision = frappe.get_all(
			DECISION, filters={"customer": customer}, fields=["decision", "decided_by", "todo"]
		)
		self.assertEqual(decision, [{"decision": "accepted", "decided_by": self.manager, "todo": todo.name}])
		self.assertNotIn(core.QUOTATION_FOLLOW_UP, rules_of(customer))
		with self.assertRaises(frappe.ValidationError):
			api.accept_suggestion(customer, core.QUOTATION_FOLLOW_UP)  # already decided

	def test_accept_assigns_to_the_account_manager_when_asked(self):
		customer = old_customer(300)
		frappe.db.commit()
		result = api.accept_suggestion(customer, core.WIN_BACK, assignee=self.sales)
		self.assertEqual(frappe.db.get_value("ToDo", result["todo"], "allocated_to"), self.sales)
		with self.assertRaises(frappe.ValidationError):
			api.accept_suggestion(old_customer(300), core.WIN_BACK, assignee="nobody@example.com")

	def test_dismiss_records_who_and_why_until_the_evidence_changes(self):
		customer = old_customer(300)
		frappe.db.commit()
		with self.assertRaises(frappe.ValidationError):
			api.dismiss_suggestion(customer, core.WIN_BACK, "  ")
		with self.assertRaises(frappe.ValidationError):
			api.dismiss_suggestion(customer, "make_coffee", "because")
		api.dismiss_suggestion(customer, core.WIN_BACK, "Moved to a competitor, no point")
		row = frappe.get_all(
			DECISION, filters={"customer": customer}, fields=["decision", "decided_by", "reason"]
		)
		self.assertEqual(
			row,
			[
				{
					"decision": "dismissed",
					"decided_by": self.manager,
					"reason": "Moved to a competitor, no point",
				}
			],
		)
		self.assertNotIn(core.WIN_BACK, rules_of(customer))
		# new evidence (an older "last seen"): the suggestion is back
		frappe.db.set_value(
			"Customer", customer, "creation", add_days(now_datetime(), -320), update_modified=False
		)
		self.assertIn(core.WIN_BACK, rules_of(customer))

	def test_api_checks_the_customer_first(self):
		frappe.set_user(make_user(["Purchase User"]))  # no Customer read
		for call in (
			lambda: api.get_suggestions(self.c.quiet),
			lambda: api.accept_suggestion(self.c.quiet, core.WIN_BACK),
			lambda: api.dismiss_suggestion(self.c.quiet, core.WIN_BACK, "x"),
			lambda: api.get_briefing(self.c.quiet),
			lambda: api.save_briefing_as_note(self.c.quiet),
		):
			with self.assertRaises(frappe.PermissionError):
				call()
		frappe.set_user(self.manager)
		with self.assertRaises(frappe.DoesNotExistError):
			api.get_suggestions("No Such Customer 360")

	# ------------------------------------------------------------ briefing

	def test_briefing_for_a_manager_has_money_health_and_cases(self):
		b = api.get_briefing(self.c.rich)
		self.assertEqual(b["source"], "rules")
		keys = [s["key"] for s in b["sections"]]
		self.assertEqual(keys, list(core.BRIEFING_SECTIONS))
		text = b["text"]
		self.assertIn("outstanding 1,234.00", text)
		self.assertIn("Score 60 (yellow)", text)
		self.assertIn(self.rich_case, text)
		self.assertIn("C360 Service: 1 units", text)
		self.assertIn("Send a payment reminder: 1 invoice overdue, 1,234.00", text)
		self.assertIn("Check-in call", text)
		self.assertEqual(b["footer"], "")

	def test_briefing_for_a_sales_user_has_no_money_or_health(self):
		frappe.set_user(self.sales)
		b = api.get_briefing(self.c.rich)
		keys = [s["key"] for s in b["sections"]]
		self.assertNotIn("money", keys)
		self.assertNotIn("health", keys)
		self.assertNotIn("1,234", b["text"])
		self.assertNotIn("Score 60", b["text"])
		self.assertNotIn("payment reminder", b["text"].lower())
		self.assertIn("money", b["footer"])
		self.assertIn(frappe.db.get_value("Customer", self.c.rich, "customer_name"), b["text"])

	def test_briefing_is_deterministic(self):
		self.assertEqual(api.get_briefing(self.c.rich)["text"], api.get_briefing(self.c.rich)["text"])

	def test_briefing_note_says_only_what_its_readers_may_see(self):
		internal = api.save_briefing_as_note(self.c.rich)
		content = frappe.db.get_value("Customer Note", internal["note"], "content")
		self.assertEqual(internal["scope"], "internal")
		self.assertIn("Open cases", content)
		# Sales Users read internal notes and may not see money or health
		self.assertNotIn("1,234", content)
		self.assertNotIn("Money position", content)
		self.assertNotIn("Score 60", content)
		# Stock Manager reads finance-scope notes without the finance capability (default settings): no money
		finance = api.save_briefing_as_note(self.c.rich, scope="finance")
		self.assertNotIn("1,234", frappe.db.get_value("Customer Note", finance["note"], "content"))
		# only System Manager and Customer 360 Manager read restricted notes, and both see money and health
		frappe.set_user(make_user(["Customer 360 Manager", *MANAGER_ROLES]))
		restricted = api.save_briefing_as_note(self.c.rich, scope="restricted")
		content = frappe.db.get_value("Customer Note", restricted["note"], "content")
		self.assertIn("outstanding 1,234.00", content)
		self.assertIn("Score 60 (yellow)", content)
		frappe.set_user(self.manager)
		with self.assertRaises(frappe.ValidationError):
			api.save_briefing_as_note(self.c.rich, scope="customer")  # never on the customer's portal
		frappe.set_user(self.sales)
		self.assertIn(
			internal["note"],
			{n["name"] for n in frappe.get_list("Customer Note", filters={"customer": self.c.rich})},
		)


class _StandIn(BaseHTTPRequestHandler):
	mode = "ok"
	requests: ClassVar[list] = []

	def do_POST(self):
		body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
		type(self).requests.append(
			{"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
		)
		if self.mode == "slow":
			time.sleep(3)
		if self.mode == "error":
			self.send_response(500)
			self.end_headers()
			self.wfile.write(b"boom")
			return
		reply = (
			"Subject: Checking in\n\nHello from the stand-in."
			if "Draft a short" in body["messages"][1]["content"]
			else "STAND-IN BRIEFING\n\nAll good."
		)
		if self.mode == "huge":
			reply = "x" * (1024 * 1024)  # a megabyte of "briefing"
		if self.mode == "garbage":
			payload = b"{not json"
		else:
			payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]}).encode()
		self.send_response(200)
		self.send_header("Content-Type", "application/json")
		self.end_headers()
		try:
			self.wfile.write(payload)
		except BrokenPipeError:
			pass

	def log_message(self, *args):
		pass


class TestAssistant(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		exchange_rates()
		cls.server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
		cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
		cls.thread.start()
		cls.manager = make_user(MANAGER_ROLES)
		cls.sales = make_user(["Sales User"])
		cls.customer = old_customer(200)
		cls.si = overdue_invoice(cls.customer, rate=777, days_overdue=100).name  # quiet for 130 days too
		wait_for_jobs()
		cls._set(
			assistant_url=f"http://127.0.0.1:{cls.server.server_port}/v1/",
			assistant_model="stand-in-1",
			assistant_timeout=1,
		)
		set_encrypted_password(SETTINGS, SETTINGS, "sekret-key", "assistant_api_key")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		cls._set(assistant_url="", assistant_model="", assistant_timeout=20)
		frappe.db.commit()
		cls.server.shutdown()
		cls.server.server_close()
		super().tearDownClass()

	@staticmethod
	def _set(**values):
		for field, value in values.items():
			frappe.db.set_single_value(SETTINGS, field, value)

	def setUp(self):
		super().setUp()
		_StandIn.mode = "ok"
		_StandIn.requests = []

	def test_an_oversized_reply_is_refused(self):
		_StandIn.mode = "huge"
		with self.assertRaises(assistant.AssistantUnavailable) as e:
			assistant.complete([{"role": "system", "content": "x"}, {"role": "user", "content": "x"}])
		self.assertIn("kB", str(e.exception))
		_StandIn.mode = "ok"  # positive control: a normal reply goes through
		self.assertIn(
			"STAND-IN",
			assistant.complete([{"role": "system", "content": "x"}, {"role": "user", "content": "x"}]),
		)

	def test_model_calls_are_rate_limited_per_user(self):
		frappe.set_user(make_user(MANAGER_ROLES))  # a user with no calls counted yet
		messages = [{"role": "system", "content": "x"}, {"role": "user", "content": "x"}]
		with patch.object(assistant, "CALLS_PER_MINUTE", 2), patch.object(assistant, "CALLS_PER_DAY", 1000):
			assistant.complete(messages)
			assistant.complete(messages)
			self.assertRaises(assistant.AssistantUnavailable, assistant.complete, messages)
		self.assertEqual(len(_StandIn.requests), 2)  # the third never reached the model

	def test_model_briefing_is_a_draft_fed_only_what_the_user_may_see(self):
		frappe.set_user(self.sales)
		b = api.get_briefing(self.customer, use_model=True)
		self.assertEqual(b["source"], "model")
		self.assertEqual(b["text"], "STAND-IN BRIEFING\n\nAll good.\n")
		self.assertTrue(b["is_draft"])
		self.assertIn("review", b["notice"])
		(request,) = _StandIn.requests
		self.assertEqual(request["path"], "/v1/chat/completions")
		self.assertEqual(request["auth"], "Bearer sekret-key")
		self.assertEqual(request["body"]["model"], "stand-in-1")
		sent = json.dumps(request["body"])
		self.assertIn(frappe.db.get_value("Customer", self.customer, "customer_name"), sent)
		self.assertNotIn("777", sent)  # no money for a sales user, not even to the model
		self.assertNotIn(self.si, sent)
		frappe.set_user(self.manager)
		api.get_briefing(self.customer, use_model=True)
		self.assertIn("777", json.dumps(_StandIn.requests[-1]["body"]))

	def test_failures_fall_back_to_the_standard_briefing_with_a_notice(self):
		frappe.set_user(self.manager)
		standard = api.get_briefing(self.customer)["text"]
		for mode, words in (("error", "HTTP 500"), ("slow", "within 1 seconds"), ("garbage", "could not")):
			with self.subTest(mode=mode):
				_StandIn.mode = mode
				started = time.monotonic()
				b = api.get_briefing(self.customer, use_model=True)
				self.assertLess(time.monotonic() - started, 2.9)
				self.assertEqual(b["source"], "rules")
				self.assertEqual(b["text"], standard)
				self.assertIn(words, b["notice"])

	def test_not_configured_is_a_notice_too(self):
		frappe.set_user(self.manager)
		self._set(assistant_url="")
		try:
			b = api.get_briefing(self.customer, use_model=True)
		finally:
			self._set(assistant_url=f"http://127.0.0.1:{self.server.server_port}/v1/")
		self.assertEqual(b["source"], "rules")
		self.assertIn("No assistant is configured", b["notice"])
		self.assertEqual(_StandIn.requests, [])

	def test_model_draft_and_note(self):
		frappe.set_user(self.manager)
		d = api.get_draft(self.customer, core.WIN_BACK, use_model=True)
		self.assertEqual((d["source"], d["subject"]), ("model", "Checking in"))
		self.assertEqual(d["message"], "Hello from the stand-in.\n")
		_StandIn.mode = "error"
		d = api.get_draft(self.customer, core.PAYMENT_REMINDER, use_model=True)
		self.assertEqual(d["source"], "rules")
		self.assertIn(self.si, d["message"])
		self.assertIn("HTTP 500", d["notice"])
		_StandIn.mode = "ok"
		saved = api.save_briefing_as_note(self.customer, use_model=True)
		content = frappe.db.get_value("Customer Note", saved["note"], "content")
		self.assertEqual(saved["source"], "model")
		self.assertIn("STAND-IN BRIEFING", content)
		self.assertIn("review", content)
		# the note's readers include Sales Users: the model got no money for it
		self.assertNotIn("777", json.dumps(_StandIn.requests[-1]["body"]))


class TestDigest(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		exchange_rates()
		# frappe.sendmail queues through the default outgoing account; under tests nothing is really sent
		cls.email_account = None
		if not frappe.db.exists("Email Account", {"enable_outgoing": 1, "default_outgoing": 1}):
			cls.email_account = (
				frappe.get_doc(
					{
						"doctype": "Email Account",
						"email_account_name": "C360 Test Outgoing",
						"email_id": "c360-outgoing@example.com",
						"enable_outgoing": 1,
						"default_outgoing": 1,
						"smtp_server": "smtp.example.invalid",
						"password": "not-used",
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		cls.owner = make_user(MANAGER_ROLES)
		cls.sales_owner = make_user(["Sales User"])
		cls.overdue = old_customer(10)
		frappe.db.set_value("Customer", cls.overdue, "account_manager", cls.owner)
		cls.si = overdue_invoice(cls.overdue, rate=640, days_overdue=45).name  # the risk job flags it
		cls.dropping = old_customer(10)
		frappe.db.set_value("Customer", cls.dropping, "account_manager", cls.owner)
		cls.renewing = old_customer(10)
		frappe.db.set_value("Customer", cls.renewing, "account_manager", cls.owner)
		cls.contract = contract(cls.renewing, 30)
		cls.sales_customer = old_customer(10)
		frappe.db.set_value("Customer", cls.sales_customer, "account_manager", cls.sales_owner)
		overdue_invoice(cls.sales_customer, rate=910, days_overdue=45)
		cls.sales_quote = quotation(cls.sales_customer, 20)
		wait_for_jobs(f"customer_360:health:{cls.overdue}")  # the risk job flags the overdue invoice
		health_scores(cls.dropping, {9: 82, 0: 50})
		health_scores(cls.sales_customer, {9: 82, 0: 50})
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		for recipient in (cls.owner, cls.sales_owner):
			for name in frappe.get_all(
				"Email Queue Recipient", filters={"recipient": recipient}, pluck="parent"
			):
				frappe.delete_doc("Email Queue", name, ignore_permissions=True, force=True)
		if cls.email_account:
			frappe.delete_doc("Email Account", cls.email_account, ignore_permissions=True, force=True)
		frappe.db.commit()
		super().tearDownClass()

	def _queued(self, recipient: str, since) -> list[str]:
		names = frappe.get_all(
			"Email Queue Recipient",
			filters={"recipient": recipient, "creation": [">=", since]},
			pluck="parent",
		)
		bodies = []
		for name in names:
			raw = frappe.db.get_value("Email Queue", name, "message")
			msg = email.message_from_string(raw)
			parts = [p.get_payload(decode=True) for p in msg.walk() if p.get_content_type() == "text/html"]
			bodies.append(str(msg["Subject"]) + "\n" + b"".join(parts).decode())
		return bodies

	def test_digest_is_queued_with_the_owners_view(self):
		since = now_datetime()
		result = digest.send_weekly_digests()
		self.assertTrue(result["enabled"])
		self.assertGreaterEqual(result["sent"], 2)
		(body,) = self._queued(self.owner, since)
		self.assertIn("week ending", body)
		self.assertIn("82 → 50 (-32)", body)  # health movement
		self.assertIn(f"Contract {self.contract} ends", body)
		self.assertIn("Send a payment reminder", body)
		self.assertIn("640.00", body)
		self.assertIn("Overdue payment", body)  # the risk job flagged the overdue invoice this week
		(sales_body,) = self._queued(self.sales_owner, since)
		self.assertNotIn("Health movements", sales_body)  # no risk capability
		self.assertNotIn("910", sales_body)  # no finance capability
		self.assertNotIn("payment reminder", sales_body.lower())
		self.assertIn(self.sales_quote, sales_body)  # what a Sales User may see: the quotation follow-up

	def test_switched_off(self):
		frappe.db.set_single_value(SETTINGS, "weekly_digest", 0)
		since = now_datetime()
		try:
			result = digest.send_weekly_digests()
		finally:
			frappe.db.set_single_value(SETTINGS, "weekly_digest", 1)
		self.assertFalse(result["enabled"])
		self.assertEqual(self._queued(self.owner, since), [])

	def test_scheduled_weekly(self):
		hooks = frappe.get_hooks("scheduler_events")
		self.assertIn("customer_360.next_steps.digest.send_weekly_digests", hooks.get("weekly_long", []))
		self.assertEqual(
			getdate(nowdate()), getdate(digest.digest_data(self.owner, nowdate())["week_ending"])
		)

"""Ask with a model, against a stand-in OpenAI-compatible server in this process: the prompt holds only what the
asking user may see (captured and searched), the record is fenced as data, citations the context does not hold
are dropped, failures fall back to the deterministic answer, and every call is logged without its content."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from unittest.mock import patch

import frappe
from frappe.utils.password import set_encrypted_password

from customer_360.api import ask as api
from customer_360.api import next_steps as next_steps_api
from customer_360.assistant import model
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.test_ask import ask_fixture
from customer_360.tests.test_next_steps import MANAGER_ROLES
from customer_360.tests.utils import C360TestCase, make_customer, make_user

SETTINGS = "Customer 360 Settings"
LOG = "Customer 360 Assistant Log"
QUESTION = "What should I raise on Friday's call?"
REPLY = "They have an open quotation. [ref 1]\nAsk about the pump. [ref 999]"


class _StandIn(BaseHTTPRequestHandler):
	mode = "ok"
	reply = REPLY
	requests: ClassVar[list] = []

	def do_POST(self):
		body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
		type(self).requests.append(body)
		if self.mode == "slow":
			time.sleep(3)
		if self.mode == "error":
			self.send_response(500)
			self.end_headers()
			self.wfile.write(b"boom")
			return
		if self.mode == "garbage":
			payload = b"<html>not json"
		else:
			content = "" if self.mode == "empty" else self.reply
			payload = json.dumps(
				{
					"choices": [{"message": {"role": "assistant", "content": content}}],
					"usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
				}
			).encode()
		self.send_response(200)
		self.send_header("Content-Type", "application/json")
		self.end_headers()
		try:
			self.wfile.write(payload)
		except BrokenPipeError:
			pass

	def log_message(self, *args):
		pass


def prompt_of(body: dict) -> str:
	return "\n".join(m["content"] for m in body["messages"])


class TestAssistantModel(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.f = ask_fixture()
		cls.server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
		threading.Thread(target=cls.server.serve_forever, daemon=True).start()
		for field, value in (
			("assistant_url", f"http://127.0.0.1:{cls.server.server_port}/v1"),
			("assistant_model", "stand-in-ask"),
			("assistant_timeout", 1),
		):
			frappe.db.set_single_value(SETTINGS, field, value)
		set_encrypted_password(SETTINGS, SETTINGS, "ask-key", "assistant_api_key")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value(SETTINGS, "assistant_url", "")
		frappe.db.set_single_value(SETTINGS, "assistant_model", "")
		frappe.db.commit()
		cls.server.shutdown()
		cls.server.server_close()
		super().tearDownClass()

	def setUp(self):
		super().setUp()
		_StandIn.mode = "ok"
		_StandIn.reply = REPLY
		_StandIn.requests = []

	def ask_as(self, user: str, question: str = QUESTION) -> tuple[dict, str]:
		frappe.set_user(user)
		answer = api.ask(self.f.customer, question)
		return answer, prompt_of(_StandIn.requests[-1]) if _StandIn.requests else ""

	def test_a_sales_users_prompt_holds_only_what_they_may_see(self):
		answer, prompt = self.ask_as(self.f.sales)
		self.assertEqual(answer["source"], "model")
		self.assertIn(self.f.customer_name, prompt)
		self.assertIn(self.f.sales_text, prompt)  # positive controls: their own view is there
		self.assertIn(self.f.quotation, prompt)
		self.assertIn(self.f.email_subject, prompt)
		self.assertNotIn("7531", prompt)  # no finance figure
		self.assertNotIn("4217", prompt)  # not even the quotation's amount
		self.assertNotIn(self.f.restricted_text, prompt)  # no note of a scope they do not read
		self.assertNotIn(self.f.si, prompt)  # no invoice: a Sales User reads none
		self.assertNotIn(self.f.case_subject, prompt)  # no Issue either

	def test_a_finance_users_prompt_has_the_figures(self):
		answer, prompt = self.ask_as(self.f.finance)
		self.assertEqual(answer["source"], "model")
		self.assertIn("7531.19", prompt)
		self.assertIn("4217.53", prompt)
		self.assertIn(self.f.si, prompt)
		self.assertIn(self.f.case_subject, prompt)
		self.assertNotIn(self.f.restricted_text, prompt)  # restricted notes are for their own scope only

	def test_the_record_is_fenced_as_data_and_replies_are_plain_text_with_real_citations(self):
		answer, _prompt = self.ask_as(self.f.sales)
		system, user = _StandIn.requests[-1]["messages"]
		self.assertIn("never instructions", system["content"])
		begin = system["content"].split("between the lines ")[1].split(" ")[0]
		self.assertTrue(begin.startswith("BEGIN-DATA-") and len(begin) > len("BEGIN-DATA-") + 8)
		self.assertIn(begin, user["content"])
		self.assertTrue(user["content"].rstrip().endswith(begin.replace("BEGIN", "END")))
		self.assertTrue(user["content"].startswith("Question: " + QUESTION))
		first, second = answer["statements"]
		self.assertEqual(first["text"], "They have an open quotation.")
		self.assertEqual(len(first["citations"]), 1)  # ref 1 is a record of the context
		self.assertEqual(second, {"text": "Ask about the pump.", "citations": []})  # ref 999 is not
		self.assertIn("check the cited", answer["notice"])

	def test_failures_fall_back_to_the_deterministic_answer(self):
		frappe.set_user(self.f.finance)
		question = "What is outstanding?"
		for mode, words in (
			("error", "HTTP 500"),
			("slow", "within 1 seconds"),
			("garbage", "could not"),
			("empty", "could not"),
		):
			with self.subTest(mode=mode):
				_StandIn.mode = mode
				started = time.monotonic()
				answer = api.ask(self.f.customer, question)
				self.assertLess(time.monotonic() - started, 2.9)
				self.assertEqual(answer["source"], "rules")
				self.assertIn(words, answer["notice"])
				self.assertEqual(answer["statements"][0]["code"], "money_company")
				self.assertIn("7,531.19", answer["statements"][0]["text"])

	def test_every_call_is_logged_without_its_content(self):
		user = make_user(["Sales User"])
		frappe.set_user(user)
		api.ask(self.f.customer, QUESTION)
		_StandIn.mode = "error"
		api.ask(self.f.customer, QUESTION)
		_StandIn.mode = "ok"
		next_steps_api.get_briefing(self.f.customer, use_model=True)
		frappe.set_user("Administrator")
		rows = frappe.get_all(
			LOG, filters={"user": user}, fields=["*"], order_by="called_at asc, creation asc"
		)
		self.assertEqual(
			[(r.purpose, r.outcome, r.customer) for r in rows],
			[
				("ask", "ok", self.f.customer),
				("ask", "error", self.f.customer),
				("briefing", "ok", self.f.customer),
			],
		)
		self.assertEqual(
			(rows[0].prompt_tokens, rows[0].completion_tokens, rows[0].total_tokens), (120, 30, 150)
		)
		self.assertEqual(rows[0].model, "stand-in-ask")
		self.assertTrue(all(r.latency_ms is not None and r.latency_ms >= 0 for r in rows))
		stored = json.dumps(rows, default=str)
		for content in (
			QUESTION,
			self.f.sales_text,
			self.f.quotation,
			self.f.task_text,
			"open quotation",
		):
			self.assertNotIn(content, stored)
		self.assertIn("500", rows[1].detail)

	def test_rate_limit_falls_back_and_is_logged(self):
		user = make_user(["Sales User"])
		frappe.set_user(user)
		with patch.object(model, "CALLS_PER_MINUTE", 1), patch.object(model, "CALLS_PER_DAY", 1):
			self.assertEqual(api.ask(self.f.customer, QUESTION)["source"], "model")
			answer = api.ask(self.f.customer, "Any open tasks?")
		self.assertEqual(answer["source"], "rules")
		self.assertIn("too often", answer["notice"])
		self.assertEqual(answer["statements"][0]["code"], "tasks_count")
		self.assertEqual(len(_StandIn.requests), 1)
		frappe.set_user("Administrator")
		outcomes = frappe.get_all(LOG, filters={"user": user}, pluck="outcome", order_by="creation asc")
		self.assertEqual(outcomes, ["ok", "rate_limited"])

	def test_use_model_off_and_status(self):
		frappe.set_user(self.f.sales)
		self.assertEqual(api.status(self.f.customer), {"model": True})
		answer = api.ask(self.f.customer, "Any open tasks?", use_model="0")
		self.assertEqual((answer["source"], answer["model_available"]), ("rules", True))
		self.assertEqual(_StandIn.requests, [])

	def test_the_log_is_for_system_managers_only(self):
		frappe.set_user(self.f.finance)
		self.assertFalse(frappe.has_permission(LOG, "read"))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_list(LOG, limit_page_length=1)

	def test_drafts_for_the_briefing_and_email_buttons(self):
		frappe.set_user(self.f.sales)
		b = api.draft_briefing(self.f.customer)
		self.assertEqual((b["source"], b["is_draft"]), ("model", True))
		self.assertEqual(b["text"], "They have an open quotation.\nAsk about the pump.\n")
		self.assertEqual(len(b["citations"]), 1)
		self.assertNotIn("html", b)
		self.assertNotIn("7531", prompt_of(_StandIn.requests[-1]))
		_StandIn.reply = (
			"Subject: Pump follow-up\n\nDear customer,\nabout the pump.\n\nKind regards\n[ref 1, 99]"
		)
		e = api.draft_email(self.f.customer, "the pump manual")
		self.assertEqual((e["source"], e["subject"]), ("model", "Pump follow-up"))
		self.assertEqual(e["message"], "Dear customer,\nabout the pump.\n\nKind regards\n")
		self.assertEqual(len(e["citations"]), 1)  # ref 99 is no record of the context
		self.assertIn("the pump manual", prompt_of(_StandIn.requests[-1]))
		self.assertEqual(frappe.get_all("Communication", filters={"subject": "Pump follow-up"}), [])
		_StandIn.mode = "error"
		b = api.draft_briefing(self.f.customer)
		self.assertEqual(b["source"], "rules")
		self.assertTrue(b["sections"])
		self.assertIn("HTTP 500", b["notice"])
		e = api.draft_email(self.f.customer, "the pump manual")
		self.assertEqual((e["source"], e["message"], e["citations"]), ("rules", "", []))
		self.assertIn("HTTP 500", e["notice"])
		with self.assertRaises(frappe.ValidationError):
			api.draft_email(self.f.customer, "")

	def test_a_thread_summary_from_the_model_is_cached_and_logged(self):
		frappe.set_user(self.f.sales)
		_StandIn.reply = "They asked about delivery. [ref 1]"
		s = api.summarize(self.f.customer, "Communication", self.f.email)
		self.assertEqual((s["source"], s["cached"]), ("model", False))
		self.assertEqual(s["statements"][0]["citations"][0]["name"], self.f.email)
		prompt = prompt_of(_StandIn.requests[-1])
		self.assertIn(self.f.email_subject, prompt)
		self.assertNotIn("7531", prompt)
		self.assertTrue(api.summarize(self.f.customer, "Communication", self.f.email)["cached"])
		self.assertEqual(len(_StandIn.requests), 1)  # the cache answered the second time
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.get_all(LOG, filters={"user": self.f.sales, "purpose": "summary"}, pluck="outcome"), ["ok"]
		)
		# a failure falls back to the extract, and is not cached
		frappe.set_user(self.f.sales)
		_StandIn.mode = "error"
		frappe.set_user("Administrator")
		frappe.db.set_value("Communication", self.f.email, "content", "<p>changed</p>", update_modified=True)
		frappe.set_user(self.f.sales)
		s = api.summarize(self.f.customer, "Communication", self.f.email)
		self.assertEqual(s["source"], "rules")
		self.assertIn("HTTP 500", s["notice"])

	def test_a_company_restricted_users_prompt_holds_nothing_of_the_other_company(self):
		frappe.set_user("Administrator")
		customer = make_customer()
		ours = erp.sales_invoice(customer, rate=5173.37).name
		other = erp.sales_invoice(customer, rate=6482.31, company_name=erp.second_company()).name
		wait_for_jobs()
		frappe.set_user(make_user(MANAGER_ROLES, company=erp.company()))
		answer = api.ask(customer, QUESTION)
		prompt = prompt_of(_StandIn.requests[-1])
		self.assertEqual(answer["source"], "model")
		self.assertIn(ours, prompt)  # positive control: their company's invoice is there
		self.assertIn("5173.37", prompt)
		self.assertNotIn(other, prompt)
		self.assertNotIn("6482", prompt)
		frappe.set_user(self.f.finance)  # not restricted: both
		api.ask(customer, QUESTION)
		self.assertIn(other, prompt_of(_StandIn.requests[-1]))

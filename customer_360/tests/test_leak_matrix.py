"""The leak matrix: every masked figure x every path x each default role.

Figures: finance (an invoice amount, 8765.43, that shows up as a balance, an event amount and inside the
overdue flag's reason) and risk (a flag reason, "zqriskzq", and the health score row). Paths: the 360 APIs,
REST resource (frappe.client), get_list, get_doc, Report View, export, print, sort / filter / group by, global
search and the portfolio reports. For each role the capabilities come from the default settings; a role without
a capability must never see the figure on any path (refused, masked or absent all pass). Positive controls make
sure the matrix can fail: a role with the capability does see the figure where it may read.

The split configurations (Customer 360 Settings rows): a role with risk but not finance reads flags, scores and
suggestion decisions without any amount on any path; a role with finance but not risk sees money and no risk
data; a user limited by a User Permission to another customer sees none of this customer's decisions.
The ownership rule (Customer 360 Settings): the account manager of the customer reads its figures through the
360 APIs without the capability, another customer's account manager does not, and nobody does while it is off.
"""

from __future__ import annotations

import json

import frappe
from frappe.desk.reportview import export_query
from frappe.desk.reportview import get as reportview_get
from frappe.utils import add_days, nowdate

from customer_360.api import health as health_api
from customer_360.api import next_steps as next_steps_api
from customer_360.api import overview
from customer_360.api import risk as risk_api
from customer_360.api.timeline import get_timeline
from customer_360.permissions import get_capabilities
from customer_360.risk_health import job
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.test_risk_health import role_capability
from customer_360.tests.utils import C360TestCase, make_customer, make_user

FLAG, SCORE, EVENT = "Customer Risk Flag", "Customer Health Score", "Customer Timeline Event"
DECISION = "Customer Suggestion Decision"
# Every stored field of a reason or explanation, the finance figures' own field included.
FLAG_FIELDS = ["name", "reason", "reason_code", "reason_params", "reason_figures"]
SCORE_FIELDS = ["name", "score", "explanation", "factors", "explanation_codes", "figures"]
DECISION_FIELDS = ["name", "suggestion_key", "suggestion_reason", "reason_params", "reason_figures"]
AMOUNT = 8765.43
FINANCE_MARKS = ("8765.43", "8,765.43")
RISK_MARK = "zqriskzq"
ROLES = (
	"Sales User",
	"Sales Manager",
	"Accounts User",
	"Accounts Manager",
	"Support Team",
	"Stock User",
	"System Manager",
	"Customer 360 Manager",
)
REFUSED = "refused"
# Paths that return names or counts, not values: seeing the row at all is the leak.
EXISTENCE_PATHS = ("sort", "filter", "group by")


def _text(value) -> str:
	return value if isinstance(value, str) else json.dumps(value, default=str)


class TestLeakMatrix(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.customer = make_customer()
		cls.invoice = erp.sales_invoice(cls.customer, rate=AMOUNT, posting_date=add_days(nowdate(), -100))
		wait_for_jobs()  # the timeline event
		frappe.flags.c360_hooks_off = True  # scores: the test recomputes by itself
		# A score before the invoice fell due, so today's explanation says how much became overdue.
		job.recompute_customer(cls.customer, today=add_days(nowdate(), -95))
		job.recompute_customer(cls.customer)
		# An accepted payment reminder: a decision (and a ToDo) about money.
		cls.accepted = next_steps_api.accept_suggestion(cls.customer, "payment_reminder")
		cls.decision = frappe.get_all(DECISION, {"customer": cls.customer}, pluck="name")[0]
		cls.manual = risk_api.raise_flag(cls.customer, "manual_flag", f"{RISK_MARK} reason")["name"]
		cls.auto = frappe.get_all(
			FLAG, {"customer": cls.customer, "flag_type": "overdue_payment"}, pluck="name"
		)[0]
		cls.score = frappe.get_all(SCORE, {"customer": cls.customer, "score_date": nowdate()}, pluck="name")[
			0
		]
		cls.event = frappe.get_all(
			EVENT, {"customer": cls.customer, "source_name": cls.invoice.name}, pluck="name"
		)[0]
		frappe.db.commit()
		cls.users = {role: make_user([role]) for role in ROLES}

	@classmethod
	def tearDownClass(cls):
		frappe.flags.c360_hooks_off = False
		super().tearDownClass()

	# --- paths: each returns REFUSED or the text the user received ------------------------------------------

	def call(self, fn, *args, **kwargs) -> str:
		frappe.local.response = frappe._dict()
		try:
			out = fn(*args, **kwargs)
		except frappe.PermissionError:
			return REFUSED
		finally:
			frappe.clear_messages()
		return _text(out if out is not None else frappe.local.response)

	def reportview(self, doctype, **kwargs) -> str:
		frappe.local.form_dict = frappe._dict(doctype=doctype, **kwargs)
		return self.call(reportview_get)

	def export(self, doctype, fields) -> str:
		frappe.local.form_dict = frappe._dict(
			doctype=doctype, file_format_type="CSV", fields=json.dumps(fields), filters="[]"
		)
		out = self.call(export_query)
		return out if out == REFUSED else _text(frappe.local.response.get("filecontent") or "")

	def print_html(self, doctype, name) -> str:
		from frappe.www.printview import get_html_and_style

		return self.call(get_html_and_style, doctype, name)

	def read_doc(self, doctype, name) -> dict:
		doc = frappe.get_doc(doctype, name)
		doc.check_permission("read")
		return doc.as_dict()

	def paths(self, doctype: str, name: str, fields: list[str], filter_field: str) -> dict[str, str]:
		from frappe.desk.listview import get_group_by_count

		return {
			"get_list": self.call(frappe.get_list, doctype, fields=fields, limit_page_length=0),
			"rest list": self.call(frappe.client.get_list, doctype, fields=fields, limit_page_length=0),
			"rest get": self.call(frappe.client.get, doctype, name),
			"get_doc": self.call(self.read_doc, doctype, name),
			"report view": self.reportview(doctype, fields=json.dumps(fields)),
			"export": self.export(doctype, fields),
			"print": self.print_html(doctype, name),
			"sort": self.reportview(
				doctype, fields=json.dumps(["name"]), order_by=f"`tab{doctype}`.`{filter_field}` desc"
			),
			"filter": self.reportview(
				doctype, fields=json.dumps(["name"]), filters=json.dumps([[doctype, "name", "=", name]])
			),
			"group by": self.call(
				get_group_by_count, doctype, json.dumps([[doctype, "name", "=", name]]), "owner"
			),
		}

	# --- the matrix ----------------------------------------------------------------------------------------

	def observe(self, user: str) -> dict[tuple[str, str], str]:
		frappe.set_user(user)
		seen: dict[tuple[str, str], str] = {}
		seen["finance", "api get_money"] = self.call(overview.get_money, self.customer)
		seen["finance", "api get_timeline"] = self.call(get_timeline, self.customer)
		seen["finance", "api get_profile"] = self.call(overview.get_profile, self.customer)
		seen["risk", "api get_health"] = self.call(health_api.get_health, self.customer)
		seen["risk", "api get_flags"] = self.call(risk_api.get_flags, self.customer, include_resolved=True)
		seen["risk", "api get_profile"] = seen["finance", "api get_profile"]
		for path, text in self.paths(FLAG, self.manual, ["name", "reason", "flag_type"], "reason").items():
			seen["risk", f"flag {path}"] = text
		for path, text in self.paths(FLAG, self.auto, ["name", "reason"], "reason").items():
			if path not in EXISTENCE_PATHS:  # the manual flag covers existence
				seen["finance", f"auto flag {path}"] = text  # its reason quotes the amount owed
		for path, text in self.paths(SCORE, self.score, ["name", "score", "explanation"], "score").items():
			seen["risk", f"score {path}"] = text
		for path, text in self.paths(EVENT, self.event, ["name", "amount"], "amount").items():
			seen["finance", f"event {path}"] = text
		seen["risk", "global search"] = self.call(frappe.utils.global_search.search, RISK_MARK)
		for report in ("Customer Churn Risk", "Customer Health Distribution"):
			from frappe.desk.query_report import run

			seen["risk", f"report {report}"] = self.call(run, report, filters={})
		frappe.set_user("Administrator")
		return seen

	def visible(self, figure: str, path: str, text: str) -> bool:
		if text == REFUSED:
			return False
		if path.startswith("report "):
			return True  # a risk report's content is risk data as a whole
		if path.endswith("group by"):
			return json.loads(text) != []
		if path.endswith(EXISTENCE_PATHS[:2]):
			return any(name in text for name in (self.manual, self.auto, self.score, self.event))
		if path.startswith("score "):
			return self.score in text
		if path == "api get_health":
			return json.loads(text).get("score") is not None
		marks = FINANCE_MARKS if figure == "finance" else (RISK_MARK,)
		return any(mark in text for mark in marks)

	def test_no_role_sees_a_figure_it_may_not_see(self):
		leaks, seen_by = [], {}
		for role, user in self.users.items():
			caps = get_capabilities(user)
			allowed = {"finance": caps.see_finance, "risk": caps.see_risk}
			for (figure, path), text in self.observe(user).items():
				shown = self.visible(figure, path, text)
				seen_by[role, figure, path] = shown
				# The auto flag's reason is risk data that quotes money: it needs both capabilities.
				may = allowed[figure] and (not path.startswith("auto flag") or allowed["risk"])
				if shown and not may:
					leaks.append(f"{role}: {figure} via {path}")
		self.assertEqual(leaks, [])
		# Positive controls: the matrix would notice a leak because allowed roles do see the figures.
		for role, figure, path in (
			("Accounts Manager", "finance", "api get_money"),
			("Accounts Manager", "finance", "api get_timeline"),
			("Sales Manager", "risk", "api get_health"),
			("Sales Manager", "risk", "api get_flags"),
			("Sales Manager", "risk", "flag get_list"),
			("Sales Manager", "risk", "flag rest get"),
			("System Manager", "risk", "flag export"),
			("Sales Manager", "risk", "score report view"),
			("Sales Manager", "risk", "report Customer Churn Risk"),
			("System Manager", "finance", "event get_list"),
			("System Manager", "risk", "flag print"),
		):
			self.assertTrue(seen_by[role, figure, path], f"{role} should see {figure} via {path}")

	# --- split capabilities ------------------------------------------------------------------------------------

	def amount_paths(self, user: str) -> dict[str, str]:
		"""Every path on which a flag reason, a score's details or a suggestion's reason reaches `user`."""
		frappe.set_user(user)
		seen = {
			"api get_flags": self.call(risk_api.get_flags, self.customer, include_resolved=True),
			"api get_health": self.call(health_api.get_health, self.customer),
			"api get_suggestions": self.call(next_steps_api.get_suggestions, self.customer),
		}
		for doctype, name, fields, sort in (
			(FLAG, self.auto, FLAG_FIELDS, "reason"),
			(SCORE, self.score, SCORE_FIELDS, "score"),
			(DECISION, self.decision, DECISION_FIELDS, "suggestion_key"),
		):
			for path, text in self.paths(doctype, name, fields, sort).items():
				# Raw get_doc is server code, not a path to a user: what users reach is the form (below)
				# and REST, which both drop fields above the user's permlevel (the figures' field).
				if path != "get_doc":
					seen[f"{doctype} {path}"] = text
			seen[f"{doctype} form"] = self.form(doctype, name)
		frappe.set_user("Administrator")
		return seen

	def form(self, doctype: str, name: str) -> str:
		from frappe.desk.form.load import getdoc

		frappe.local.response = frappe._dict(docs=[])
		try:
			getdoc(doctype, name)
		except frappe.PermissionError:
			return REFUSED
		finally:
			frappe.clear_messages()
		return _text(frappe.local.response.get("docs"))

	def test_split_capabilities_show_no_amount_to_risk_without_finance(self):
		risk_only, finance_only = self.users["Sales Manager"], self.users["Accounts Manager"]
		with role_capability("Sales Manager", see_finance=0), role_capability("Accounts Manager", see_risk=0):
			caps, fin_caps = get_capabilities(risk_only), get_capabilities(finance_only)
			self.assertEqual((caps.see_risk, caps.see_finance), (True, False))
			self.assertEqual((fin_caps.see_risk, fin_caps.see_finance), (False, True))
			seen = self.amount_paths(risk_only)
			leaks = [p for p, text in seen.items() if any(m in text for m in FINANCE_MARKS)]
			self.assertEqual(leaks, [])
			# Positive controls: the risk-only role does read the flag, its reason and the score, figure-free.
			flags = json.loads(seen["api get_flags"])["flags"]
			auto = next(f for f in flags if f["name"] == self.auto)
			self.assertRegex(auto["reason"], r"^1 invoice overdue more than 30 days \(oldest \d+ days\)$")
			self.assertIn(self.auto, seen[f"{FLAG} rest list"])
			self.assertIn("overdue more than", seen[f"{FLAG} rest get"])
			health = json.loads(seen["api get_health"])
			self.assertIsNotNone(health["score"])
			self.assertTrue(any("became overdue" in line for line in health["explanation"]), health)
			self.assertIn(self.score, seen[f"{SCORE} report view"])
			# A payment reminder's decision needs the finance capability: not listed for risk-only.
			self.assertNotIn(self.decision, seen[f"{DECISION} get_list"])
			self.assertEqual(seen[f"{DECISION} rest get"], REFUSED)

			# Finance without risk: money yes, flags and scores no; the decision yes, its text figure-free.
			frappe.set_user(finance_only)
			self.assertTrue(any(m in self.call(overview.get_money, self.customer) for m in FINANCE_MARKS))
			self.assertEqual(frappe.get_list(FLAG, filters={"customer": self.customer}), [])
			self.assertTrue(json.loads(self.call(risk_api.get_flags, self.customer))["masked"])
			decisions = self.call(frappe.client.get_list, DECISION, fields=DECISION_FIELDS)
			self.assertIn(self.decision, decisions)
			self.assertFalse(any(m in decisions for m in FINANCE_MARKS), decisions)
			frappe.set_user("Administrator")

		# With both capabilities the same APIs do render the amount (the checks above could fail).
		full = self.amount_paths(risk_only)  # the settings are back: Sales Manager sees finance again
		for path in ("api get_flags", "api get_health"):
			self.assertTrue(any(m in full[path] for m in FINANCE_MARKS), (path, full[path]))
		# The ToDo of the accepted suggestion is read by everyone who may read the customer: no amount.
		todo = frappe.db.get_value("ToDo", self.accepted["todo"], "description")
		self.assertIn("payment reminder", todo.lower())
		self.assertFalse(any(m in todo for m in FINANCE_MARKS), todo)

	def test_ownership_rule_opens_the_owners_panels_only(self):
		"""With the ownership rule on, a Sales User who is the account manager reads this customer's money,
		health and flags through the 360 APIs (and nothing through the doctype paths, which follow the roles);
		the account manager of another customer, and the owner while the rule is off, see nothing."""
		from customer_360.tests.test_ownership import ownership_rule

		owner, other_owner = make_user(["Sales User"]), make_user(["Sales User"])
		frappe.db.set_value("Customer", self.customer, "account_manager", owner)
		make_customer(account_manager=other_owner)
		frappe.db.commit()
		owner_paths = {
			("finance", "api get_money"),
			("risk", "api get_health"),
			("risk", "api get_flags"),
		}
		try:
			with ownership_rule(True):
				seen = {k: self.visible(*k, t) for k, t in self.observe(owner).items()}
				self.assertEqual({k for k, shown in seen.items() if shown}, owner_paths)
				seen = {k: self.visible(*k, t) for k, t in self.observe(other_owner).items()}
				self.assertEqual([k for k, shown in seen.items() if shown], [])
			with ownership_rule(False):
				seen = {k: self.visible(*k, t) for k, t in self.observe(owner).items()}
				self.assertEqual([k for k, shown in seen.items() if shown], [])
		finally:
			frappe.db.set_value("Customer", self.customer, "account_manager", None)
			frappe.db.commit()

	def test_decisions_follow_the_customer_read_permission(self):
		# Customer 360 Manager has DocPerm on decisions but (alone) no read on Customer: no decision either.
		no_customers = make_user(["Customer 360 Manager"])
		other = make_customer()
		limited = make_user(["Sales Manager"])  # may read one other customer only (a User Permission)
		frappe.get_doc(
			{"doctype": "User Permission", "user": limited, "allow": "Customer", "for_value": other}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		for user in (no_customers, limited):
			seen = self.amount_paths(user)
			for path in ("get_list", "rest list", "report view", "export"):
				self.assertNotIn(self.decision, seen[f"{DECISION} {path}"], (user, path))
			self.assertEqual(seen[f"{DECISION} rest get"], REFUSED, user)
		# Positive control: the same role without the restriction reads the decision.
		self.assertIn(self.decision, self.amount_paths(self.users["Sales Manager"])[f"{DECISION} get_list"])

"""Risk flags and health scores on a real site: automatic flags raised from ERPNext data and resolved when the
data changes, scores with their history and explanations, settings that change them, and who sees what on
every path (API, get_list, get_doc, REST, Report View).

The tests recompute by themselves, so hooks are off for these classes: no background recompute races them.
"""

import json
from contextlib import contextmanager

import frappe
from frappe.desk.reportview import get as reportview_get
from frappe.utils import add_days, nowdate

from customer_360.api import health as health_api
from customer_360.api import risk as risk_api
from customer_360.core.health import FACTORS, MINUS
from customer_360.risk_health import job
from customer_360.tests import erp
from customer_360.tests.utils import C360TestCase, make_customer, make_user

FLAG = "Customer Risk Flag"
SCORE = "Customer Health Score"
SETTINGS = "Customer 360 Settings"


def days_ago(n: int) -> str:
	return str(add_days(nowdate(), -n))


def active(customer: str, flag_type: str | None = None) -> list:
	filters = {"customer": customer, "status": "active"}
	if flag_type:
		filters["flag_type"] = flag_type
	return frappe.get_all(FLAG, filters=filters, fields=["name", "flag_type", "source"])


def evidence_of(flag: str) -> set:
	return {(e.reference_doctype, e.reference_name) for e in frappe.get_doc(FLAG, flag).evidence}


@contextmanager
def settings(**values):
	"""Change Customer 360 Settings for the block, then put the old values back."""
	current = frappe.session.user
	frappe.set_user("Administrator")
	doc = frappe.get_single(SETTINGS)
	before = {k: doc.get(k) for k in values}
	doc.update(values)
	doc.save(ignore_permissions=True)
	frappe.db.commit()
	frappe.set_user(current)
	try:
		yield
	finally:
		frappe.set_user("Administrator")
		doc = frappe.get_single(SETTINGS)
		doc.update(before)
		doc.save(ignore_permissions=True)
		frappe.db.commit()
		frappe.set_user(current)


@contextmanager
def role_capability(role: str, **caps):
	frappe.set_user("Administrator")
	doc = frappe.get_single(SETTINGS)
	row = next(r for r in doc.role_capabilities if r.role == role)
	before = {k: row.get(k) for k in caps}
	row.update(caps)
	doc.save(ignore_permissions=True)
	frappe.db.commit()
	try:
		yield
	finally:
		frappe.set_user("Administrator")
		doc = frappe.get_single(SETTINGS)
		next(r for r in doc.role_capabilities if r.role == role).update(before)
		doc.save(ignore_permissions=True)
		frappe.db.commit()


class HooksOff(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.flags.c360_hooks_off = True

	@classmethod
	def tearDownClass(cls):
		frappe.flags.c360_hooks_off = False
		super().tearDownClass()


class TestDetectionAndScores(HooksOff):
	def test_overdue_invoice_raises_a_flag_and_payment_resolves_it(self):
		c = make_customer()
		invoice = erp.sales_invoice(c, rate=500, posting_date=days_ago(100))  # due 70 days ago
		job.recompute_customer(c)
		flags = active(c, "overdue_payment")
		self.assertEqual(len(flags), 1)
		self.assertEqual(flags[0].source, "automatic")
		self.assertIn(("Sales Invoice", invoice.name), evidence_of(flags[0].name))

		erp.payment_for("Sales Invoice", invoice.name)
		job.recompute_customer(c)
		self.assertEqual(active(c, "overdue_payment"), [])
		resolved = frappe.get_doc(FLAG, flags[0].name)
		self.assertEqual(resolved.status, "resolved")
		self.assertTrue(resolved.resolved_on)
		self.assertTrue(resolved.resolution)

	def test_credit_notes_raise_frequent_refunds(self):
		c = make_customer()
		invoices = [erp.sales_invoice(c, rate=100, posting_date=days_ago(10)) for _ in range(3)]
		notes = {erp.credit_note(inv.name).name for inv in invoices[:2]}  # 200 of 300 refunded, twice
		job.recompute_customer(c)
		flags = active(c, "frequent_refunds")
		self.assertEqual(len(flags), 1)
		self.assertEqual(evidence_of(flags[0].name), {("Sales Invoice", n) for n in notes})
		self.assertEqual(active(c, "overdue_payment"), [])

	def test_manual_flags_are_never_resolved_by_the_rules(self):
		c = make_customer()
		flag = risk_api.raise_flag(c, "abusive_behavior", "Shouted at the driver")
		job.recompute_customer(c)
		self.assertEqual(frappe.db.get_value(FLAG, flag["name"], "status"), "active")

	def test_a_fresh_customer_scores_with_missing_factors_as_no_data(self):
		c = make_customer()
		job.recompute_customer(c)
		h = health_api.get_health(c)
		self.assertFalse(h["masked"])
		no_data = {f["name"] for f in h["factors"] if f["no_data"]}
		self.assertLessEqual({"payment", "recency", "revenue_trend", "returns", "engagement"}, no_data)
		for f in h["factors"]:
			if f["no_data"]:
				self.assertEqual((f["score"], f["detail"], f["effective_weight"]), (None, "no data", 0))
		measured = [f for f in h["factors"] if not f["no_data"]]
		self.assertIn("risk_flags", [f["name"] for f in measured])  # no open flags is a measurement
		self.assertAlmostEqual(sum(f["effective_weight"] for f in measured), 100, delta=0.1)
		self.assertEqual(h["score"], 100)
		self.assertEqual(h["band"], "green")
		self.assertEqual(h["trend"][-1], {"date": nowdate(), "score": 100})
		self.assertFalse(h["signals"]["dormant"])  # created today: not dormant for lack of activity
		self.assertEqual(h["signals"]["lifetime_value"], 0)
		self.assertIsNone(h["signals"]["repurchase_rhythm"])

	def test_weights_and_bands_come_from_the_settings(self):
		c = make_customer()
		erp.sales_invoice(c, rate=500, posting_date=days_ago(100))  # unpaid, 70 days overdue
		payment_only = {f: 0 for f in FACTORS} | {"payment": 1}
		with settings(health_weights=json.dumps(payment_only)):
			job.recompute_customer(c)
			h = health_api.get_health(c)
			# 500 overdue of 500 billed: the full overdue penalty, 100 - 60.
			self.assertEqual(h["score"], 40)
			self.assertEqual(h["band"], "yellow")  # yellow starts at 40 ...
			with settings(health_yellow_from=41):
				job.recompute_customer(c)
				self.assertEqual(health_api.get_health(c)["band"], "red")  # ... unless it starts at 41
		job.recompute_customer(c)
		self.assertNotEqual(health_api.get_health(c)["score"], 40)  # the default weights mix in other factors

	def test_bad_weights_are_refused(self):
		with self.assertRaises(frappe.ValidationError):
			with settings(health_weights=json.dumps({"paymnet": 10})):
				job.recompute_customer(make_customer())

	def test_one_row_per_customer_per_day(self):
		c = make_customer()
		job.recompute_customer(c)
		job.recompute_customer(c)
		self.assertEqual(frappe.db.count(SCORE, {"customer": c, "score_date": nowdate()}), 1)
		job.recompute_customer(c, today=days_ago(1))
		self.assertEqual(frappe.db.count(SCORE, {"customer": c}), 2)

	def test_a_change_is_explained(self):
		c = make_customer()
		erp.sales_invoice(c, rate=300, posting_date=days_ago(10))  # due in 20 days
		job.recompute_customer(c, today=days_ago(1))
		before = frappe.get_all(SCORE, filters={"customer": c}, fields=["score", "band"])[0]
		erp.sales_invoice(c, rate=900, posting_date=days_ago(100))  # 70 days overdue
		job.recompute_customer(c)
		row = frappe.get_all(
			SCORE,
			filters={"customer": c, "score_date": nowdate()},
			fields=["score", "previous_score", "previous_band", "explanation"],
		)[0]
		self.assertEqual((row.previous_score, row.previous_band), (before.score, before.band))
		self.assertLess(row.score, before.score)
		lines = row.explanation.splitlines()
		self.assertTrue(any(line.startswith(MINUS) and "became overdue" in line for line in lines), lines)
		self.assertTrue(any("new risk flag: overdue payment" in line for line in lines), lines)
		self.assertEqual(health_api.get_health(c)["explanation"], lines)


class TestVisibility(HooksOff):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.customer = make_customer()
		cls.invoice = erp.sales_invoice(cls.customer, rate=777, posting_date=days_ago(100))
		frappe.db.commit()
		job.recompute_customer(cls.customer)
		cls.flag = active(cls.customer, "overdue_payment")[0].name
		cls.manual = risk_api.raise_flag(cls.customer, "manual_flag", "zqsecretzq reason")["name"]
		cls.score = frappe.get_all(SCORE, filters={"customer": cls.customer}, pluck="name")[0]
		frappe.db.commit()

	def test_a_sales_user_gets_nothing_of_flags_or_scores(self):
		frappe.set_user(make_user(["Sales User"]))
		flags = risk_api.get_flags(self.customer, include_resolved=True)
		self.assertTrue(flags["masked"])
		self.assertIsNone(flags["flags"])
		h = health_api.get_health(self.customer)
		self.assertTrue(h["masked"])
		for key in health_api.MASKED:
			self.assertIsNone(h[key], key)
		self.assertNotIn("zqsecretzq", frappe.as_json([flags, h]))
		for doctype, name in ((FLAG, self.flag), (FLAG, self.manual), (SCORE, self.score)):
			with self.assertRaises(frappe.PermissionError, msg=doctype):
				frappe.get_list(doctype, fields=["name"])
			with self.assertRaises(frappe.PermissionError, msg=doctype):
				frappe.client.get_list(doctype, fields=["name"])
			with self.assertRaises(frappe.PermissionError, msg=doctype):
				frappe.get_doc(doctype, name).check_permission("read")
			with self.assertRaises(frappe.PermissionError, msg=doctype):
				frappe.client.get(doctype, name)
			frappe.local.form_dict = frappe._dict(doctype=doctype, fields=["name"], filters=[])
			with self.assertRaises(frappe.PermissionError, msg=doctype):
				reportview_get()
		with self.assertRaises(frappe.PermissionError):
			frappe.client.get_list("Customer Risk Flag Evidence", parent=FLAG, fields=["reference_name"])
		with self.assertRaises(frappe.PermissionError):
			risk_api.raise_flag(self.customer, "manual_flag", "Sales users cannot raise flags")

	def test_the_under_review_badge_only_when_the_settings_allow_it(self):
		user = make_user(["Sales User"])
		with settings(show_under_review_badge=1):
			frappe.set_user(user)
			self.assertIs(risk_api.get_flags(self.customer)["under_review"], True)
		frappe.set_user(user)
		self.assertIsNone(risk_api.get_flags(self.customer)["under_review"])

	def test_support_team_reads_flags_but_cannot_change_them(self):
		# Support Team alone may not open a Customer in ERPNext; Sales User adds that and no risk rights.
		frappe.set_user(make_user(["Support Team", "Sales User"]))
		flags = risk_api.get_flags(self.customer)
		self.assertFalse(flags["masked"])
		self.assertLessEqual({self.flag, self.manual}, {f["name"] for f in flags["flags"]})
		evidence = {
			(e["reference_doctype"], e["reference_name"]) for f in flags["flags"] for e in f["evidence"]
		}
		self.assertIn(("Sales Invoice", self.invoice.name), evidence)
		self.assertIn(self.flag, frappe.get_list(FLAG, filters={"customer": self.customer}, pluck="name"))
		self.assertIsNotNone(health_api.get_health(self.customer)["score"])
		with self.assertRaises(frappe.PermissionError):
			risk_api.raise_flag(self.customer, "manual_flag", "Rude on the phone")
		with self.assertRaises(frappe.PermissionError):
			risk_api.resolve_flag(self.manual, "Sorted out")
		with self.assertRaises(frappe.PermissionError):
			health_api.recompute(self.customer)
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(FLAG, self.manual).check_permission("write")

	def test_the_capability_comes_from_the_settings(self):
		user = make_user(["Support Team"])
		with role_capability("Support Team", see_risk=0):
			frappe.set_user(user)
			self.assertEqual(frappe.get_list(FLAG, filters={"customer": self.customer}), [])
			self.assertEqual(frappe.get_list(SCORE, filters={"customer": self.customer}), [])
			with self.assertRaises(frappe.PermissionError):
				frappe.get_doc(FLAG, self.flag).check_permission("read")
		frappe.set_user(user)
		self.assertIn(self.flag, frappe.get_list(FLAG, filters={"customer": self.customer}, pluck="name"))

	def test_an_accounts_manager_raises_and_resolves_a_manual_flag(self):
		user = make_user(["Accounts Manager"])
		frappe.set_user(user)
		flag = risk_api.raise_flag(
			self.customer,
			"abusive_behavior",
			"  Shouted at the driver  ",
			evidence=[
				{
					"reference_doctype": "Sales Invoice",
					"reference_name": self.invoice.name,
					"note": "this one",
				}
			],
			expires_on=str(add_days(nowdate(), 30)),
		)
		self.assertEqual(
			(flag["status"], flag["source"], flag["raised_by"], flag["reason"]),
			("active", "manual", user, "Shouted at the driver"),
		)
		self.assertEqual(flag["evidence"][0]["reference_name"], self.invoice.name)
		self.assertIn(flag["name"], [f["name"] for f in risk_api.get_flags(self.customer)["flags"]])

		done = risk_api.resolve_flag(flag["name"], "Apologised; the account manager called them")
		self.assertEqual((done["status"], done["resolved_by"]), ("resolved", user))
		self.assertNotIn(flag["name"], [f["name"] for f in risk_api.get_flags(self.customer)["flags"]])
		with_resolved = risk_api.get_flags(self.customer, include_resolved=True)["flags"]
		self.assertIn(flag["name"], [f["name"] for f in with_resolved])
		with self.assertRaisesRegex(frappe.ValidationError, "already resolved"):
			risk_api.resolve_flag(flag["name"], "Again")

	def test_bad_input_gets_clear_errors(self):
		c = self.customer
		with self.assertRaisesRegex(frappe.ValidationError, "Unknown risk flag type"):
			risk_api.raise_flag(c, "nonsense", "x")
		with self.assertRaisesRegex(frappe.ValidationError, "reason"):
			risk_api.raise_flag(c, "manual_flag", "   ")
		with self.assertRaisesRegex(frappe.ValidationError, "past"):
			risk_api.raise_flag(c, "manual_flag", "x", expires_on=days_ago(1))
		with self.assertRaises(frappe.DoesNotExistError):
			risk_api.raise_flag(c, "manual_flag", "x", evidence=[["Sales Invoice", "NO-SUCH-INVOICE-C360"]])
		with self.assertRaises(frappe.DoesNotExistError):
			risk_api.raise_flag("No Such Customer C360", "manual_flag", "x")
		with self.assertRaises(frappe.DoesNotExistError):
			risk_api.resolve_flag("RISK-NO-SUCH", "x")
		with self.assertRaisesRegex(frappe.ValidationError, "resolved"):
			risk_api.resolve_flag(self.manual, "  ")
		# Only the detection job writes automatic flags, and it never writes a manual type.
		forged = {"doctype": FLAG, "customer": c, "source": "automatic", "reason": "forged"}
		with self.assertRaisesRegex(frappe.ValidationError, "Automatic risk flags"):
			frappe.get_doc({**forged, "flag_type": "overdue_payment"}).insert()
		doc = frappe.get_doc({**forged, "flag_type": "manual_flag"})
		doc.flags.c360_automatic = True
		with self.assertRaisesRegex(frappe.ValidationError, "raised by a person only"):
			doc.insert()

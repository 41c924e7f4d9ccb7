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
from customer_360.core import masking
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

	def test_discounts_on_most_invoices_raise_discount_dependency(self):
		c = make_customer()
		discounted = [erp.sales_invoice(c, rate=100, additional_discount_percentage=20) for _ in range(2)]
		erp.sales_invoice(c, rate=100)  # 2 of 3 at 20 % >= half of them at 15 %
		job.recompute_customer(c)
		[flag] = active(c, "discount_dependency")
		self.assertEqual(evidence_of(flag.name), {("Sales Invoice", d.name) for d in discounted})
		for _ in range(2):  # 2 of 5: no longer most invoices
			erp.sales_invoice(c, rate=100)
		job.recompute_customer(c)
		self.assertEqual(active(c, "discount_dependency"), [])

	def test_three_issues_raise_frequent_claims_and_fewer_resolve_it(self):
		c = make_customer()
		issues = [erp.issue(c) for _ in range(3)]
		job.recompute_customer(c)
		[flag] = active(c, "frequent_claims")
		self.assertEqual(evidence_of(flag.name), {("Issue", i.name) for i in issues})
		frappe.delete_doc("Issue", issues[0].name, ignore_permissions=True, force=True)  # raised in error
		job.recompute_customer(c)
		self.assertEqual(active(c, "frequent_claims"), [])
		self.assertEqual(frappe.db.get_value(FLAG, flag.name, "status"), "resolved")

	def test_returned_deliveries_raise_delivery_failures(self):
		from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

		c = make_customer()
		returns = []
		for _ in range(2):
			dn = erp.delivery_note(erp.sales_order(c).name)
			ret = make_sales_return(dn.name)
			ret.insert(ignore_permissions=True)
			returns.append(ret.submit() or ret)
		job.recompute_customer(c)
		[flag] = active(c, "delivery_failures")
		self.assertEqual(evidence_of(flag.name), {("Delivery Note", r.name) for r in returns})
		returns[0].cancel()  # the return was a mistake
		job.recompute_customer(c)
		self.assertEqual(active(c, "delivery_failures"), [])

	def test_cancelled_orders_raise_cancellation_pattern(self):
		c = make_customer()
		for _ in range(3):
			erp.sales_invoice(c, rate=100).cancel()
		erp.sales_invoice(c, rate=100)  # 3 of 4 cancelled
		job.recompute_customer(c)
		[flag] = active(c, "cancellation_pattern")
		self.assertIn("3 of 4", frappe.db.get_value(FLAG, flag.name, "reason"))
		for _ in range(7):  # 3 of 11 = 27 % < 30 %
			erp.sales_invoice(c, rate=100)
		job.recompute_customer(c)
		self.assertEqual(active(c, "cancellation_pattern"), [])

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
		# The stored text is read by every reader of the row: no amount; the API renders it per reader.
		self.assertNotIn("900", row.explanation)
		explained = health_api.get_health(c)["explanation"]
		self.assertEqual(len(explained), len(lines))
		self.assertTrue(any(line.endswith(": 900 became overdue") for line in explained), explained)
		with role_capability("Sales Manager", see_finance=0):
			frappe.set_user(make_user(["Sales Manager"]))
			self.assertEqual(health_api.get_health(c)["explanation"], lines)


class TestAlerts(HooksOff):
	def notifications(self, user: str, customer: str) -> list:
		return frappe.get_all(
			"Notification Log",
			filters={"for_user": user, "document_type": "Customer", "document_name": customer},
			fields=["subject", "email_content"],
			order_by="creation",
		)

	def todos(self, user: str, customer: str) -> list:
		return frappe.get_all(
			"ToDo",
			filters={"allocated_to": user, "reference_type": "Customer", "reference_name": customer},
			pluck="description",
		)

	def test_a_new_flag_alerts_the_account_owner_with_a_next_step(self):
		owner = make_user(["Sales Manager"])
		c = make_customer(account_manager=owner)
		erp.sales_invoice(c, rate=500, posting_date=days_ago(100))
		job.recompute_customer(c)
		[note] = self.notifications(owner, c)
		self.assertIn("New risk flag", note.subject)
		self.assertIn("Overdue payment", note.subject)
		self.assertIn("payment reminder", note.email_content)
		[todo] = self.todos(owner, c)
		self.assertIn("check in with", todo)
		# The ToDo is on the customer's timeline for every reader: it names no flag.
		self.assertNotIn("overdue", todo.lower())

		job.recompute_customer(c)  # nothing new: no second alert
		self.assertEqual(len(self.notifications(owner, c)), 1)

	def test_an_owner_without_the_risk_capability_gets_a_neutral_alert(self):
		owner = make_user(["Sales User"])
		c = make_customer(account_manager=owner)
		risk_api.raise_flag(c, "manual_flag", "zqsecretzq reason")
		[note] = self.notifications(owner, c)
		self.assertNotIn("zqsecretzq", note.subject + (note.email_content or ""))
		self.assertNotIn("flag", note.subject.lower())
		self.assertEqual(len(self.todos(owner, c)), 1)

	def test_the_alert_names_an_amount_only_to_an_owner_who_may_see_finance(self):
		with role_capability("Support Team", see_finance=0):
			owner = make_user(["Support Team"])
			c = make_customer(account_manager=owner)
			erp.sales_invoice(c, rate=4321.5, posting_date=days_ago(100))
			job.recompute_customer(c)
			[note] = self.notifications(owner, c)
		self.assertIn("Overdue payment", note.subject)
		self.assertIn("1 invoice overdue more than 30 days (oldest", note.email_content)
		self.assertNotIn("4,321.5", note.email_content)
		self.assertNotIn("4321.5", note.email_content)
		# Positive control: an owner who may see finance gets the amount.
		owner = make_user(["Support Team"])
		c = make_customer(account_manager=owner)
		erp.sales_invoice(c, rate=4321.5, posting_date=days_ago(100))
		job.recompute_customer(c)
		[note] = self.notifications(owner, c)
		self.assertIn("4,321.50 owed", note.email_content)
		# The flag's stored reason is read by everyone with the risk capability: no amount in it.
		reason = frappe.db.get_value(FLAG, {"customer": c, "flag_type": "overdue_payment"}, "reason")
		self.assertRegex(reason, r"^1 invoice overdue more than 30 days \(oldest \d+ days\)$")

	def test_no_alert_for_the_owner_who_raised_the_flag_or_without_owner(self):
		owner = make_user(["Accounts Manager"])
		c = make_customer(account_manager=owner)
		frappe.set_user(owner)
		risk_api.raise_flag(c, "manual_flag", "my own flag")
		frappe.set_user("Administrator")
		self.assertEqual(self.notifications(owner, c), [])
		orphan = make_customer()
		before = frappe.db.count("Notification Log")
		risk_api.raise_flag(orphan, "manual_flag", "nobody to tell")
		self.assertEqual(frappe.db.count("Notification Log"), before)

	def test_a_drop_of_more_than_twenty_points_in_a_week_alerts_once(self):
		owner = make_user(["Sales Manager"])
		c = make_customer(account_manager=owner)
		payment_only = {f: 0 for f in FACTORS} | {"payment": 1}
		with settings(health_weights=json.dumps(payment_only)):
			erp.sales_invoice(c, rate=500, posting_date=days_ago(20))  # due in 10 days: 100
			job.recompute_customer(c, today=days_ago(3))
			erp.sales_invoice(c, rate=1000, posting_date=days_ago(100))  # overdue: the score falls
			job.recompute_customer(c)
			today = frappe.db.get_value(SCORE, {"customer": c, "score_date": nowdate()}, "score")
			subjects = [n.subject for n in self.notifications(owner, c)]
			drop = [s for s in subjects if "fell from" in s]
			self.assertEqual(drop, [f"Health of {c} fell from 100 to {today} within 7 days"])
			self.assertLess(today, 80)
			job.recompute_customer(c)  # the same drop again today: no repeat
			self.assertEqual(len([n for n in self.notifications(owner, c) if "fell from" in n.subject]), 1)

	def test_a_drop_of_exactly_twenty_or_older_than_a_week_is_no_alert(self):
		owner = make_user(["Sales Manager"])
		c = make_customer(account_manager=owner)
		recompute_ago = 8  # the good score is older than the 7-day window
		payment_only = {f: 0 for f in FACTORS} | {"payment": 1}
		with settings(health_weights=json.dumps(payment_only)):
			erp.sales_invoice(c, rate=500, posting_date=days_ago(20))
			job.recompute_customer(c, today=days_ago(recompute_ago))
			erp.sales_invoice(c, rate=1000, posting_date=days_ago(100))
			job.recompute_customer(c)
		self.assertFalse([n for n in self.notifications(owner, c) if "fell from" in n.subject])


class TestReports(HooksOff):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.group = (
			frappe.get_doc(
				{
					"doctype": "Customer Group",
					"customer_group_name": f"C360 RG {frappe.generate_hash(length=6)}",
					"parent_customer_group": "All Customer Groups",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		cls.owner = make_user(["Sales Manager"])
		cls.healthy = make_customer(customer_group=cls.group, account_manager=cls.owner)
		cls.overdue = make_customer(customer_group=cls.group)
		erp.sales_invoice(cls.healthy, rate=500, posting_date=days_ago(10))  # due in 20 days: 100
		erp.sales_invoice(cls.overdue, rate=500, posting_date=days_ago(100))  # 70 days overdue: 40
		frappe.db.commit()

	def run_report(self, name: str, **filters) -> dict:
		from frappe.desk.query_report import run

		return run(name, filters={"customer_group": self.group, **filters})

	def scored(self):
		payment_only = {f: 0 for f in FACTORS} | {"payment": 1}
		return settings(health_weights=json.dumps(payment_only), health_yellow_from=41)

	def test_distribution_counts_bands_and_builds_the_histogram(self):
		with self.scored():
			job.recompute_customer(self.healthy)
			job.recompute_customer(self.overdue)  # 40 with yellow from 41: red
			out = self.run_report("Customer Health Distribution")
		counts = {r["band"]: r["customers"] for r in out["result"]}
		self.assertEqual(counts, {"Green": 1, "Yellow": 0, "Red": 1})
		values = out["chart"]["data"]["datasets"][0]["values"]
		self.assertEqual((values[9], values[4], sum(values)), (1, 1, 2))

	def test_churn_risk_prices_the_risk_for_finance_roles_only(self):
		with self.scored():
			job.recompute_customer(self.healthy)
			job.recompute_customer(self.overdue)
			frappe.set_user(make_user(["Accounts Manager"]))
			rows = self.run_report("Customer Churn Risk")["result"]
			self.assertEqual(
				[r["customer"] for r in rows], [self.overdue, self.healthy]
			)  # biggest risk first
			self.assertEqual((rows[0]["annual_revenue"], rows[0]["risk_amount"]), (500, 225))  # 500 x 0.45
			self.assertEqual(rows[0]["churn_probability"], 45)
			self.assertEqual((rows[1]["annual_revenue"], rows[1]["risk_amount"]), (500, 25))  # 500 x 0.05
			with role_capability("Accounts User", see_finance=0):
				frappe.set_user(make_user(["Accounts User"]))
				out = self.run_report("Customer Churn Risk")
		fields = {c["fieldname"] for c in out["columns"]}
		self.assertNotIn("risk_amount", fields)
		self.assertNotIn("annual_revenue", fields)
		self.assertFalse(any("risk_amount" in r or "annual_revenue" in r for r in out["result"]))

	def test_trend_averages_each_week_by_group(self):
		with self.scored():
			job.recompute_customer(self.healthy)
			job.recompute_customer(self.overdue)
			out = self.run_report("Customer Health Trend", group_by="Customer Group")
		[row] = out["result"]
		self.assertEqual((row["group"], row["average"], row["customers"]), (self.group, 70, 2))
		with self.assertRaises(frappe.ValidationError):
			self.run_report("Customer Health Trend", from_date=nowdate(), to_date=days_ago(5))

	def test_a_sales_user_gets_no_risk_report(self):
		frappe.set_user(make_user(["Sales User"]))
		for name in ("Customer Health Distribution", "Customer Health Trend", "Customer Churn Risk"):
			with self.assertRaises(frappe.PermissionError, msg=name):
				self.run_report(name)

	def test_orphans_and_data_completeness(self):
		frappe.set_user(make_user(["Sales Manager"]))
		orphans = [r["customer"] for r in self.run_report("Orphaned Customers")["result"]]
		self.assertEqual(orphans, [self.overdue])
		rows = self.run_report("Customer Data Completeness")["result"]
		mine = next(r for r in rows if r["customer_group"] == self.group)
		self.assertEqual((mine["customers"], mine["owner"], mine["address"]), (2, 50, 0))


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
		for key in masking.HEALTH_FIELDS:
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
		with self.assertRaises(frappe.PermissionError):  # missing and unreadable get one answer
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

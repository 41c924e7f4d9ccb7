"""Service, installed base and commitments on the timeline (issue 16), through the live path (doc_events -> RQ
job) and the timeline API: a serial-numbered delivery with its installation, a maintenance schedule and visit,
a warranty claim, a contract, a subscription, a project with a task and a blanket order, each with its type,
time, actor, amount and masking; read permission on the source doctype and Company user permissions; documents
that change without their own hooks (a delivery's serial numbers, a project's tasks); the warranty claim in the
frequent_claims rule. That the set-based backfill writes the same rows: test_set_based.py (service_docs)."""

import frappe
from frappe.utils import add_days, add_to_date, getdate, now_datetime, nowdate

from customer_360.api.timeline import get_timeline
from customer_360.facts import issues as issue_facts
from customer_360.indexer import store
from customer_360.risk_health import job
from customer_360.tests import erp, service_docs
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.test_risk_health import active, evidence_of, role_capability
from customer_360.tests.test_set_based import _comparable, _index_both_ways
from customer_360.tests.utils import C360TestCase, make_customer, make_user

NEW_SOURCES = {
	"Installation Note": "service",
	"Maintenance Schedule": "service",
	"Maintenance Visit": "service",
	"Warranty Claim": "service",
	"Serial No": "service",
	"Contract": "commitment",
	"Subscription": "commitment",
	"Project": "commitment",
	"Task": "commitment",
	"Blanket Order": "commitment",
}


def events(customer, **kw):
	out, cursor = [], None
	while True:
		page = get_timeline(customer, cursor=cursor, limit=200, **kw)
		out.extend(page["events"])
		cursor = page["next_cursor"]
		if not cursor:
			return out


def by_kind(customer) -> dict:
	return {(e["source_doctype"], e["source_name"], e["kind"]): e for e in events(customer)}


class TestServiceAndCommitments(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		c = cls.customer = make_customer()
		cls.serials = service_docs.serials_in_stock(1)
		cls.delivery = service_docs.serial_delivery(c, cls.serials)
		cls.installation = service_docs.installation_note(cls.delivery.name)
		cls.schedule = service_docs.maintenance_schedule(c, visits=3)
		cls.visit = service_docs.maintenance_visit(cls.schedule.name)
		cls.claim = service_docs.warranty_claim(c, cls.serials[0])
		cls.signed_on = add_to_date(now_datetime(), hours=-3).replace(microsecond=0)
		cls.contract = service_docs.contract(c, signed_on=cls.signed_on)
		cls.subscription = service_docs.subscription(c, qty=2)
		cls.project = service_docs.project(c)
		cls.task = service_docs.task(cls.project.name)
		cls.blanket = service_docs.blanket_order(c, rate=50, qty=10)
		wait_for_jobs()  # indexed through doc_events, as in production
		cls.got = by_kind(c)

	def event(self, doc, kind):
		key = (doc.doctype, doc.name, kind)
		self.assertIn(key, self.got, f"{key} not on the timeline")
		return self.got[key]

	def test_each_document_reaches_the_timeline_with_its_type_and_actor(self):
		expected = [
			(self.installation, "installation_done"),
			(self.schedule, "maintenance_scheduled"),
			(self.visit, "maintenance_visit"),
			(self.claim, "claim_opened"),
			(self.contract, "contract_signed"),
			(self.contract, "contract_ends"),
			(self.subscription, "subscription_started"),
			(self.subscription, "subscription_invoice_due"),
			(self.project, "project_started"),
			(self.project, "project_due"),
			(self.task, "project_task_created"),
			(self.task, "project_task_due"),
			(self.blanket, "blanket_order_agreed"),
			(self.blanket, "blanket_order_ends"),
		]
		for doc, kind in expected:
			e = self.event(doc, kind)
			self.assertEqual(e["event_type"], NEW_SOURCES[doc.doctype], kind)
			self.assertEqual(e["actor"], "Administrator", kind)
			self.assertFalse(e["cancelled"], kind)
		serial = frappe._dict(doctype="Serial No", name=self.serials[0])
		for kind in ("serial_delivered", "warranty_expires"):
			self.assertEqual(self.event(serial, kind)["event_type"], "service")
		counts = get_timeline(self.customer)["counts"]
		self.assertEqual(counts["service"], sum(1 for e in self.got.values() if e["event_type"] == "service"))
		self.assertGreaterEqual(counts["commitment"], 9)

	def test_times(self):
		today = getdate(nowdate())
		day = lambda doc, kind: getdate(self.event(doc, kind)["event_time"])  # noqa: E731
		serial = frappe._dict(doctype="Serial No", name=self.serials[0])
		# The serial's delivery day is the delivery note's posting date, derived from its warranty.
		self.assertEqual(day(serial, "serial_delivered"), getdate(self.delivery.posting_date))
		self.assertEqual(day(serial, "warranty_expires"), add_days(today, service_docs.WARRANTY_DAYS))
		self.assertEqual(day(self.installation, "installation_done"), getdate(self.installation.inst_date))
		self.assertEqual(day(self.contract, "contract_ends"), getdate(self.contract.end_date))
		self.assertEqual(self.event(self.contract, "contract_signed")["event_time"], self.signed_on)
		invoice_day = frappe.db.get_value("Subscription", self.subscription.name, "current_invoice_end")
		self.assertEqual(day(self.subscription, "subscription_invoice_due"), getdate(invoice_day))
		self.assertEqual(day(self.task, "project_task_due"), getdate(add_days(today, 5)))
		self.assertEqual(day(self.blanket, "blanket_order_ends"), getdate(self.blanket.to_date))
		self.assertIn("Visits planned: 3", self.event(self.schedule, "maintenance_scheduled")["summary"])

	def test_amounts_for_finance_and_masked_without(self):
		blanket = self.event(self.blanket, "blanket_order_agreed")
		self.assertEqual((blanket["amount"], blanket["currency"]), (500, erp_currency()))
		started = self.event(self.subscription, "subscription_started")
		self.assertEqual(started["amount"], 2 * 120)
		self.assertIsNone(self.event(self.contract, "contract_signed")["amount"])
		# A reader of every source doctype without the finance capability gets no figure.
		reader = make_user(["System Manager", "Sales User"])  # Sales User: to read the customer
		with role_capability("System Manager", see_finance=0):
			frappe.set_user(reader)
			got = by_kind(self.customer)
			frappe.set_user("Administrator")
		for key in (
			(self.blanket.doctype, self.blanket.name, "blanket_order_agreed"),
			(self.subscription.doctype, self.subscription.name, "subscription_started"),
			(self.subscription.doctype, self.subscription.name, "subscription_invoice_due"),
		):
			self.assertIsNone(got[key]["amount"], key)
			self.assertTrue(got[key].get("masked"), key)

	def test_source_doctype_permission_and_company_permissions(self):
		frappe.set_user(
			make_user(["Sales User"])
		)  # reads Installation Note, not Warranty Claim or Blanket Order
		seen = {e["source_doctype"] for e in events(self.customer)}
		frappe.set_user("Administrator")
		self.assertIn("Installation Note", seen)
		self.assertFalse(
			{"Warranty Claim", "Blanket Order", "Subscription", "Maintenance Visit"} & seen, seen
		)

		other_company = make_user(["System Manager", "Sales User"], company=erp.second_company())
		frappe.set_user(other_company)
		seen = {(e["source_doctype"], e["source_name"]) for e in events(self.customer)}
		frappe.set_user("Administrator")
		self.assertNotIn(("Blanket Order", self.blanket.name), seen)  # the default company's document
		self.assertIn(("Contract", self.contract.name), seen)  # a contract names no company

	def test_live_changes_without_their_own_hooks(self):
		# Cancelling a delivery clears its serial numbers' customer with a raw UPDATE: their events go.
		c = make_customer()
		serials = service_docs.serials_in_stock(1)
		delivery = service_docs.serial_delivery(c, serials)
		wait_for_jobs()
		self.assertIn(("Serial No", serials[0], "serial_delivered"), by_kind(c))
		delivery.cancel()
		wait_for_jobs()
		self.assertNotIn(("Serial No", serials[0], "serial_delivered"), by_kind(c))

		# A task follows its project to another customer.
		project = service_docs.project(c)
		task = service_docs.task(project.name)
		wait_for_jobs()
		self.assertIn(("Task", task.name, "project_task_created"), by_kind(c))
		other = make_customer()
		project.reload()
		project.customer = other
		project.save(ignore_permissions=True)
		wait_for_jobs()
		self.assertNotIn(("Task", task.name, "project_task_created"), by_kind(c))
		self.assertIn(("Task", task.name, "project_task_created"), by_kind(other))

		# Closing a claim adds its resolution.
		claim = service_docs.warranty_claim(c, status="Closed")
		wait_for_jobs()
		closed = by_kind(c)[("Warranty Claim", claim.name, "claim_closed")]
		self.assertEqual(closed["summary"], "Replaced the seal")

	def test_set_based_rows_equal_python_rows_for_the_live_documents(self):
		docs = {
			"Installation Note": [self.installation.name],
			"Maintenance Schedule": [self.schedule.name],
			"Maintenance Visit": [self.visit.name],
			"Warranty Claim": [self.claim.name],
			"Serial No": self.serials,
			"Contract": [self.contract.name],
			"Subscription": [self.subscription.name],
			"Project": [self.project.name],
			"Task": [self.task.name],
			"Blanket Order": [self.blanket.name],
		}
		self.assertEqual(set(docs), set(NEW_SOURCES))
		for doctype, names in docs.items():
			with self.subTest(doctype):
				python_events, by_python, by_sql = _index_both_ways(store.get_source(doctype), names)
				self.assertTrue(python_events)
				self.assertEqual(sorted(by_sql), sorted(by_python))
				for name, row in by_python.items():
					self.assertEqual(_comparable(by_sql[name]), _comparable(row), name)


class TestWarrantyClaimsCountAsClaims(C360TestCase):
	def test_frequent_claims_counts_warranty_claims(self):
		c = make_customer()
		issues = [erp.issue(c) for _ in range(2)]
		claim = service_docs.warranty_claim(c)
		withdrawn = service_docs.warranty_claim(c, status="Cancelled")  # a cancelled claim does not count
		today = getdate(nowdate())
		start = add_days(today, -180)
		self.assertEqual(issue_facts.counts([c], today, add_days(today, -90), start)[c], (2, 2, 3))
		job.recompute_customer(c)
		[flag] = active(c, "frequent_claims")
		evidence = evidence_of(flag.name)
		self.assertEqual(evidence, {("Issue", i.name) for i in issues} | {("Warranty Claim", claim.name)})
		self.assertNotIn(("Warranty Claim", withdrawn.name), evidence)
		frappe.db.set_value("Warranty Claim", claim.name, "status", "Cancelled")
		job.recompute_customer(c)
		self.assertEqual(active(c, "frequent_claims"), [])


def erp_currency() -> str:
	return frappe.db.get_value("Company", erp.company(), "default_currency")

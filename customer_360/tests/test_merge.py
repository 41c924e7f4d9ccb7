"""Merging customers: every linked record moves, the ledgers and the AR report add up, nothing is lost, undo
puts every document back, unsafe undos and bad requests are refused, and only the merge capability may merge."""

import json

import frappe
from frappe.utils import add_days, flt, nowdate, random_string

from customer_360.api import merge as api
from customer_360.facts.merges import resolve_customer
from customer_360.merge import job, links, lock
from customer_360.permissions import check_customer_read
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.utils import C360TestCase, make_customer, make_user, unique

# The merge itself leaves a trace on the survivor: its comment ("merged X into Y") and, when fields changed,
# a Version. Everything else linked before must be linked after, and nothing more.
OWN_TRACES = {("Comment", "reference_name"), ("Version", "docname")}
# Scores and flags are recomputed by jobs our invoices trigger; they are derived, not records that move.
DERIVED = {"Customer Health Score", "Customer Risk Flag"}


def linked(customers: list[str]) -> dict[tuple[str, str, str], str]:
	"""{(doctype, field, document): customer} for every row in any app pointing at `customers`."""
	out = {}
	for lf in links.link_fields():
		if lf.doctype in DERIVED:
			continue
		for name, value in links.find_rows(lf, customers, ()):
			out[(lf.doctype, lf.field, name)] = value
	return out


def ledger(customer: str) -> dict:
	gl = frappe.db.sql(
		"""select coalesce(sum(debit - credit), 0), count(*) from `tabGL Entry`
		where party_type = 'Customer' and party = %s and is_cancelled = 0""",
		customer,
	)[0]
	ple = frappe.db.sql(
		"""select coalesce(sum(amount), 0), count(*) from `tabPayment Ledger Entry`
		where party_type = 'Customer' and party = %s and delinked = 0""",
		customer,
	)[0]
	return {"gl": flt(gl[0], 2), "gl_rows": gl[1], "ple": flt(ple[0], 2), "ple_rows": ple[1]}


def ar_outstanding(customer: str) -> float:
	from erpnext.accounts.report.accounts_receivable.accounts_receivable import execute

	filters = {
		"company": erp.company(),
		"report_date": add_days(nowdate(), 1),
		"party_type": "Customer",
		"party": [customer],
		"ageing_based_on": "Due Date",
		"calculate_ageing_with": "Report Date",
		"range": "30, 60, 90, 120",
	}
	return flt(sum(flt(r.get("outstanding")) for r in execute(filters)[1] if isinstance(r, dict)), 2)


def timeline_sources(customer: str) -> set[tuple[str, str]]:
	return set(
		frappe.db.sql(
			"select distinct source_doctype, source_name from `tabCustomer Timeline Event` where customer = %s",
			customer,
		)
	)


def populate(customer: str, rate: float) -> dict:
	"""Invoices, a payment, a return, an issue, a note, an email, a file, a contact, an address, a todo."""
	invoice = erp.sales_invoice(customer, rate=rate)
	erp.sales_invoice(customer, rate=rate * 2)
	erp.payment_for("Sales Invoice", invoice.name, rate / 2)
	returned = erp.sales_invoice(customer, rate=rate / 4)
	erp.credit_note(returned.name)
	erp.issue(customer)
	frappe.get_doc({"doctype": "Customer Note", "customer": customer, "content": "merge me"}).insert()
	contact = erp.contact(customer)
	erp.email(
		unique("Order question"),
		contact.email_ids[0].email_id,
		reference_doctype="Customer",
		reference_name=customer,
	)
	frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{random_string(6)}.txt",
			"content": b"contract",
			"attached_to_doctype": "Customer",
			"attached_to_name": customer,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": customer,
			"address_line1": f"{random_string(4)} Street",
			"city": "London",
			"country": frappe.db.get_value("Company", erp.company(), "country"),
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	).insert(ignore_permissions=True)
	erp.todo(customer, "call back")
	frappe.get_doc("Customer", customer).add_comment("Comment", "a comment")
	return {"invoice": invoice.name}


def run(fn, *args, **kwargs) -> dict:
	"""Call an API that enqueues a job, then wait for the job and the timeline jobs it started."""
	result = fn(*args, **kwargs)
	wait_for_jobs(result["job_id"])
	status = frappe.db.get_value(job.LOG, result["log"], ["status", "message"], as_dict=True)
	if status.status in ("Done", "Undone"):
		wait_for_jobs(job.reindex_job_id(result["job_id"]))
	return {**result, **status}


class TestMerge(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.survivor = make_customer(tax_id=f"GB{random_string(9)}")
		cls.loser = make_customer(
			tax_id=f"GB{random_string(9)}",
			website="https://loser.example.com",
			credit_limits=[{"company": erp.company(), "credit_limit": 50_000}],
		)
		populate(cls.survivor, 400)
		populate(cls.loser, 1000)
		# A Version on the loser, which Frappe skips in tests unless asked.
		loser = frappe.get_doc("Customer", cls.loser)
		loser.customer_details = "moved from the old system"
		loser.save(ignore_version=False)
		wait_for_jobs()

	def test_merge_moves_everything_and_undo_puts_it_back(self):
		s, l = self.survivor, self.loser
		before = linked([s, l])
		self.assertTrue({k[0] for k in before} >= {
			"Sales Invoice", "Payment Entry", "GL Entry", "Payment Ledger Entry", "Issue", "Customer Note",
			"Communication", "File", "Dynamic Link", "ToDo", "Comment", "Version",
		})  # fmt: skip
		ledgers = {c: ledger(c) for c in (s, l)}
		ar = {c: ar_outstanding(c) for c in (s, l)}
		events = timeline_sources(s) | timeline_sources(l)
		self.assertTrue(events)

		preview = api.preview(s, [l])
		planned = {(r["doctype"]) for r in preview["documents"]}
		self.assertIn("GL Entry", planned)
		self.assertIn("tax_id", {c["field"] for c in preview["conflicts"]})
		self.assertNotIn("website", {c["field"] for c in preview["conflicts"]})  # a gap, filled: no question
		self.assertGreaterEqual(preview["total_rows"], sum(1 for k, v in before.items() if v == l))

		result = run(api.merge, s, [l], choices={"tax_id": l})
		self.assertEqual(result["status"], "Done", result["message"])
		log = result["log"]

		# Nothing lost: every row linked to either customer before now points at the survivor.
		after = linked([s, l])
		self.assertFalse([k for k, v in after.items() if v == l])
		self.assertEqual({k for k in before}, {k for k in after if k in before})
		extra = {k[:2] for k in after if k not in before}
		self.assertLessEqual(extra, OWN_TRACES, extra)
		self.assertFalse(frappe.db.exists("Customer", l))

		# Ledgers and the AR report: the survivor's equal the sum of both before.
		now = ledger(s)
		for key in ("gl", "ple"):
			self.assertAlmostEqual(now[key], ledgers[s][key] + ledgers[l][key], places=2)
			self.assertEqual(now[key + "_rows"], ledgers[s][key + "_rows"] + ledgers[l][key + "_rows"])
		self.assertAlmostEqual(ar_outstanding(s), ar[s] + ar[l], places=2)

		# The chosen value won, gaps were filled, the loser's credit limit came over, the snapshot is whole.
		doc = frappe.get_doc("Customer", s)
		self.assertEqual(doc.tax_id, frappe.parse_json(self.loser_snapshot(log))["tax_id"])
		self.assertEqual(doc.website, "https://loser.example.com")
		self.assertEqual([r.credit_limit for r in doc.credit_limits], [50_000])
		snapshot = json.loads(self.loser_snapshot(log))
		self.assertEqual(snapshot["name"], l)
		self.assertEqual(len(snapshot["credit_limits"]), 1)

		# The manifest lists every moved row with its old value; the name still resolves; the timeline moved.
		manifest = job.manifest(log)
		moved = {(r.doctype, r.field, r.name) for r in manifest if r.kind != "child"}
		self.assertEqual(moved, {k for k, v in before.items() if v == l})
		self.assertTrue(all(r.old_value == l for r in manifest if r.kind != "child"))
		self.assertEqual(resolve_customer(l), s)
		self.assertEqual(api.resolve(l)["resolved"], s)
		with self.assertRaises(
			frappe.DoesNotExistError
		) as merged:  # a bookmark to the loser says where it went
			check_customer_read(l)
		self.assertIn("was merged into", str(merged.exception))
		self.assertEqual(timeline_sources(l), set())
		# The loser's own milestones (sources/customer.py: became a customer, first purchase) go with its record.
		self.assertLessEqual(events - {("Customer", l)}, timeline_sources(s))

		# Undo: every document points where it did, the loser is back as it was, the ledgers split again.
		undone = run(api.undo, log)
		self.assertEqual(undone["status"], "Undone", undone["message"])
		back = linked([s, l])
		self.assertEqual({k: back[k] for k in before}, before)
		extra = {k[:2] for k in back if k not in before}
		self.assertLessEqual(extra, OWN_TRACES, extra)
		for c in (s, l):
			self.assertEqual(ledger(c), ledgers[c])
			self.assertAlmostEqual(ar_outstanding(c), ar[c], places=2)
		restored = frappe.get_doc("Customer", l)
		self.assertEqual(
			[r.name for r in restored.credit_limits], [r["name"] for r in snapshot["credit_limits"]]
		)
		doc = frappe.get_doc("Customer", s)
		self.assertEqual(doc.credit_limits, [])
		self.assertNotEqual(doc.website, "https://loser.example.com")
		self.assertEqual(resolve_customer(l), l)
		self.assertTrue(timeline_sources(l))
		with self.assertRaises(frappe.ValidationError):
			api.undo(log)  # once only

	def loser_snapshot(self, log: str) -> str:
		return frappe.db.get_value(job.LOSER, {"parent": log}, "snapshot")

	def test_undo_refuses_when_unsafe_and_lists_why(self):
		s = make_customer()
		name = unique("C360 Loser")
		l = make_customer(name)
		notes = [
			frappe.get_doc({"doctype": "Customer Note", "customer": l, "content": f"n{i}"}).insert().name
			for i in range(3)
		]
		log = run(api.merge, s, [l])["log"]
		other = make_customer()
		frappe.db.set_value("Customer Note", notes[0], "customer", other)  # re-pointed since
		frappe.delete_doc("Customer Note", notes[1])  # deleted since
		self.assertEqual(make_customer(name), l)  # the loser's name taken by a new customer
		frappe.db.commit()
		blockers = api.undo_check(log)["blockers"]
		self.assertEqual(
			{(b["doctype"], b["name"]) for b in blockers},
			{("Customer", l), ("Customer Note", notes[0]), ("Customer Note", notes[1])},
		)
		with self.assertRaises(frappe.ValidationError) as e:
			api.undo(log)
		for text in ("changed since the merge", "deleted since the merge", "used by another customer"):
			self.assertIn(text, str(e.exception))
		self.assertEqual(frappe.db.get_value(job.LOG, log, "status"), "Done")
		self.assertEqual(frappe.db.get_value("Customer Note", notes[2], "customer"), s)

	def test_bad_requests_are_refused_clearly(self):
		s, l = make_customer(), make_customer()
		off = make_customer(disabled=1)
		cases = [
			((s, [s]), "into itself"),
			((s, []), "at least one duplicate"),
			(("", [l]), "survives the merge"),
			((s, ["No Such Customer 360"]), "does not exist"),
			(("No Such Customer 360", [l]), "does not exist"),
			((off, [l]), "is disabled"),
		]
		for args, text in cases:
			with self.subTest(args=args), self.assertRaises(frappe.ValidationError) as e:
				api.merge(*args)
			self.assertIn(text, str(e.exception))
		with self.assertRaises(frappe.ValidationError) as e:
			api.merge(s, [l], choices={"no_such_field": l})
		self.assertIn("no such field", str(e.exception))
		with self.assertRaises(frappe.ValidationError):
			api.undo("CML-NOPE")
		self.assertFalse(frappe.get_all(job.LOG, filters={"survivor": s}))

	def test_a_second_merge_of_the_same_customer_is_refused_while_one_runs(self):
		s, l, x = make_customer(), make_customer(), make_customer()
		lock.acquire([l], "CML-TEST")  # a merge holding l
		try:
			for args in ((s, [l]), (l, [x]), (x, [s, l])):
				with self.subTest(args=args), self.assertRaises(frappe.ValidationError) as e:
					api.merge(*args)
				self.assertIn("Already being merged", str(e.exception))
		finally:
			lock.release([l], "CML-TEST")
		# For real: the first request locks both customers until its job ends.
		first = api.merge(s, [l])
		with self.assertRaises(frappe.ValidationError):
			api.merge(x, [l])
		with self.assertRaises(frappe.ValidationError):
			api.merge(s, [x])
		wait_for_jobs(first["job_id"])
		self.assertEqual(frappe.db.get_value(job.LOG, first["log"], "status"), "Done")
		self.assertFalse(lock.locked([s, l, x]))
		with self.assertRaises(frappe.ValidationError) as e:
			api.merge(x, [l])  # l is gone now: say where it went
		self.assertIn("already merged into", str(e.exception))

	def test_only_the_merge_capability_may_merge(self):
		s, l = make_customer(), make_customer()
		for role in ("Sales User", "Accounts Manager"):
			frappe.set_user(make_user([role]))
			for call in (
				lambda: api.preview(s, [l]),
				lambda: api.merge(s, [l]),
				lambda: api.find_duplicates(),
				lambda: api.undo("CML-00001"),
				lambda: api.recent_logs(),
			):
				with self.subTest(role=role), self.assertRaises(frappe.PermissionError):
					call()
		# The capability alone is not enough: ERPNext's own rights on the customers too (test_merge_security).
		frappe.set_user(make_user(["Customer 360 Manager", "Sales Master Manager"]))
		self.assertEqual(api.preview(s, [l])["survivor"], s)

	def test_duplicates_are_found_and_warned_about(self):
		email = f"dup-{random_string(8).lower()}@example.com"
		tax = f"DE{random_string(9).upper()}"
		a = make_customer(unique("Zebulon Widgets Ltd"), tax_id=tax)
		b = make_customer(unique("Zebulon Widgets Limited"), tax_id=tax)
		erp.contact(a, email)
		erp.contact(b, email)
		frappe.db.commit()
		warning = api.duplicate_warning(a)
		self.assertIn(b, [m["customer"] for m in warning["matches"]])
		self.assertTrue(warning["can_merge"])
		found = api.find_duplicates(refresh=True, limit=500)
		groups = [g for g in found["groups"] if a in {c["name"] for c in g["customers"]}]
		self.assertEqual(len(groups), 1)
		self.assertIn(b, {c["name"] for c in groups[0]["customers"]})
		self.assertGreaterEqual(groups[0]["score"], 60)

	def test_a_failed_merge_keeps_its_manifest_and_can_be_undone(self):
		from unittest.mock import patch

		s, l = make_customer(), make_customer()
		notes = [
			frappe.get_doc({"doctype": "Customer Note", "customer": l, "content": f"n{i}"}).insert().name
			for i in range(3)
		]
		erp.todo(l, "follow up")
		log = job.create_log(s, [l])
		frappe.db.commit()
		# Run the job here, failing after the rows moved and before the loser is deleted.
		with patch.object(job, "_finish", side_effect=RuntimeError("disk full")):
			job.run_merge(log)
		state = frappe.db.get_value(job.LOG, log, ["status", "message"], as_dict=True)
		self.assertEqual(state.status, "Failed")
		self.assertIn("disk full", state.message)
		self.assertFalse(lock.locked([s, l]))
		self.assertTrue(frappe.db.exists("Customer", l))  # not deleted: the last step never ran
		moved = {r.name for r in job.manifest(log) if r.doctype == "Customer Note"}
		self.assertEqual(moved, set(notes))  # what moved is in the manifest
		self.assertEqual({frappe.db.get_value("Customer Note", n, "customer") for n in notes}, {s})

		undone = run(api.undo, log)
		self.assertEqual(undone["status"], "Undone", undone["message"])
		self.assertEqual({frappe.db.get_value("Customer Note", n, "customer") for n in notes}, {l})
		self.assertEqual(frappe.db.count("ToDo", {"reference_type": "Customer", "reference_name": l}), 1)

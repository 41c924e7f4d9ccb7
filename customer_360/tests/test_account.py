"""The account: People panel (contacts of the customer and its Lead, roles, activity per person), lifecycle, audit trail, related records."""

from __future__ import annotations

import json
from urllib.parse import quote

import frappe
from frappe.desk.doctype.tag.tag import add_tag
from frappe.utils import add_days, add_to_date, now_datetime, nowdate, random_string

from customer_360 import lifecycle
from customer_360.api import account as account_api
from customer_360.api import interactions as interactions_api
from customer_360.api import notes as notes_api
from customer_360.api import people as people_api
from customer_360.api import risk as risk_api
from customer_360.core import audit as core_audit
from customer_360.risk_health import job
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.utils import C360TestCase, make_customer, make_user


def lead_with_contact():
	lead = frappe.get_doc(
		{"doctype": "Lead", "lead_name": "C360 Lead " + random_string(5), "company_name": random_string(8)}
	).insert(ignore_permissions=True)
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Lead Person " + random_string(4),
			"links": [{"link_doctype": "Lead", "link_name": lead.name}],
		}
	).insert(ignore_permissions=True)
	return lead.name, contact.name


class TestPeople(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		lead, cls.early_contact = lead_with_contact()
		cls.customer = make_customer(lead_name=lead)  # ERPNext links the Lead's contacts to the customer
		cls.lead_contact = (
			frappe.get_doc(
				{
					"doctype": "Contact",
					"first_name": "Late Lead Person " + random_string(4),
					"links": [{"link_doctype": "Lead", "link_name": lead}],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)  # met on the Lead after it became a customer
		cls.lead = lead
		cls.buyer = erp.contact(cls.customer)
		cls.sponsor = erp.contact(cls.customer)
		cls.silent = erp.contact(cls.customer)
		cls.stranger = erp.contact(make_customer())  # another customer's contact
		erp.email("Order question", cls.buyer.email_ids[0].email_id)
		erp.email("Follow-up", cls.buyer.email_ids[0].email_id)
		interactions_api.log_interaction(
			cls.customer,
			"call",
			"Renewal call",
			interaction_time=str(now_datetime()),
			contact=cls.sponsor.name,
		)
		interactions_api.log_interaction(
			cls.customer, "visit", "Old visit", interaction_time=f"{add_days(nowdate(), -200)} 10:00:00",
			contact=cls.silent.name,
		)  # fmt: skip
		wait_for_jobs()

	def test_people_lists_customer_and_lead_contacts_with_activity(self):
		people_api.set_account_role(self.customer, self.sponsor.name, "Executive Sponsor")
		out = people_api.get_people(self.customer)
		by_name = {p["name"]: p for p in out["people"]}
		mine = {self.buyer.name, self.sponsor.name, self.silent.name, self.lead_contact, self.early_contact}
		self.assertLessEqual(mine, set(by_name))
		self.assertNotIn(self.stranger.name, by_name)
		# Anything else listed is a contact ERPNext made for the Lead itself.
		for name in set(by_name) - mine:
			self.assertTrue(frappe.db.exists("Dynamic Link", {"parent": name, "link_name": self.lead}), name)
		self.assertEqual(by_name[self.lead_contact]["via"], "lead")
		self.assertEqual(by_name[self.buyer.name]["messages"], 2)
		self.assertEqual(by_name[self.buyer.name]["interactions"], 0)
		self.assertFalse(by_name[self.buyer.name]["quiet"])
		sponsor = by_name[self.sponsor.name]
		self.assertEqual((sponsor["interactions"], sponsor["account_role"]), (1, "Executive Sponsor"))
		self.assertEqual(sponsor["days_since_contact"], 0)
		# Last contacted 200 days ago: quiet (the default is 60 days); never contacted: quiet too.
		self.assertTrue(by_name[self.silent.name]["quiet"])
		self.assertEqual(by_name[self.silent.name]["days_since_contact"], 200)
		self.assertTrue(by_name[self.lead_contact]["quiet"])
		self.assertIsNone(by_name[self.lead_contact]["last_contact"])
		# Leaders first: the executive sponsor leads the list (no primary contact is set).
		self.assertEqual(out["people"][0]["name"], self.sponsor.name)

	def test_a_persons_activity_is_the_timeline_filtered_to_them(self):
		out = people_api.get_person_timeline(self.customer, self.buyer.name)
		self.assertEqual(len(out["events"]), 2)
		self.assertTrue(all(e["contact"] == self.buyer.name for e in out["events"]))
		self.assertEqual(
			[
				e["event_type"]
				for e in people_api.get_person_timeline(self.customer, self.sponsor.name)["events"]
			],
			["interaction"],
		)
		page = people_api.get_person_timeline(self.customer, self.buyer.name, limit=1)
		self.assertEqual(len(page["events"]), 1)
		rest = people_api.get_person_timeline(self.customer, self.buyer.name, cursor=page["next_cursor"])
		self.assertEqual(len(rest["events"]), 1)
		with self.assertRaises(frappe.DoesNotExistError):  # another customer's contact
			people_api.get_person_timeline(self.customer, self.stranger.name)

	def test_role_is_validated_and_needs_write_on_the_contact(self):
		with self.assertRaises(frappe.ValidationError):
			people_api.set_account_role(self.customer, self.buyer.name, "Kingmaker")
		with self.assertRaises(frappe.DoesNotExistError):
			people_api.set_account_role(self.customer, self.stranger.name, "Buyer")
		reader = make_user(["Sales User"])  # reads customers and contacts; may write Contacts too by default
		no_write = make_user(["Accounts User"])
		frappe.set_user(no_write)
		if not frappe.has_permission("Contact", "write"):
			with self.assertRaises(frappe.PermissionError):
				people_api.set_account_role(self.customer, self.buyer.name, "Buyer")
		frappe.set_user(reader)
		self.assertIn(self.buyer.name, [p["name"] for p in people_api.get_people(self.customer)["people"]])

	def test_people_of_a_customer_the_user_may_not_read_are_refused(self):
		other = make_customer()
		limited = make_user(["Sales User"])
		frappe.get_doc(
			{"doctype": "User Permission", "user": limited, "allow": "Customer", "for_value": other}
		).insert(ignore_permissions=True)
		frappe.set_user(limited)
		with self.assertRaises(frappe.PermissionError):
			people_api.get_people(self.customer)


class TestLifecycle(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.lapsing = make_customer()
		erp.sales_invoice(cls.lapsing, rate=120, posting_date=add_days(nowdate(), -150))
		erp.sales_invoice(cls.lapsing, rate=80, posting_date=add_days(nowdate(), -10))
		cls.risky = make_customer()
		erp.sales_invoice(cls.risky, rate=50, posting_date=add_days(nowdate(), -20))
		erp.sales_invoice(cls.risky, rate=60, posting_date=add_days(nowdate(), -12))
		wait_for_jobs()
		# The invoices' own recompute jobs recorded today's stage; these tests walk through time themselves.
		frappe.flags.c360_hooks_off = True
		frappe.db.delete(lifecycle.STAGE, {"customer": ["in", [cls.lapsing, cls.risky]]})
		# Flags and scores are today's, not those of the past days walked through (unpaid invoices are overdue).
		for doctype in ("Customer Risk Flag", "Customer Health Score"):
			frappe.db.delete(doctype, {"customer": ["in", [cls.lapsing, cls.risky]]})
		frappe.db.commit()
		cls.sales_user = make_user(["Sales User"])  # no risk capability

	@classmethod
	def tearDownClass(cls):
		frappe.flags.c360_hooks_off = False
		super().tearDownClass()

	def test_stages_follow_the_facts_and_are_kept_as_history(self):
		c = self.lapsing
		for days, stage in ((-200, "lead"), (-149, "first_purchase"), (-40, "dormant"), (-9, "won_back")):
			lifecycle.update([c], add_days(nowdate(), days))
			self.assertEqual(lifecycle.current_stages([c])[c].stage, stage, days)
		lifecycle.update([c], add_days(nowdate(), -9))  # a re-run the same day changes nothing
		out = account_api.get_lifecycle(c)
		self.assertEqual(
			[(h["stage"], h["since"], h["previous"]) for h in out["history"]],
			[
				("lead", str(add_days(nowdate(), -200)), None),
				("first_purchase", str(add_days(nowdate(), -149)), "lead"),
				("dormant", str(add_days(nowdate(), -40)), "first_purchase"),
				("won_back", str(add_days(nowdate(), -9)), "dormant"),
			],
		)
		self.assertEqual((out["stage"], out["label"]), ("won_back", "Won Back"))

	def test_nightly_job_records_at_risk_and_hides_it_without_the_risk_capability(self):
		c = self.risky
		lifecycle.update([c], add_days(nowdate(), -5))
		self.assertEqual(lifecycle.current_stages([c])[c].stage, "active")
		risk_api.raise_flag(c, "manual_flag", "Threatened to leave")
		job.recompute_customer(c)  # the nightly job's per-customer run: scores, flags, then stages
		self.assertEqual(account_api.get_lifecycle(c)["stage"], "at_risk")
		frappe.set_user(self.sales_user)
		out = account_api.get_lifecycle(c)
		self.assertEqual(out["stage"], "active")
		self.assertEqual([h["stage"] for h in out["history"]], ["active"])
		self.assertNotIn("at_risk", json.dumps(out))

	def test_stage_before_the_first_nightly_run_is_computed_without_a_date(self):
		out = account_api.get_lifecycle(make_customer())
		self.assertEqual((out["stage"], out["since"], out["history"]), ("lead", None, []))

	def test_history_never_blocks_deleting_the_customer(self):
		c = make_customer()
		lifecycle.update([c], nowdate())
		self.assertEqual(lifecycle.current_stages([c])[c].stage, "lead")
		frappe.delete_doc("Customer", c)
		self.assertFalse(frappe.db.exists(lifecycle.STAGE, {"customer": c}))


class TestAuditAndRelated(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.customer = c = make_customer()
		doc = frappe.get_doc("Customer", c)
		doc.customer_details = "Prefers mornings"
		doc.save(ignore_version=False)  # Frappe skips Versions under tests unless asked
		note = notes_api.add_note(c, "First note", scope="internal")["name"]
		notes_api.update_note(note, content="First note, edited")
		notes_api.update_note(note, scope="sales")
		gone = notes_api.add_note(c, "Short-lived", scope="internal")["name"]
		notes_api.delete_note(gone)
		flag = risk_api.raise_flag(c, "manual_flag", "Watch this one")["name"]
		risk_api.resolve_flag(flag, "Talked it through")
		now = now_datetime()
		frappe.get_doc(
			{"doctype": "Customer Merge Log", "survivor": c, "status": "Undone", "actor": "Administrator",
				"started": add_to_date(now, minutes=-5), "undone_by": "Administrator", "undone_at": now}
		).insert(ignore_permissions=True)  # fmt: skip
		for key, decision in (("win_back", "dismissed"), ("health_check_in", "accepted")):
			frappe.get_doc(
				{"doctype": "Customer Suggestion Decision", "customer": c, "suggestion_key": key,
					"decision": decision, "decided_by": "Administrator", "decided_on": now}
			).insert(ignore_permissions=True)  # fmt: skip
		todo = erp.todo(c, "Call about renewal")
		todo.status = "Closed"
		todo.save(ignore_permissions=True)
		add_tag("c360-audit", "Customer", c)
		frappe.get_doc(
			{"doctype": "File", "file_name": "contract.txt", "content": b"hello", "is_private": 1,
				"attached_to_doctype": "Customer", "attached_to_name": c}
		).insert(ignore_permissions=True)  # fmt: skip
		frappe.get_doc(
			{"doctype": "Access Log", "export_from": "Customer", "reference_document": c, "file_type": "PDF",
				"user": "Administrator", "method": "Print"}
		).insert(ignore_permissions=True)  # fmt: skip
		frappe.db.commit()

	def walk(self, limit: int) -> list[dict]:
		entries, cursor = [], None
		for _page in range(100):
			out = account_api.get_audit(self.customer, cursor=cursor, limit=limit)
			entries += out["entries"]
			cursor = out["next_cursor"]
			if not cursor:
				return entries
		self.fail("the audit never ended")

	def test_every_kind_appears_with_actor_and_time_and_pages_cleanly(self):
		entries = self.walk(limit=3)
		self.assertEqual({e["kind"] for e in entries}, set(core_audit.KINDS))
		self.assertTrue(all(e["actor"] and e["at"] for e in entries), entries)
		self.assertEqual(len({e["key"] for e in entries}), len(entries))  # no entry twice across pages
		self.assertEqual([e["at"] for e in entries], sorted((e["at"] for e in entries), reverse=True))
		self.assertEqual(len(entries), len(self.walk(limit=200)))
		scope = next(e for e in entries if e["kind"] == "note_scope_changed")
		self.assertEqual((scope["scope_from"], scope["scope_to"]), ("internal", "sales"))
		changed = next(e for e in entries if e["kind"] == "field_changed")
		self.assertIn("customer_details", changed["fields"])
		self.assertNotIn("Prefers mornings", json.dumps(entries, default=str))  # names of fields, not values

	def test_audit_is_filtered_by_what_the_reader_may_see(self):
		frappe.set_user(make_user(["Sales User"]))  # no risk capability, no merge log, no access log
		kinds = {e["kind"] for e in self.walk(limit=50)}
		for hidden in ("flag_raised", "flag_resolved", "merged", "merge_undone", "exported"):
			self.assertNotIn(hidden, kinds)
		self.assertIn("field_changed", kinds)
		with self.assertRaises(frappe.ValidationError):
			account_api.get_audit(self.customer, cursor="not-a-cursor")

	def test_related_records_link_to_their_forms_and_mask_amounts(self):
		order = erp.sales_order(self.customer, rate=432.1)
		issue = erp.issue(self.customer)
		frappe.db.commit()
		out = account_api.get_related(self.customer)
		orders = {r["name"]: r for r in out["orders"]}
		self.assertEqual(orders[order.name]["amount"], order.grand_total)
		self.assertIn(f"/{quote(order.name)}", orders[order.name]["url"])
		if out["issues"] is not None:
			self.assertIn(issue.name, [r["name"] for r in out["issues"]])
		frappe.set_user(make_user(["Sales User"]))
		out = account_api.get_related(self.customer)
		row = next(r for r in out["orders"] if r["name"] == order.name)
		self.assertIsNone(row["amount"])
		self.assertTrue(row["masked"])

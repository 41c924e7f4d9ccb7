"""The merge job's steps where they take shortcuts for speed (issue 18): only the link fields some row uses,
small fields committed together, a final sweep instead of Frappe's per-field delete checks, the link-field list
kept in Redis under the schema's fingerprint, and an undo that restores first and looks for blockers only when
its count comes out short. Each shortcut must lose nothing the long way kept."""

from unittest.mock import patch

import frappe

from customer_360.merge import job, links, lock
from customer_360.merge.log import row_name
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.utils import C360TestCase, make_customer


def note(customer: str, text: str = "n") -> str:
	return frappe.get_doc({"doctype": "Customer Note", "customer": customer, "content": text}).insert().name


def merge(survivor: str, loser: str) -> str:
	log = job.create_log(survivor, [loser])
	frappe.db.commit()
	job.run_merge(log)
	return log


def undo(log: str) -> None:
	"""As api.undo leaves it for the job (status Undoing, customers locked), then the job, here."""
	survivor, rows = job.log_customers(log)
	frappe.db.set_value(job.LOG, log, "status", "Undoing")
	lock.acquire([survivor, *(r.customer for r in rows)], log)
	frappe.db.commit()
	job.run_undo(log)


def state(log: str) -> frappe._dict:
	return frappe.db.get_value(
		job.LOG, log, ["status", "message", "rows_moved", "documents_moved"], as_dict=True
	)


class TestMergeSteps(C360TestCase):
	def tearDown(self):
		frappe.db.set_single_value("SMS Center", "customer", None)
		frappe.db.commit()
		wait_for_jobs()
		super().tearDown()

	def test_a_customer_that_survived_a_merge_can_be_merged_away_and_back(self):
		# Frappe's delete checks counted our own log's `survivor` link: b could never be merged into c.
		a, b, c = make_customer(), make_customer(), make_customer()
		notes = {x: note(x) for x in (a, b)}
		first = merge(b, a)
		self.assertEqual(state(first).status, "Done", state(first).message)
		second = merge(c, b)
		self.assertEqual(state(second).status, "Done", state(second).message)
		self.assertFalse(frappe.db.exists("Customer", b))
		self.assertEqual({frappe.db.get_value("Customer Note", n, "customer") for n in notes.values()}, {c})
		undo(second)
		self.assertEqual(state(second).status, "Undone", state(second).message)
		self.assertTrue(frappe.db.exists("Customer", b))
		self.assertEqual({frappe.db.get_value("Customer Note", n, "customer") for n in notes.values()}, {b})

	def test_a_row_that_comes_to_point_at_the_loser_while_the_job_runs_moves_too(self):
		s, l = make_customer(), make_customer()
		for i in range(3):
			note(l, f"n{i}")
		erp.todo(l, "call")
		linked = sum(links.count_rows([l], [l]).values())
		late = []
		step = job._step

		def step_then_a_user_writes(*args, **kwargs):
			step(*args, **kwargs)  # committed: the Customer Note field is done with
			if not late:
				late.append(note(l, "written meanwhile"))
				frappe.db.commit()

		with patch.object(job, "_step", side_effect=step_then_a_user_writes):
			log = merge(s, l)
		self.assertEqual(state(log).status, "Done", state(log).message)
		self.assertTrue(late)
		self.assertEqual(frappe.db.get_value("Customer Note", late[0], "customer"), s)
		recorded = {r.name for r in job.manifest(log) if r.doctype == "Customer Note"}
		self.assertIn(late[0], recorded)
		self.assertEqual(state(log).rows_moved, linked + 1)
		manifest = job.manifest(log)
		self.assertEqual(state(log).documents_moved, len({(r.doctype, r.name) for r in manifest}))
		self.assertFalse(sum(links.count_rows([l], [l]).values()))
		undo(log)
		self.assertEqual(frappe.db.get_value("Customer Note", late[0], "customer"), l)

	def test_a_field_with_more_rows_than_a_batch_moves_batch_by_batch_and_comes_back(self):
		s, l = make_customer(), make_customer()
		notes = [note(l, f"n{i}") for i in range(5)]
		own = note(s, "the survivor's own")
		linked = sum(links.count_rows([l], [l]).values())
		with patch.object(job, "REPOINT_BATCH", 2):  # the notes move 2 + 2 + 1, each batch its own commit
			log = merge(s, l)
		self.assertEqual(state(log).status, "Done", state(log).message)
		self.assertEqual({frappe.db.get_value("Customer Note", n, "customer") for n in [*notes, own]}, {s})
		recorded = [r.name for r in job.manifest(log) if r.doctype == "Customer Note"]
		self.assertEqual(sorted(recorded), sorted(notes))  # each moved note once, the survivor's own not
		self.assertEqual(state(log).rows_moved, linked)
		# Row names carry their number, zero-padded: sorted by name is sorted by idx (the undo reads ranges).
		rows = frappe.get_all(job.ROW, filters={"parent": log}, fields=["name", "idx"], order_by="idx asc")
		self.assertEqual([r.name for r in rows], [row_name(log, i) for i in range(1, len(rows) + 1)])
		undo(log)
		self.assertEqual(state(log).status, "Undone", state(log).message)
		self.assertEqual({frappe.db.get_value("Customer Note", n, "customer") for n in notes}, {l})
		self.assertEqual(frappe.db.get_value("Customer Note", own, "customer"), s)

	def test_a_row_that_changes_between_recording_and_moving_sends_the_field_the_exact_way(self):
		s, l, other = make_customer(), make_customer(), make_customer()
		notes = [note(l, f"n{i}") for i in range(4)]
		linked = sum(links.count_rows([l], [l]).values())
		repoint_next, exact = links.repoint_next, []

		def a_user_saves_one_meanwhile(lf, *args):
			if lf.doctype == "Customer Note" and not exact:
				# Between the plain read that recorded the notes and the UPDATE: one leaves the loser.
				frappe.db.set_value("Customer Note", notes[2], "customer", other, update_modified=False)
				exact.append(lf)
			return repoint_next(lf, *args)

		with patch.object(links, "repoint_next", side_effect=a_user_saves_one_meanwhile):
			log = merge(s, l)
		self.assertEqual(state(log).status, "Done", state(log).message)
		self.assertTrue(exact)
		# The field went back to its savepoint (the user's change in this test's transaction with it) and moved
		# the exact way: every note once in the manifest, numbered without a gap.
		self.assertEqual({frappe.db.get_value("Customer Note", n, "customer") for n in notes}, {s})
		recorded = [r.name for r in job.manifest(log) if r.doctype == "Customer Note"]
		self.assertEqual(sorted(recorded), sorted(notes))
		self.assertEqual(state(log).rows_moved, linked)
		rows = frappe.get_all(job.ROW, filters={"parent": log}, fields=["name", "idx"], order_by="idx asc")
		self.assertEqual([r.name for r in rows], [row_name(log, i) for i in range(1, len(rows) + 1)])
		undo(log)
		self.assertEqual({frappe.db.get_value("Customer Note", n, "customer") for n in notes}, {l})

	def test_a_single_holding_the_loser_stops_the_merge_before_the_loser_goes(self):
		s, l = make_customer(), make_customer()
		n = note(l)
		frappe.db.set_single_value("SMS Center", "customer", l)
		frappe.db.commit()
		log = merge(s, l)
		self.assertEqual(state(log).status, "Failed")
		self.assertIn("SMS Center", state(log).message)
		self.assertTrue(frappe.db.exists("Customer", l))
		self.assertEqual(frappe.db.get_value("Customer Note", n, "customer"), s)  # what moved stays recorded
		undo(log)
		self.assertEqual(state(log).status, "Undone", state(log).message)
		self.assertEqual(frappe.db.get_value("Customer Note", n, "customer"), l)

	def test_the_undo_job_finds_a_row_changed_after_the_request_and_changes_nothing(self):
		s, l, other = make_customer(), make_customer(), make_customer()
		notes = [note(l, f"n{i}") for i in range(3)]
		log = merge(s, l)
		self.assertEqual(state(log).status, "Done", state(log).message)
		# After the request's check, before the job: one note re-pointed elsewhere.
		frappe.db.set_value("Customer Note", notes[1], "customer", other)
		undo(log)
		after = state(log)
		self.assertEqual(after.status, "Done")
		self.assertIn(notes[1], after.message)
		self.assertIn("changed since the merge", after.message)
		self.assertFalse(frappe.db.exists("Customer", l))  # the restore rolled back with the rest
		self.assertEqual([frappe.db.get_value("Customer Note", x, "customer") for x in notes], [s, other, s])
		self.assertFalse(lock.locked([s, l]))

	def test_the_link_field_list_follows_custom_fields_added_and_removed(self):
		field = "c360_test_referrer"
		links.link_fields()  # cached: in this request and in Redis
		frappe.get_doc(
			{"doctype": "Custom Field", "dt": "Note", "fieldname": field, "label": "C360 Test Referrer",
			 "fieldtype": "Link", "options": "Customer"}
		).insert(ignore_permissions=True)  # fmt: skip
		try:
			frappe.local.c360_merge_link_fields = None  # a new request or job
			self.assertIn(("Note", field), {(f.doctype, f.field) for f in links.link_fields()})
			s, l = make_customer(), make_customer()
			n = frappe.get_doc({"doctype": "Note", "title": "ref", field: l}).insert().name
			log = merge(s, l)
			self.assertEqual(state(log).status, "Done", state(log).message)
			self.assertEqual(frappe.db.get_value("Note", n, field), s)
			frappe.delete_doc("Note", n)
		finally:
			frappe.delete_doc("Custom Field", f"Note-{field}", ignore_permissions=True)
			frappe.db.commit()
		frappe.local.c360_merge_link_fields = None
		self.assertNotIn(("Note", field), {(f.doctype, f.field) for f in links.link_fields()})

"""The merge's manifest, packed (issue 18): one row per field and value naming its documents in a JSON array,
written by INSERT ... SELECT. Packing must keep what a row per document kept: each document's exact old value
(SQL's grouping ignores case), any name byte for byte, and the undo of a log written before rows were packed."""

import json
from unittest.mock import patch

import frappe

from customer_360.api import merge as api
from customer_360.merge import job, recorder
from customer_360.merge.log import manifest_groups, row_name
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.test_merge_steps import merge, note, state, undo
from customer_360.tests.utils import C360TestCase, make_customer


def packed(log: str, doctype: str) -> list[frappe._dict]:
	return frappe.get_all(
		job.ROW,
		filters={"parent": log, "ref_doctype": doctype},
		fields=["fieldname", "old_value", "new_value", "documents", "names", "ref_name"],
		order_by="idx asc",
	)


def customer_of(notes: list[str]) -> list[str]:
	# `binary`: the value byte for byte (a plain read would not tell "acme" from "ACME" in a comparison).
	return [
		frappe.db.sql("select cast(customer as binary) from `tabCustomer Note` where name = %s", n)[0][
			0
		].decode()
		for n in notes
	]


class TestMergeManifest(C360TestCase):
	def tearDown(self):
		wait_for_jobs()
		super().tearDown()

	def test_a_fields_documents_are_one_manifest_row_and_read_back_one_by_one(self):
		s, l = make_customer(), make_customer()
		notes = [note(l, f"n{i}") for i in range(5)]
		log = merge(s, l)
		self.assertEqual(state(log).status, "Done", state(log).message)
		(row,) = packed(log, "Customer Note")
		self.assertEqual((row.fieldname, row.old_value, row.new_value, row.documents), ("customer", l, s, 5))
		self.assertIsNone(row.ref_name)
		self.assertEqual(sorted(json.loads(row.names)), sorted(notes))
		rows = [r for r in job.manifest(log) if r.doctype == "Customer Note"]
		self.assertEqual(sorted(r.name for r in rows), sorted(notes))
		self.assertEqual({(r.field, r.old_value, r.new_value) for r in rows}, {("customer", l, s)})
		self.assertEqual(state(log).documents_moved, len({(r.doctype, r.name) for r in job.manifest(log)}))
		self.assertIn({"doctype": "Customer Note", "count": 5}, api.get_log(log)["documents"])
		undo(log)
		self.assertEqual(state(log).status, "Undone", state(log).message)
		self.assertEqual(customer_of(notes), [l] * 5)

	def test_values_that_differ_only_in_case_keep_each_its_own_old_value(self):
		s, l = make_customer(), make_customer()
		self.assertNotEqual(l, l.upper())
		notes = [note(l, f"n{i}") for i in range(4)]
		# Written past Frappe (an import, a script): SQL matches "ACME" to the customer "Acme", so the merge moves
		# these too, and grouping by the value would have given them one old value.
		frappe.db.sql(
			"update `tabCustomer Note` set customer = upper(customer) where name in %s", [notes[1:3]]
		)
		before = customer_of(notes)
		self.assertEqual(before, [l, l.upper(), l.upper(), l])
		log = merge(s, l)
		self.assertEqual(state(log).status, "Done", state(log).message)
		self.assertEqual(customer_of(notes), [s] * 4)
		rows = packed(log, "Customer Note")
		self.assertEqual(sorted((r.old_value, r.documents) for r in rows), sorted([(l, 2), (l.upper(), 2)]))
		old = {r.name: r.old_value for r in job.manifest(log) if r.doctype == "Customer Note"}
		self.assertEqual([old[n] for n in notes], before)
		undo(log)
		self.assertEqual(state(log).status, "Undone", state(log).message)
		self.assertEqual(customer_of(notes), before)

	def test_document_names_with_quotes_backslashes_and_other_scripts_survive_the_round_trip(self):
		s, l = make_customer(), make_customer()
		tag = frappe.generate_hash(length=8)  # the merge commits: names must not meet a previous run's
		hostile = [
			f'C360 "quoted" {tag}',
			f"C360 back\\slash\\{tag}",
			f"C360 it's ☃ é ü 名前 {tag}",
			f'["json", 1, "{tag}"]',
		]
		for name in hostile:
			frappe.db.sql("update `tabCustomer Note` set name = %s where name = %s", (name, note(l)))
		log = merge(s, l)
		self.assertEqual(state(log).status, "Done", state(log).message)
		self.assertEqual(customer_of(hostile), [s] * 4)
		recorded = {r.name for r in job.manifest(log) if r.doctype == "Customer Note"}
		self.assertEqual(recorded, set(hostile))
		undo(log)
		self.assertEqual(state(log).status, "Undone", state(log).message)
		self.assertEqual(customer_of(hostile), [l] * 4)

	def test_a_log_written_with_a_row_per_document_is_still_undone(self):
		# Logs merged by an earlier version name one document per row (ref_name) and no JSON array.
		s, l = make_customer(), make_customer()
		notes = [note(l, f"n{i}") for i in range(3)]
		log = merge(s, l)
		self.assertEqual(state(log).status, "Done", state(log).message)
		expected = job.manifest(log)
		frappe.db.delete(job.ROW, {"parent": log})
		for idx, r in enumerate(expected, 1):
			frappe.get_doc(
				{"doctype": job.ROW, "parent": log, "parenttype": job.LOG, "parentfield": "rows", "idx": idx,
				 "name": row_name(log, idx), "ref_doctype": r.doctype, "ref_name": r.name,
				 "fieldname": r.field, "old_value": r.old_value, "new_value": r.new_value, "kind": r.kind}
			).db_insert()  # fmt: skip
		frappe.db.commit()
		self.assertFalse(frappe.db.count(job.ROW, {"parent": log, "names": ["is", "set"]}))
		# As migrate leaves such rows: no array, `documents` at the column's default; each counts as one.
		self.assertEqual(set(frappe.get_all(job.ROW, {"parent": log}, pluck="documents")), {0})
		self.assertEqual(sum(g[3] for g in manifest_groups(log)), len(expected))
		self.assertEqual(job.manifest(log), expected)
		self.assertIn({"doctype": "Customer Note", "count": 3}, api.get_log(log)["documents"])
		undo(log)
		self.assertEqual(state(log).status, "Undone", state(log).message)
		self.assertEqual(customer_of(notes), [l] * 3)

	def test_an_array_the_server_cuts_short_is_written_again_in_full(self):
		mode = frappe.db.sql("select @@session.sql_mode")[0][0]
		lenient = ",".join(
			m for m in mode.split(",") if m not in ("STRICT_TRANS_TABLES", "STRICT_ALL_TABLES")
		)
		# Strict (Frappe's default): the server refuses the cut array. Not strict: it writes it, and the check
		# after the INSERT finds it.
		for sql_mode in (mode, lenient):
			with self.subTest(sql_mode=sql_mode):
				frappe.db.sql("set session sql_mode = %s", sql_mode)
				try:
					self.cut_array_round_trip()
				finally:
					frappe.db.sql("set session sql_mode = %s", mode)

	def cut_array_round_trip(self):
		s, l = make_customer(), make_customer()
		notes = [note(l, f"n{i}") for i in range(5)]
		# The array as MariaDB builds it, limited to 4 bytes less: cut inside the last name.
		whole = len(json.dumps(notes, separators=(",", ":")).encode())
		with patch.object(recorder, "ARRAY_BYTES", whole - 4):
			log = merge(s, l)
		self.assertEqual(state(log).status, "Done", state(log).message)
		(row,) = packed(log, "Customer Note")
		self.assertEqual((row.documents, sorted(json.loads(row.names))), (5, sorted(notes)))
		undo(log)
		self.assertEqual(state(log).status, "Undone", state(log).message)
		self.assertEqual(customer_of(notes), [l] * 5)

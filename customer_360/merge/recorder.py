"""The merge's manifest as the job writes it: a batch of a link field's rows recorded straight from the table
(INSERT ... SELECT, one manifest row per field and value naming the documents in a JSON array), re-pointed by
joining those names, forgotten when rolled back to a savepoint (customer_360.merge.job._repoint drives it)."""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import now_datetime
from pymysql.converters import escape_string

from customer_360.core.merge_plan import ManifestRow
from customer_360.merge.links import CUSTOMER, _params, written
from customer_360.merge.log import COLLATION, DOCS, LOG, NAME_DIGITS, ROW, ROW_FIELDS, row_name

# The most bytes a JSON array of names may take (group_concat_max_len, for the job's connection; the server caps
# it, at 1 GB here): far above a batch's (50,000 names of up to 140 characters: 7.2 MB).
ARRAY_BYTES = 4294967295
# MariaDB's "Row n was cut by JSON_ARRAYAGG()" (ER_CUT_VALUE_GROUP_CONCAT): a warning, an error in strict mode.
CUT_ARRAY = 1260


class _Recorder:
	"""Appends rows to the log's manifest (names <log>-<idx>), packed: one row per field, old value and new value
	of a batch, naming its documents in a JSON array."""

	def __init__(self, log: str):
		self.log = log
		self.idx = self.idx_before = frappe.db.count(ROW, {"parent": log, "parenttype": LOG})
		# What this recorder wrote, {doctype: {field: documents}}: the documents count without reading it back.
		self.recorded: dict[str, dict[str, int]] = {}
		# record_pointing's last batch: its rows' first and last idx, its documents.
		self.batch = (0, 0, 0)
		self.session: tuple | None = None  # the connection's settings before record_pointing changed them

	def _note(self, doctype: str, field: str, documents: int) -> None:
		fields = self.recorded.setdefault(doctype, {})
		fields[field] = fields.get(field, 0) + documents

	def documents(self) -> int:
		"""Distinct documents in the manifest. A field is recorded once per document (a re-pointed row no
		longer matches), so only a doctype recorded under several fields needs its names counted in SQL."""
		distinct = (
			f"select count(distinct r.ref_doctype, d.ref_name) from `tab{ROW}` r join {DOCS}"
			" where r.parent = %s and r.parenttype = %s"
		)
		if self.idx_before:  # rows written before this recorder (not by this job): count them all
			return frappe.db.sql(distinct, (self.log, LOG))[0][0]
		total = 0
		for doctype, fields in self.recorded.items():
			if len(fields) == 1:
				total += sum(fields.values())
			else:
				total += frappe.db.sql(distinct + " and r.ref_doctype = %s", (self.log, LOG, doctype))[0][0]
		return total

	def add(self, rows: list[ManifestRow]) -> None:
		"""`rows` appended in their order, each run of rows with the same doctype, field, values and kind in one."""
		runs: list[tuple[tuple, list[str]]] = []
		for r in rows:
			key = (r.doctype, r.field, r.old_value, r.new_value, r.kind)
			if runs and runs[-1][0] == key:
				runs[-1][1].append(r.name)
			else:
				runs.append((key, [r.name]))
		# Built by hand with the driver's own escaping: Frappe's bulk_insert goes through pypika, which costs
		# more than the whole re-pointing at 20k rows.
		q = lambda v: "'" + escape_string(str(v)) + "'"  # noqa: E731
		now, user = q(now_datetime()), q(frappe.session.user)
		head = f"{now}, {now}, {user}, {user}, 0, "
		tail = f", {q(self.log)}, {q(LOG)}, 'rows', "
		for start in range(0, len(runs), 1000):
			values = []
			for (doctype, field, old, new, kind), names in runs[start : start + 1000]:
				self.idx += 1
				self._note(doctype, field, len(names))
				fields = ", ".join(map(q, (doctype, field, old, new, kind, len(names), json.dumps(names))))
				values.append(f"({q(row_name(self.log, self.idx))}, {head}{self.idx}{tail}{fields})")
			frappe.db.sql(
				f"insert into `tab{ROW}` (name, creation, modified, owner, modified_by, docstatus, idx, parent,"
				f" parenttype, parentfield, {', '.join(ROW_FIELDS)}) values {', '.join(values)}"
			)

	def record_pointing(self, lf, losers: list[str], survivor: str, limit: int, lock: bool = False) -> int:
		"""Up to `limit` rows of link field `lf` still pointing at a loser (`limit` per value, several losers
		merged at once), appended to the manifest in one INSERT ... SELECT, one manifest row per old and new
		value naming the documents; `lock`: up to `limit` rows in all, read FOR UPDATE
		(none of them can change before the caller re-points exactly these rows and commits; a writer waits for
		the merge's commit). Without it, a plain read (the job runs in READ COMMITTED: no lock at all), and the
		caller checks its UPDATE changed as many rows (job._repoint). Returns how many documents; self.batch
		says which manifest rows hold them (numbered after the rows already recorded).

		Numbered by a session variable as the rows stream out: a window function made the server buffer and
		sort them first. Grouped by the field's value as SQL compares it, which ignores case and trailing
		spaces; should one group hold values that differ byte for byte (a row holding "acme " for "ACME"), or an
		array come out cut, the batch is read again and written from here, so each row keeps the exact value the
		undo puts back and the manifest names every document."""
		if self.session is None:
			self.session = frappe.db.sql(
				"select @@session.group_concat_max_len, @@session.collation_connection"
			)[0]
			# json_arrayagg is group_concat underneath, cut at group_concat_max_len (1 MB by default, some
			# 40,000 names). A cut array is refused in strict mode (CUT_ARRAY), written cut otherwise: the check
			# after the INSERT finds it (not JSON, fewer names than rows, or as long as the limit).
			frappe.db.sql(
				f"set session group_concat_max_len = {int(ARRAY_BYTES)}, collation_connection = {COLLATION}"
			)
		# The survivor pointing at a loser (its parent customer, say) would point at itself: cleared instead.
		new = "if(t.name = %(survivor)s, '', %(survivor)s)" if lf.doctype == CUSTOMER else "%(survivor)s"
		field, limit = f"t.`{lf.field}`", int(limit)
		pick = f"from {lf.table} t where {lf.where('t')}"
		if lock:  # only the batch read, so only the batch locked
			source = f"from (select t.name, {field} {pick} limit {limit} for update) t"
		else:  # the field's index read in order, grouped as it streams: a derived table cost twice as much
			source = pick
		seq = "@c360_merge_seq"
		# Set to the last number used by the one-row table joined first (read once, before any row); idx first
		# in the select list, which is evaluated left to right, so the name reads the number just assigned.
		name = f"concat(%(log)s, '-', lpad({seq}, greatest({NAME_DIGITS}, length({seq})), '0'))"  # row_name
		params = {
			**_params(losers, losers),
			"survivor": survivor,
			"idx": self.idx,
			"log": self.log,
			"logtype": LOG,
			"now": now_datetime(),
			"user": frappe.session.user,
			"doctype": lf.doctype,
			"field": lf.field,
			"kind": lf.kind,
		}
		try:
			frappe.db.sql(
				f"""insert into `tab{ROW}` (idx, name, creation, modified, owner, modified_by, docstatus, parent,
				parenttype, parentfield, {", ".join(ROW_FIELDS)})
			select {seq} := {seq} + 1, {name}, %(now)s, %(now)s, %(user)s, %(user)s, 0, %(log)s, %(logtype)s,
				'rows', %(doctype)s, %(field)s, g.old, g.new, %(kind)s, g.documents, g.names
			from (select {seq} := %(idx)s) seq, (
				select if(min(binary {field}) = max(binary {field}), min({field}), null) old, {new} new,
					least(count(*), {limit}) documents, json_arrayagg(t.name limit {limit}) names
				{source} group by {field}, new) g""",
				params,
			)
			rows = written()
		except Exception as e:
			if e.args[:1] != (CUT_ARRAY,):
				raise
			rows = None  # refused, in strict mode: nothing written, the batch is written from here
		if rows == 0:
			return 0
		sound = False
		if rows:  # written: is each array whole, with one old value?
			numbered, documents, sound = frappe.db.sql(
				f"""select {seq}, sum(documents), min(old_value is not null and json_valid(names)
				and json_length(names) = documents and length(names) < @@session.group_concat_max_len)
			from `tab{ROW}` where parent = %s and parenttype = %s and idx > %s""",
				(self.log, LOG, self.idx),
			)[0]
			if int(numbered) != self.idx + rows:  # a server that evaluated the select list in another order
				frappe.throw(_("The merge could not number its manifest rows."), frappe.ValidationError)
		first = self.idx + 1
		if sound:
			self.idx += rows
			self._note(lf.doctype, lf.field, int(documents))
		else:
			frappe.db.sql(
				f"delete from `tab{ROW}` where parent = %s and parenttype = %s and idx > %s",
				(self.log, LOG, self.idx),
			)
			found = frappe.db.sql(
				f"select t.name, {field}, {new} {pick} limit {limit}{' for update' if lock else ''}", params
			)
			found = sorted(found, key=lambda r: (r[1], r[2]))
			self.add([ManifestRow(lf.doctype, n, lf.field, old, new, lf.kind) for n, old, new in found])
			documents = len(found)
		self.batch = (first, self.idx, int(documents))
		return int(documents)

	def close(self) -> None:
		"""The connection's settings back as they were (the job's connection may serve more work)."""
		if self.session is not None:
			length, collation = self.session
			if str(collation).isidentifier():
				frappe.db.sql(
					f"set session group_concat_max_len = {int(length)}, collation_connection = {collation}"
				)
			self.session = None

	def forget(self, lf) -> None:
		"""The last batch of `lf` was rolled back (to a savepoint): number the next rows in its place."""
		first, _last, documents = self.batch
		self.idx = first - 1
		self._note(lf.doctype, lf.field, -documents)
		if not self.recorded[lf.doctype][lf.field]:
			del self.recorded[lf.doctype][lf.field]

	def repoint_recorded(self, lf, losers: list[str], survivor: str) -> int:
		"""Re-point exactly the documents record_pointing has just recorded (a batch of a field with more rows
		than one batch holds): one UPDATE joined to their names in the manifest. Returns how many changed."""
		first, last, _documents = self.batch
		new = "if(t.name = %(survivor)s, null, %(survivor)s)" if lf.doctype == CUSTOMER else "%(survivor)s"
		frappe.db.sql(
			f"""update `tab{ROW}` r join {DOCS} join {lf.table} t on t.name = d.ref_name set t.`{lf.field}` = {new}
			where r.parent = %(log)s and r.parenttype = %(logtype)s and r.name between %(first)s and %(last)s
			and {lf.where("t")}""",
			{
				**_params(losers, losers),
				"survivor": survivor,
				"log": self.log,
				"logtype": LOG,
				"first": row_name(self.log, first),
				"last": row_name(self.log, last),
			},
		)
		return written()

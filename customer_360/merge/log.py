"""The merge log: job ids, queueing, the log's rows (customers, manifest), its status fields and the
progress published to the page. The manifest is written and read back set-based: INSERT ... SELECT of the rows
a batch re-points (record_pointing), and for the undo one statement per (doctype, field) to find the rows that
changed since (changed_rows) and to put the others back (restore_recorded)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import now_datetime
from pymysql.converters import escape_string

from customer_360.core.merge_plan import ManifestRow
from customer_360.merge import lock
from customer_360.merge.links import CUSTOMER, _params, written

LOG = "Customer Merge Log"
ROW = "Customer Merge Log Row"
LOSER = "Customer Merge Log Loser"
PROGRESS_EVENT = "customer_360_merge_progress"
TIMELINE = "Customer Timeline Event"
NAME_DIGITS = 9  # manifest row numbers, zero-padded in row names (row_name)
ROW_FIELDS = ("ref_doctype", "ref_name", "fieldname", "old_value", "new_value", "kind")


def merge_job_id(log: str) -> str:
	return f"customer_360:merge:{log}"


def undo_job_id(log: str) -> str:
	return f"customer_360:undo:{log}"


def enqueue(action: str, log: str) -> str:
	job_id = merge_job_id(log) if action == "merge" else undo_job_id(log)
	frappe.enqueue(
		f"customer_360.merge.job.run_{action}",
		queue="long",
		timeout=4 * 3600,
		job_id=job_id,
		deduplicate=True,
		enqueue_after_commit=True,
		log=log,
	)
	return job_id


def create_log(survivor: str, losers: list[str], choices: dict | None = None) -> str:
	"""The Queued log of a validated request, with the customers' locks taken (owner: the log)."""
	name_of = lambda n: frappe.db.get_value("Customer", n, "customer_name")  # noqa: E731
	log = frappe.get_doc(
		{
			"doctype": LOG,
			"survivor": survivor,
			"survivor_name": name_of(survivor),
			"merged_customers": ", ".join(losers),
			"status": "Queued",
			"actor": frappe.session.user,
			"choices": frappe.as_json(choices or {}, indent=1),
			"losers": [{"customer": n, "customer_name": name_of(n)} for n in losers],
		}
	).insert(ignore_permissions=True)
	customers = [survivor, *losers]
	lock.acquire(customers, log.name)
	# Should the caller's transaction roll back, no job will run: give the customers back.
	frappe.db.after_rollback.add(lambda: lock.release(customers, log.name))
	return log.name


def log_customers(log: str) -> tuple[str, list[dict]]:
	survivor = frappe.db.get_value(LOG, log, "survivor")
	losers = frappe.get_all(
		LOSER,
		filters={"parent": log, "parenttype": LOG},
		fields=["name", "customer", "deleted", "snapshot"],
		order_by="idx asc",
	)
	return survivor, losers


def manifest(log: str) -> list[ManifestRow]:
	rows = frappe.db.sql(
		f"select {', '.join(ROW_FIELDS)} from `tab{ROW}` where parent = %s and parenttype = %s order by idx",
		(log, LOG),
	)
	return [
		ManifestRow(dt, name, field, old or "", new or "", kind) for dt, name, field, old, new, kind in rows
	]


def _set(log: str, **values) -> None:
	frappe.db.set_value(LOG, log, values, update_modified=False)


class _Recorder:
	"""Appends manifest rows to the log in bulk (one INSERT per batch, names <log>-<idx>)."""

	def __init__(self, log: str):
		self.log = log
		self.idx = self.idx_before = frappe.db.count(ROW, {"parent": log, "parenttype": LOG})
		# What this recorder wrote, {doctype: {field: rows}}: the documents count without reading it back.
		self.recorded: dict[str, dict[str, int]] = {}

	def _note(self, doctype: str, field: str, rows: int) -> None:
		fields = self.recorded.setdefault(doctype, {})
		fields[field] = fields.get(field, 0) + rows

	def documents(self) -> int:
		"""Distinct documents in the manifest. A field is recorded once per document (a re-pointed row no
		longer matches), so only a doctype recorded under several fields needs its names counted in SQL."""
		distinct = (
			"select count(distinct ref_doctype, ref_name) from `tab{0}` where parent = %s and parenttype = %s"
		)
		if self.idx_before:  # rows written before this recorder (not by this job): count them all
			return frappe.db.sql(distinct.format(ROW), (self.log, LOG))[0][0]
		total = 0
		for doctype, fields in self.recorded.items():
			if len(fields) == 1:
				total += sum(fields.values())
			else:
				total += frappe.db.sql(
					distinct.format(ROW) + " and ref_doctype = %s", (self.log, LOG, doctype)
				)[0][0]
		return total

	def add(self, rows: list[ManifestRow]) -> None:
		if not rows:
			return
		# Built by hand with the driver's own escaping: Frappe's bulk_insert goes through pypika, which costs
		# more than the whole re-pointing at 20k rows.
		q = lambda v: "'" + escape_string(str(v)) + "'"  # noqa: E731
		now, user = q(now_datetime()), q(frappe.session.user)
		head = f"{now}, {now}, {user}, {user}, 0, "
		tail = f", {q(self.log)}, {q(LOG)}, 'rows', "
		for start in range(0, len(rows), 1000):
			values = []
			for r in rows[start : start + 1000]:
				self.idx += 1
				self._note(r.doctype, r.field, 1)
				fields = (r.doctype, r.name, r.field, r.old_value, r.new_value, r.kind)
				values.append(
					f"({q(row_name(self.log, self.idx))}, {head}{self.idx}{tail}{', '.join(map(q, fields))})"
				)
			frappe.db.sql(
				f"insert into `tab{ROW}` (name, creation, modified, owner, modified_by, docstatus, idx, parent,"
				f" parenttype, parentfield, {', '.join(ROW_FIELDS)}) values {', '.join(values)}"
			)

	def record_pointing(self, lf, losers: list[str], survivor: str, limit: int, lock: bool = False) -> int:
		"""Up to `limit` rows of link field `lf` still pointing at a loser, appended to the manifest in one
		INSERT ... SELECT; `lock`: read FOR UPDATE (none of them can change before the caller re-points exactly
		these rows and commits; a writer waits for the merge's commit). Without it, a plain read (the job runs in
		READ COMMITTED: no lock at all), and the caller checks its UPDATE changed as many rows (job._repoint).
		Returns how many; they are numbered after the rows already recorded.

		Numbered by a session variable as the rows stream out, in no particular order: a window function
		(row_number() over (order by name)) made the server buffer and sort every row first, a third of the
		step's time. The rows of one statement still form one name range (row_name), all the undo needs."""

		# The survivor pointing at a loser (its parent customer, say) would point at itself: cleared instead.
		new = "if(t.name = %(survivor)s, '', %(survivor)s)" if lf.doctype == CUSTOMER else "%(survivor)s"
		seq = "@c360_merge_seq"
		# Set to the last number used by the one-row table joined first (read once, before any row); idx first
		# in the select list, which is evaluated left to right, so the name reads the number just assigned
		# (checked below: a server that evaluated it otherwise would leave the count and the variable apart).
		name = f"concat(%(log)s, '-', lpad({seq}, greatest({NAME_DIGITS}, length({seq})), '0'))"  # row_name
		frappe.db.sql(
			f"""insert into `tab{ROW}` (idx, name, creation, modified, owner, modified_by, docstatus, parent,
				parenttype, parentfield, {", ".join(ROW_FIELDS)})
			select {seq} := {seq} + 1, {name}, %(now)s, %(now)s, %(user)s, %(user)s, 0, %(log)s,
				%(logtype)s, 'rows', %(doctype)s, t.name, %(field)s, t.`{lf.field}`, {new}, %(kind)s
			from (select {seq} := %(idx)s) seq, {lf.table} t where {lf.where()} limit {int(limit)}{" for update" if lock else ""}""",
			{
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
			},
		)
		added = written()
		if added:
			if int(frappe.db.sql(f"select {seq}")[0][0]) != self.idx + added:
				frappe.throw(_("The merge could not number its manifest rows."), frappe.ValidationError)
			self.idx += added
			self._note(lf.doctype, lf.field, added)
		return added

	def forget(self, lf, added: int) -> None:
		"""The last `added` rows of `lf` were rolled back (to a savepoint): number the next ones in their place."""
		self.idx -= added
		self._note(lf.doctype, lf.field, -added)
		if not self.recorded[lf.doctype][lf.field]:
			del self.recorded[lf.doctype][lf.field]

	def repoint_recorded(self, lf, losers: list[str], survivor: str, added: int) -> int:
		"""Re-point exactly the `added` rows record_pointing has just recorded (a batch of a field with more rows
		than one batch holds): one UPDATE joined to their name range in the manifest. Returns how many changed."""
		new = "if(t.name = %(survivor)s, null, %(survivor)s)" if lf.doctype == CUSTOMER else "%(survivor)s"
		frappe.db.sql(
			f"""update `tab{ROW}` r join {lf.table} t on t.name = r.ref_name set t.`{lf.field}` = {new}
			where r.parent = %(log)s and r.parenttype = %(logtype)s and r.name between %(first)s and %(last)s
			and {lf.where("t")}""",
			{
				**_params(losers, losers),
				"survivor": survivor,
				"log": self.log,
				"logtype": LOG,
				"first": row_name(self.log, self.idx - added + 1),
				"last": row_name(self.log, self.idx),
			},
		)
		return written()


# --- the undo, set-based: the manifest is read and written back in SQL, one statement per (doctype, field)


def manifest_groups(log: str) -> list[tuple[str, str, bool, int, str, str]]:
	"""(doctype, field, child rows?, rows, first row name, last row name) of each (doctype, field) in the
	manifest, child rows (the survivor's copies, field "parent") apart: what the undo needs to know of the
	manifest, in one read of the log's rows (it read them three times: to count, to find the fields, to find
	the child rows; a third of the undo's time on v16)."""
	return [
		(doctype, field, bool(child), int(rows), first, last)
		for doctype, field, child, rows, first, last in frappe.db.sql(
			f"""select ref_doctype, fieldname, kind = 'child', count(*), min(name), max(name) from `tab{ROW}`
			where parent = %s and parenttype = %s group by ref_doctype, fieldname, kind = 'child'
			order by ref_doctype, fieldname""",
			(log, LOG),
		)
	]


def _manifest_fields(log: str, groups: list | None = None) -> list[tuple[str, str, str, str]]:
	"""(doctype, field, first row name, last row name) of each field the manifest re-pointed."""
	return [
		(doctype, field, first, last)
		for doctype, field, child, _rows, first, last in (manifest_groups(log) if groups is None else groups)
		if not child
	]


# The log's manifest rows of one (doctype, field), child rows aside, as `r`. A field's rows were recorded one
# after the other under names that sort by number (row_name), so the name range reads them and little else;
# by `parent` alone each statement walked the whole log (ten fields of 23,000 rows: 230,000 reads). The
# range only narrows the read: the other conditions decide.
_OF_FIELD = (
	"r.parent = %(log)s and r.parenttype = %(logtype)s and r.name between %(first)s and %(last)s"
	" and r.ref_doctype = %(doctype)s and r.fieldname = %(field)s and r.kind != 'child'"
)
# Byte for byte, as core.merge_plan compares: SQL's "=" ignores case and trailing spaces.
_STILL_NEW = "binary coalesce(t.`{field}`, '') = binary coalesce(r.new_value, '')"


def _of_field(log: str, doctype: str, field: str, first: str, last: str) -> dict:
	return {"log": log, "logtype": LOG, "doctype": doctype, "field": field, "first": first, "last": last}


def changed_rows(log: str) -> tuple[list[ManifestRow], dict[tuple[str, str, str], object]]:
	"""The manifest rows (child rows aside) whose document is gone or whose field no longer holds what the
	merge wrote, and their current values, for core.merge_plan.undo_blockers. Every other row holds its new
	value, so it cannot block: the filter is SQL, the verdict and its wording stay in core."""
	rows, current = [], {}
	for doctype, field, first, last in _manifest_fields(log):
		params = _of_field(log, doctype, field, first, last)
		if not (frappe.db.table_exists(doctype) and frappe.db.has_column(doctype, field)):
			# The whole doctype is gone (its app uninstalled): every row reads as deleted.
			found = frappe.db.sql(
				f"select r.ref_name, r.old_value, r.new_value, r.kind, 0, null from `tab{ROW}` r"
				f" where {_OF_FIELD} order by r.idx",
				params,
			)
		else:
			found = frappe.db.sql(
				f"""select r.ref_name, r.old_value, r.new_value, r.kind, t.name is not null, t.`{field}`
				from `tab{ROW}` r left join `tab{doctype}` t on t.name = r.ref_name
				where {_OF_FIELD} and (t.name is null or not {_STILL_NEW.format(field=field)}) order by r.idx""",
				params,
			)
		for name, old, new, kind, exists, now in found:
			rows.append(ManifestRow(doctype, name, field, old or "", new or "", kind))
			if exists:
				current[(doctype, name, field)] = now
	return rows, current


def restore_recorded(log: str, groups: list | None = None) -> int:
	"""Every re-pointed field back to its old value ("" = NULL), one UPDATE joined to the manifest per
	(doctype, field). The caller has checked that nothing blocks and that no field is recorded twice; should a
	row still not hold its new value, the count comes out short and the caller rolls back. `groups`: the
	manifest's manifest_groups, when the caller has read them already."""
	restored = 0
	for doctype, field, first, last in _manifest_fields(log, groups):
		frappe.db.sql(
			f"""update `tab{ROW}` r join `tab{doctype}` t on t.name = r.ref_name
			set t.`{field}` = nullif(r.old_value, '') where {_OF_FIELD} and {_STILL_NEW.format(field=field)}""",
			_of_field(log, doctype, field, first, last),
		)
		restored += written()
	return restored


def row_name(log: str, idx: int) -> str:
	"""A manifest row's name: the log and the row's number, zero-padded so names sort like numbers (rows are
	appended at the end of the table's primary key, and one field's rows form one name range)."""
	return f"{log}-{idx:0{NAME_DIGITS}d}"


def _publish(log: str, percent: float, status: str, description: str = "") -> None:
	percent = round(min(100.0, max(0.0, percent)), 1)
	_set(log, progress=percent)
	try:
		frappe.publish_progress(
			percent, title=_("Customer merge"), doctype=LOG, docname=log, description=description
		)
		frappe.publish_realtime(
			PROGRESS_EVENT,
			{"log": log, "percent": percent, "status": status, "description": description},
			user=frappe.session.user,
		)
	except Exception:
		pass  # progress is informative; a realtime hiccup must not stop the job

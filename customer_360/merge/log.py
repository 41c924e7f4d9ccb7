"""The merge log: job ids, queueing, the log's rows (customers, manifest), its status fields and the
progress published to the page. The manifest is written set-based (customer_360.merge.recorder: one row per
field and value naming the documents in a JSON array) and read back the same way: for the undo, one statement
per (doctype, field), joined to those names (DOCS), to find the documents that changed since (changed_rows) and
to put the others back (restore_recorded)."""

from __future__ import annotations

import frappe
from frappe import _

from customer_360.core.merge_plan import ManifestRow
from customer_360.merge import lock
from customer_360.merge.links import written

LOG = "Customer Merge Log"
ROW = "Customer Merge Log Row"
LOSER = "Customer Merge Log Loser"
PROGRESS_EVENT = "customer_360_merge_progress"
TIMELINE = "Customer Timeline Event"
NAME_DIGITS = 9  # manifest row numbers, zero-padded in row names (row_name)
# A manifest row's own columns, after the ones every child row has.
ROW_FIELDS = ("ref_doctype", "fieldname", "old_value", "new_value", "kind", "documents", "names")
# The documents of the manifest row `r`, one per row of `d` (d.ref_name; d.pos, its place in the row), for a
# join: a row names them in `names`, a JSON array (a row per document made writing the manifest cost as much
# as re-pointing); a row written before rows were packed names its one document in ref_name.
DOCS = (
	"json_table(if(r.names is null, json_array(r.ref_name), r.names),"
	" '$[*]' columns (pos for ordinality, ref_name varchar(255) collate utf8mb4_unicode_ci path '$')) d"
)
# Frappe makes every table utf8mb4_unicode_ci. v16's driver connects in the server's default collation for
# utf8mb4 (utf8mb4_general_ci): the names' JSON arrays then took three times as long to write, and a name read
# out of one is compared in the tables' collation (DOCS says it), so the join goes through their primary key.
COLLATION = "utf8mb4_unicode_ci"


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
	"""Every document of every row, in the order recorded."""
	rows = frappe.db.sql(
		f"""select r.ref_doctype, d.ref_name, r.fieldname, r.old_value, r.new_value, r.kind
		from `tab{ROW}` r join {DOCS} where r.parent = %s and r.parenttype = %s order by r.idx, d.pos""",
		(log, LOG),
	)
	return [
		ManifestRow(dt, name, field, old or "", new or "", kind) for dt, name, field, old, new, kind in rows
	]


def _set(log: str, **values) -> None:
	frappe.db.set_value(LOG, log, values, update_modified=False)


# --- the undo, set-based: the manifest is read and written back in SQL, one statement per (doctype, field)


def manifest_groups(log: str) -> list[tuple[str, str, bool, int, str, str]]:
	"""(doctype, field, child rows?, documents, first row name, last row name) of each (doctype, field) in the
	manifest, child rows (the survivor's copies, field "parent") apart: what the undo needs to know of the
	manifest, in one read of the log's rows (it read them three times: to count, to find the fields, to find
	the child rows; a third of the undo's time on v16)."""
	return [
		(doctype, field, bool(child), int(rows), first, last)
		for doctype, field, child, rows, first, last in frappe.db.sql(
			# `documents` as written (checked against each array then); a row from before packing names one
			# (its `documents` reads 0, the column's default).
			f"""select ref_doctype, fieldname, kind = 'child', sum(if(names is null, 1, documents)), min(name),
			max(name)
			from `tab{ROW}` where parent = %s and parenttype = %s
			group by ref_doctype, fieldname, kind = 'child' order by ref_doctype, fieldname""",
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


# The log's manifest rows of one (doctype, field), child rows aside, as `r` (their documents: DOCS). A field's
# rows were recorded one after the other under names that sort by number (row_name), so the name range reads
# them and little else; a log written before rows were packed has a row per document (ten fields of 23,000
# rows: by `parent` alone, 230,000 reads). The range only narrows the read: the other conditions decide.
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
				f"select d.ref_name, r.old_value, r.new_value, r.kind, 0, null from `tab{ROW}` r join {DOCS}"
				f" where {_OF_FIELD} order by r.idx, d.pos",
				params,
			)
		else:
			found = frappe.db.sql(
				f"""select d.ref_name, r.old_value, r.new_value, r.kind, t.name is not null, t.`{field}`
				from `tab{ROW}` r join {DOCS} left join `tab{doctype}` t on t.name = d.ref_name
				where {_OF_FIELD} and (t.name is null or not {_STILL_NEW.format(field=field)})
				order by r.idx, d.pos""",
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
			f"""update `tab{ROW}` r join {DOCS} join `tab{doctype}` t on t.name = d.ref_name
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

"""Every place in the installed apps that can hold a customer's name, and set-based reads and writes on them.

Found at run time, the way Frappe's own rename finds them (frappe.model.rename_doc / dynamic_links), so fields of
any installed app, child tables and Custom Fields are covered without a list to maintain:
- link: Link fields whose options is Customer (DocField, Custom Field, Property Setter), child tables included;
- party / dynamic: Dynamic Link fields (GL Entry / Payment Ledger Entry / Payment Entry / Journal Entry Account
  party, Contact and Address links, Communication reference and timeline links, Comment, ToDo, DocShare,
  User Permission, ...), restricted to rows whose doctype column says "Customer";
- dynamic pairs Frappe keeps in plain Data fields (File attachments, Version, Comment link, Energy Point Log,
  Notification Log), listed in DATA_PAIRS.

Not re-pointed here: Single doctypes (tool forms such as SMS Center hold a transient value: one naming a loser
stops the merge, singles_pointing), the timeline index (a derived table the indexer rebuilds), our own merge
logs, and the loser's own record and child rows (they are snapshotted and deleted with it).
The list is kept in Redis under a fingerprint of the schema tables (_schema); `pointing` asks which fields a
customer's rows use in one statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import astuple, dataclass

import frappe
from frappe.model.dynamic_links import get_dynamic_links
from frappe.model.rename_doc import get_link_fields

from customer_360.core.merge_plan import ManifestRow

CUSTOMER = "Customer"
# (doctype, doctype column, name column) pairs stored as Data rather than Dynamic Link.
DATA_PAIRS = (
	("File", "attached_to_doctype", "attached_to_name"),
	("Version", "ref_doctype", "docname"),
	("Comment", "link_doctype", "link_name"),
	("Energy Point Log", "reference_doctype", "reference_name"),
	("Notification Log", "document_type", "document_name"),
)
# Derived or bookkeeping tables: the indexer rebuilds the timeline; the logs describe merges themselves.
EXCLUDED = frozenset(
	{
		"Customer Timeline Event",
		"Customer Merge Log",
		"Customer Merge Log Row",
		"Customer Merge Log Loser",
		"Deleted Document",
	}
)
BATCH = 1000
FIELDS_CACHE_KEY = "customer_360:merge_link_fields:2"  # the stored shape's version after the colon
# Fields asked about per probe statement (pointing): bounded statement size, whatever the installed apps.
PROBE_CHUNK = 200


@dataclass(frozen=True)
class LinkField:
	doctype: str
	field: str
	type_field: str | None  # the column holding "Customer" for dynamic links, None for a Link
	kind: str  # link | dynamic | party
	istable: bool

	@property
	def table(self) -> str:
		return f"`tab{self.doctype}`"

	def where(self, alias: str = "") -> str:
		"""Rows of this field that point at one of %(customers)s, minus the losers' own record and rows. `alias`:
		the table's alias in a join (its columns qualified with it)."""
		t = f"{alias}." if alias else ""
		cond = f"{t}`{self.field}` in %(customers)s"
		if self.type_field:
			cond += f" and {t}`{self.type_field}` = 'Customer'"
		if self.doctype == CUSTOMER:
			cond += f" and {t}name not in %(losers)s"
		elif self.istable:
			cond += f" and not ({t}parenttype = 'Customer' and {t}parent in %(losers)s)"
		return cond


def link_fields() -> list[LinkField]:
	"""Every field that can point at a Customer, in a stable order (party fields first, then the rest)."""
	return list(_schema()[0])


def single_fields() -> list[tuple[str, str, str | None]]:
	"""(single doctype, field, doctype column or None) of the Link and Dynamic Link fields of Single doctypes."""
	return list(_schema()[1])


def _schema() -> tuple[list[LinkField], list[tuple]]:
	"""link_fields() and single_fields(), kept per request or job, and in Redis under the schema's fingerprint:
	building them reads ~150 doctypes' meta (0.25 s warm, seconds after a cache clear), more than the merge of
	a small customer; a DocType, Custom Field or Property Setter added, changed or removed changes the
	fingerprint."""
	cached = getattr(frappe.local, "c360_merge_link_fields", None)
	if cached is None:
		version = _schema_version()
		stored = frappe.cache.get_value(FIELDS_CACHE_KEY)
		if not (stored and stored.get("version") == version):
			fields, singles = _link_fields()
			stored = {"version": version, "fields": [astuple(f) for f in fields], "singles": singles}
			frappe.cache.set_value(FIELDS_CACHE_KEY, stored, expires_in_sec=24 * 3600)
		cached = [LinkField(*f) for f in stored["fields"]], [tuple(f) for f in stored["singles"]]
		frappe.local.c360_merge_link_fields = cached
	return cached


def _schema_version() -> str:
	"""Rows and last change of the tables link fields come from, in one query (small tables)."""
	parts = ", ".join(
		f"(select concat(count(*), '/', coalesce(max(modified), '')) from `tab{t}`)"
		for t in ("DocType", "DocField", "Custom Field", "Property Setter")
	)
	return "|".join(str(v) for v in frappe.db.sql(f"select {parts}")[0])


def _link_fields() -> tuple[list[LinkField], list[tuple]]:
	frappe.flags.link_fields = {}  # rename_doc caches per request; a Custom Field added since must count
	found: dict[tuple[str, str], LinkField] = {}
	singles: dict[tuple[str, str], str | None] = {}

	def add(doctype, field, type_field, kind):
		if doctype in EXCLUDED or (doctype, field) in found:
			return
		try:
			meta = frappe.get_meta(doctype)
		except frappe.DoesNotExistError:
			return
		if meta.issingle:
			singles[(doctype, field)] = type_field
			return
		if meta.is_virtual or not frappe.db.table_exists(doctype):
			return
		if not frappe.db.has_column(doctype, field) or (
			type_field and not frappe.db.has_column(doctype, type_field)
		):
			return
		found[(doctype, field)] = LinkField(doctype, field, type_field, kind, bool(meta.istable))

	for df in get_link_fields(CUSTOMER):
		add(df["parent"], df["fieldname"], None, "link")
	for df in get_dynamic_links():
		kind = "party" if df.options == "party_type" else "dynamic"
		add(df.parent, df.fieldname, df.options, kind)
	for doctype, type_field, field in DATA_PAIRS:
		add(doctype, field, type_field, "dynamic")
	fields = sorted(found.values(), key=lambda f: (f.kind != "party", f.kind, f.doctype, f.field))
	return fields, sorted((d, f, t) for (d, f), t in singles.items())


ISOLATION_LEVELS = ("READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE")


def read_committed() -> str:
	"""Run this connection's next transactions in READ COMMITTED; returns the level it had, for set_isolation.
	(The current transaction keeps its level: the server fixes it when a transaction starts.) The merge job's
	recording reads then take no lock: in REPEATABLE READ the server share-locks every row an INSERT ... SELECT
	reads (for statement replication), which the re-pointing UPDATE must then upgrade."""
	try:
		before = frappe.db.sql("select @@session.tx_isolation")[0][0]
	except Exception:  # MariaDB 11.1 renamed it (the old name stays an alias for now)
		before = frappe.db.sql("select @@session.transaction_isolation")[0][0]
	set_isolation("READ COMMITTED")
	return str(before).replace("-", " ").upper()


def set_isolation(level: str) -> None:
	if level in ISOLATION_LEVELS:
		frappe.db.sql(f"set session transaction isolation level {level}")


def written() -> int:
	"""Rows the last statement inserted or changed, as the driver reported them with its result (pymysql's
	rowcount): the same figure as `select row_count()`, without a round trip per statement. Frappe has no public
	accessor; its own test case (IntegrationTestCase's query counter) reads the same cursor attribute."""
	return int(frappe.db._cursor.rowcount)


def _params(customers: Iterable[str], losers: Iterable[str]) -> dict:
	customers = list(customers)
	# "in ()" is invalid SQL: a name no customer can have stands in for an empty list.
	return {"customers": customers or ["\x00"], "losers": list(losers) or ["\x00"]}


def pointing(fields: list[LinkField], customers: Iterable[str], losers: Iterable[str]) -> list[LinkField]:
	"""The fields (of `fields`, same order) with at least one row pointing at `customers`: one round trip for
	all of them (a UNION ALL of one-row probes), where asking field by field cost ~150 round trips, most of
	them for fields no row of these customers uses."""
	out: list[LinkField] = []
	params = _params(customers, losers)
	for start in range(0, len(fields), PROBE_CHUNK):
		chunk = fields[start : start + PROBE_CHUNK]
		sql = " union all ".join(
			f"(select {i} from {lf.table} where {lf.where()} limit 1)" for i, lf in enumerate(chunk)
		)
		found = {int(r[0]) for r in frappe.db.sql(sql, params)}
		out.extend(lf for i, lf in enumerate(chunk) if i in found)
	return out


def singles_pointing(customers: list[str]) -> list[str]:
	"""Single doctypes (tool forms, settings) whose Link or Dynamic Link field holds one of `customers`. The
	merge does not re-point them (a tool's value is transient); like Frappe's delete checks, one found stops
	the merge before the customer is deleted. One query on tabSingles (a dynamic one's type column with it)."""
	fields = single_fields()
	if not fields or not customers:
		return []
	pairs = " or ".join(
		f"(s.doctype = {frappe.db.escape(d)} and s.field = {frappe.db.escape(f)}"
		+ (
			f" and exists (select 1 from `tabSingles` k where k.doctype = s.doctype"
			f" and k.field = {frappe.db.escape(t)} and k.value = 'Customer'))"
			if t
			else ")"
		)
		for d, f, t in fields
	)
	return frappe.db.sql(
		f"select distinct s.doctype from `tabSingles` s where s.value in %(c)s and ({pairs}) order by 1",
		{"c": customers},
		pluck=True,
	)


def find_rows(lf: LinkField, customers: Iterable[str], losers: Iterable[str]) -> list[tuple[str, str]]:
	"""(name, current value) of this field's rows pointing at `customers`, by name."""
	sql = f"select name, `{lf.field}` from {lf.table} where {lf.where()} order by name"
	return frappe.db.sql(sql, _params(customers, losers))


def count_rows(customers: Iterable[str], losers: Iterable[str] = ()) -> dict[tuple[str, str, str], int]:
	"""{(doctype, field, customer): rows} for every link field, one grouped query per field."""
	out: dict[tuple[str, str, str], int] = {}
	params = _params(customers, losers)
	for lf in link_fields():
		for value, n in frappe.db.sql(
			f"select `{lf.field}`, count(*) from {lf.table} where {lf.where()} group by `{lf.field}`", params
		):
			out[(lf.doctype, lf.field, value)] = n
	return out


def scan(losers: list[str], survivor: str) -> list[ManifestRow]:
	"""The rows a merge of `losers` into `survivor` would re-point (the preview; the job re-reads as it goes)."""
	rows = []
	for lf in link_fields():
		for name, value in find_rows(lf, losers, losers):
			rows.append(planned_row(lf, name, value, survivor))
	return rows


def planned_row(lf: LinkField, name: str, old: str, survivor: str) -> ManifestRow:
	# The survivor pointing at a loser (its parent customer, say) would point at itself after the merge: cleared.
	new = "" if (lf.doctype == CUSTOMER and name == survivor) else survivor
	return ManifestRow(lf.doctype, name, lf.field, old, new, lf.kind)


def _group(rows: Iterable[ManifestRow]) -> dict[tuple, list[str]]:
	groups: dict[tuple, list[str]] = defaultdict(list)
	for r in rows:
		groups[(r.doctype, r.field, r.old_value, r.new_value)].append(r.name)
	return groups


def apply(rows: Iterable[ManifestRow]) -> None:
	"""Set each row's field from old_value to new_value ("" = NULL), only where it still holds old_value.
	`modified` is left alone, as Frappe's rename does: re-pointing is not an edit of the document."""
	for (doctype, field, old, new), names in _group(rows).items():
		holds_old = f"`{field}` = %(old)s" if old else f"(`{field}` is null or `{field}` = '')"
		for start in range(0, len(names), BATCH):
			frappe.db.sql(
				f"update `tab{doctype}` set `{field}` = %(new)s where name in %(names)s and {holds_old}",
				{"new": new or None, "old": old, "names": names[start : start + BATCH]},
			)


def repoint_next(lf: LinkField, losers: list[str], survivor: str) -> int:
	"""Re-point every row of `lf` still pointing at a loser, through the field's own index: the rows the caller
	has just recorded, all of them unless one came or went since (the caller compares the count, job._repoint).
	One UPDATE; `modified` is left alone, as Frappe's rename does. Returns how many changed."""
	new = "if(name = %(survivor)s, null, %(survivor)s)" if lf.doctype == CUSTOMER else "%(survivor)s"
	frappe.db.sql(
		f"update {lf.table} set `{lf.field}` = {new} where {lf.where()}",
		{**_params(losers, losers), "survivor": survivor},
	)
	return written()

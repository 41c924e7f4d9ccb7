"""Every place in the installed apps that can hold a customer's name, and set-based reads and writes on them.

Found at run time, the way Frappe's own rename finds them (frappe.model.rename_doc / dynamic_links), so fields of
any installed app, child tables and Custom Fields are covered without a list to maintain:
- link: Link fields whose options is Customer (DocField, Custom Field, Property Setter), child tables included;
- party / dynamic: Dynamic Link fields (GL Entry / Payment Ledger Entry / Payment Entry / Journal Entry Account
  party, Contact and Address links, Communication reference and timeline links, Comment, ToDo, DocShare,
  User Permission, ...), restricted to rows whose doctype column says "Customer";
- dynamic pairs Frappe keeps in plain Data fields (File attachments, Version, Comment link, Energy Point Log,
  Notification Log), listed in DATA_PAIRS.

Not re-pointed here: Single doctypes (tool forms such as SMS Center hold a transient value), the timeline index
(a derived table the indexer rebuilds), our own merge logs, and the loser's own record and child rows (they are
snapshotted and deleted with it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

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

	def where(self) -> str:
		"""Rows of this field that point at one of %(customers)s, minus the losers' own record and rows."""
		cond = f"`{self.field}` in %(customers)s"
		if self.type_field:
			cond += f" and `{self.type_field}` = 'Customer'"
		if self.doctype == CUSTOMER:
			cond += " and name not in %(losers)s"
		elif self.istable:
			cond += " and not (parenttype = 'Customer' and parent in %(losers)s)"
		return cond


def link_fields() -> list[LinkField]:
	"""Every field that can point at a Customer, in a stable order (party fields first, then the rest).
	Built once per request or job (reading ~150 doctypes' meta); a Custom Field added since counts next time."""
	cached = getattr(frappe.local, "c360_merge_link_fields", None)
	if cached is None:
		cached = frappe.local.c360_merge_link_fields = _link_fields()
	return list(cached)


def _link_fields() -> list[LinkField]:
	frappe.flags.link_fields = {}  # rename_doc caches per request; a Custom Field added since must count
	found: dict[tuple[str, str], LinkField] = {}

	def add(doctype, field, type_field, kind):
		if doctype in EXCLUDED or (doctype, field) in found:
			return
		try:
			meta = frappe.get_meta(doctype)
		except frappe.DoesNotExistError:
			return
		if meta.issingle or meta.is_virtual or not frappe.db.table_exists(doctype):
			return
		if not frappe.db.has_column(doctype, field) or (
			type_field and not frappe.db.has_column(doctype, type_field)
		):
			return
		found[(doctype, field)] = LinkField(doctype, field, type_field, kind, bool(meta.istable))

	for df in get_link_fields(CUSTOMER):
		if not df.get("issingle"):
			add(df["parent"], df["fieldname"], None, "link")
	for df in get_dynamic_links():
		kind = "party" if df.options == "party_type" else "dynamic"
		add(df.parent, df.fieldname, df.options, kind)
	for doctype, type_field, field in DATA_PAIRS:
		add(doctype, field, type_field, "dynamic")
	return sorted(found.values(), key=lambda f: (f.kind != "party", f.kind, f.doctype, f.field))


def _params(customers: Iterable[str], losers: Iterable[str]) -> dict:
	customers = list(customers)
	# "in ()" is invalid SQL: a name no customer can have stands in for an empty list.
	return {"customers": customers or ["\x00"], "losers": list(losers) or ["\x00"]}


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


def repoint_next(lf: LinkField, losers: list[str], survivor: str, limit: int) -> int:
	"""Re-point the next `limit` rows of `lf` still pointing at a loser, by name: the rows the caller has just
	recorded with the same condition, order and limit (log.record_pointing read them FOR UPDATE in this
	transaction, with their index range: nothing can have changed or slipped in since). One UPDATE; `modified`
	is left alone, as Frappe's rename does. Returns how many changed."""
	new = "if(name = %(survivor)s, null, %(survivor)s)" if lf.doctype == CUSTOMER else "%(survivor)s"
	frappe.db.sql(
		f"update {lf.table} set `{lf.field}` = {new} where {lf.where()} order by name limit {int(limit)}",
		{**_params(losers, losers), "survivor": survivor},
	)
	return int(frappe.db.sql("select row_count()")[0][0])

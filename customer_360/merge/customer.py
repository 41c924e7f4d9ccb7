"""The customer records themselves: which fields can conflict, the loser's snapshot and its restore, and the
loser's child rows that the survivor takes over (ERPNext's own merge drops them)."""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.model import default_fields, no_value_fields, table_fields

CUSTOMER = "Customer"
SCORE = "Customer Health Score"
DELETED_ROWS = "__c360_deleted_rows"

# Not offered as conflicts: naming, the state of the record, and where it came from (the survivor's own wins).
NOT_MERGED = frozenset(
	{
		"naming_series",
		"disabled",
		"is_internal_customer",
		"represents_company",
		"lead_name",
		"opportunity_name",
		"prospect_name",
	}
)
# How a child row of the loser is matched with the survivor's: a row for the same key is the survivor's
# already (its value wins; the loser's stays in the snapshot). None: copied only when the survivor has none
# (sales team percentages must add up to 100). Other tables: copied unless an identical row exists.
CHILD_KEYS: dict[str, tuple[str, ...] | None] = {
	"Party Account": ("company",),
	"Customer Credit Limit": ("company",),
	"Allowed To Transact With": ("company",),
	"Portal User": ("user",),
	"Sales Team": None,
}
_CHILD_META = frozenset({*default_fields, "parent", "parenttype", "parentfield", "idx", "doctype"})


def conflict_fields() -> dict[str, str]:
	"""Customer fields whose values the user may choose between, fieldname -> translated label, form order."""
	out = {}
	for df in frappe.get_meta(CUSTOMER).fields:
		if (
			df.fieldtype in no_value_fields
			or df.fieldtype in table_fields
			or df.read_only
			or df.hidden
			or df.get("is_virtual")
			or df.fieldname in NOT_MERGED
		):
			continue
		out[df.fieldname] = _(df.label or df.fieldname)
	return out


def values(name: str, fields) -> dict:
	row = frappe.db.get_value(CUSTOMER, name, list(fields), as_dict=True) or {}
	return {"name": name, **row}


def customer_link_fields() -> set[str]:
	return {
		df.fieldname
		for df in frappe.get_meta(CUSTOMER).fields
		if df.fieldtype == "Link" and df.options == CUSTOMER
	}


def drop_self_links(updates: dict, survivor: str, losers: list[str]) -> dict:
	"""A Customer link the survivor takes from a loser may name the survivor or a loser (say the loser's parent
	was the survivor): after the merge that would be the survivor pointing at itself, so it is cleared."""
	own = customer_link_fields()
	return {f: (None if f in own and v in (survivor, *losers) else v) for f, v in updates.items()}


# ---------------------------------------------------------------- snapshot


def snapshot(name: str, extra_rows: list[dict] | None = None) -> str:
	"""The customer with every child row (names, creation, owner kept) as JSON, plus rows the merge deletes."""
	data = frappe.get_doc(CUSTOMER, name).as_dict(convert_dates_to_str=True)
	data[DELETED_ROWS] = extra_rows or []
	return frappe.as_json(data, indent=None)


def restore(snapshot_json: str) -> str:
	"""Put the customer back exactly as snapshotted (same name and child row names), without validation: it
	was valid then, and the rows pointing at it come back with the manifest."""
	data = json.loads(snapshot_json)
	extra = data.pop(DELETED_ROWS, [])
	doc = frappe.get_doc(data)
	doc.db_insert()
	for child in doc.get_all_children():
		child.db_insert()
	for row in extra:
		restored = frappe.get_doc(row)
		restored.db_insert()
		for child in restored.get_all_children():
			child.db_insert()
	doc.clear_cache()
	return doc.name


def conflicting_scores(survivor: str, losers: list[str]) -> dict[str, list[str]]:
	"""Health score rows the losers hold for a day the survivor (or an earlier loser) already has a score.
	The (customer, score_date) key is unique: these cannot move, so the merge deletes them and keeps them in
	the snapshot for undo (the nightly job scores the survivor anyway)."""
	if not frappe.db.table_exists(SCORE):
		return {}
	taken = set(frappe.get_all(SCORE, filters={"customer": survivor}, pluck="score_date"))
	out = {}
	for loser in losers:
		rows = frappe.get_all(SCORE, filters={"customer": loser}, fields=["name", "score_date"])
		out[loser] = [r.name for r in rows if r.score_date in taken]
		taken.update(r.score_date for r in rows)
	return out


def score_rows(names: list[str]) -> list[dict]:
	return [frappe.get_doc(SCORE, n).as_dict(convert_dates_to_str=True) for n in names]


# ---------------------------------------------------------------- child rows


def _row_values(row) -> dict:
	return {k: v for k, v in row.items() if k not in _CHILD_META and not k.startswith("_")}


def _same_row(a: dict, b: dict) -> bool:
	return all((a.get(k) or None) == (b.get(k) or None) for k in set(a) | set(b))


def have_child_rows(loser_snapshots: list[dict]) -> bool:
	"""Whether any loser had a child row the survivor could take over (rows_to_copy has anything to look at)."""
	tables = [df.fieldname for df in frappe.get_meta(CUSTOMER).get_table_fields()]
	return any(snap.get(t) for snap in loser_snapshots for t in tables)


def rows_to_copy(survivor_doc, loser_snapshots: list[dict]) -> list[tuple[str, dict]]:
	"""(table field, row values) of the losers' child rows the survivor takes over."""
	out = []
	for df in frappe.get_meta(CUSTOMER).get_table_fields():
		mine = [_row_values(r.as_dict()) for r in survivor_doc.get(df.fieldname) or []]
		keys = CHILD_KEYS.get(df.options, ())
		if keys is None and mine:
			continue
		for snap in loser_snapshots:
			if keys is None and mine:
				break  # one loser's team at most: two full teams would add up to 200%
			for row in snap.get(df.fieldname) or []:
				values_ = _row_values(row)
				if keys:
					if any(all(m.get(k) == values_.get(k) for k in keys) for m in mine):
						continue
				elif any(_same_row(m, values_) for m in mine):
					continue
				out.append((df.fieldname, values_))
				mine.append(values_)
	return out

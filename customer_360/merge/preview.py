"""What a merge would do, before it does anything: every record that moves, counted per doctype and field,
the field conflicts with each customer's value, the child rows the survivor takes over, and what is rebuilt."""

from __future__ import annotations

from collections import Counter

import frappe

from customer_360.core.merge_plan import field_conflicts, preview_counts
from customer_360.merge import customer as cust
from customer_360.merge import links

KIND_LABELS = {"link": "Link", "party": "Party", "dynamic": "Dynamic Link", "child": "Child row"}


def build(survivor: str, losers: list[str]) -> dict:
	rows = links.scan(losers, survivor)
	documents = preview_counts(rows)
	per_field = Counter((r.doctype, r.field, r.kind) for r in rows)
	fields = cust.conflict_fields()
	survivor_values = cust.values(survivor, fields)
	loser_values = [cust.values(n, fields) for n in losers]
	conflicts = [
		{
			"field": c.field,
			"label": c.label,
			"values": c.values,
			"default": survivor if survivor in c.values else next(iter(c.values)),
		}
		for c in field_conflicts(survivor_values, loser_values, fields)
	]
	survivor_doc = frappe.get_doc("Customer", survivor)
	snapshots = [frappe.get_doc("Customer", n).as_dict() for n in losers]
	copies = Counter(fieldname for fieldname, _values in cust.rows_to_copy(survivor_doc, snapshots))
	dropped_scores = sum(len(v) for v in cust.conflicting_scores(survivor, losers).values())
	timeline = frappe.db.count("Customer Timeline Event", {"customer": ["in", losers]})
	names = {
		n: frappe.db.get_value("Customer", n, ["customer_name", "disabled"], as_dict=True)
		for n in (survivor, *losers)
	}
	return {
		"survivor": survivor,
		"losers": losers,
		"customers": {
			n: {"customer_name": v.customer_name, "disabled": bool(v.disabled)} for n, v in names.items()
		},
		"documents": [{"doctype": dt, "count": n} for dt, n in documents.items()],
		"fields": [
			{"doctype": dt, "field": f, "kind": KIND_LABELS[k], "count": n}
			for (dt, f, k), n in sorted(per_field.items(), key=lambda kv: (-kv[1], kv[0]))
		],
		"total_documents": sum(documents.values()),
		"total_rows": len(rows),
		"conflicts": conflicts,
		"child_rows": [
			{"table": frappe.get_meta("Customer").get_field(f).label, "count": n} for f, n in copies.items()
		],
		"timeline_events": timeline,
		"dropped_health_scores": dropped_scores,
	}

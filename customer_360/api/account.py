"""The account around a customer: its lifecycle stage and history, the group or household it heads, and its
related open records. Permission check on the first line of each method; figures masked per customer."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint

from customer_360 import audit, group, lifecycle, related, rollup, timeline
from customer_360.core import audit as core_audit
from customer_360.core import lifecycle as core_lifecycle
from customer_360.core import timeline as core_timeline
from customer_360.permissions import capabilities_for, check_customer_read


@frappe.whitelist()
@frappe.read_only()
def get_lifecycle(customer: str) -> dict:
	"""The current stage and every change with its date, oldest first. A reader without the risk capability
	sees risk-derived stages as the stage beneath (core.lifecycle.visible_history)."""
	check_customer_read(customer)
	see_risk = capabilities_for(customer).see_risk
	rows = core_lifecycle.visible_history(lifecycle.history(customer), see_risk)
	history = [
		{
			"stage": r["stage"],
			"label": _(core_lifecycle.STAGE_LABELS[r["stage"]]),
			"since": str(r["since"]),
			"previous": r["previous"],
		}
		for r in rows
	]
	current = history[-1] if history else None
	if current is None:
		# Not recorded yet (a new customer before the nightly job): today's stage, without a date.
		stage = core_lifecycle.visible_stage(lifecycle.derive_now(customer), see_risk)
		if stage:
			current = {"stage": stage, "label": _(core_lifecycle.STAGE_LABELS[stage]), "since": None}
	return {
		"customer": customer,
		"stage": current["stage"] if current else None,
		"label": current["label"] if current else None,
		"since": current["since"] if current else None,
		"history": history,
	}


@frappe.whitelist()
@frappe.read_only()
def get_audit(customer: str, cursor: str | None = None, limit: int = core_audit.DEFAULT_LIMIT) -> dict:
	"""The complete audit trail, newest first: {"entries": [...], "next_cursor": str | None}. Each entry has
	kind, at, actor, key and, where it applies, doctype, docname, label, fields, scope_from / scope_to."""
	check_customer_read(customer)
	limit = max(1, min(cint(limit) or core_audit.DEFAULT_LIMIT, core_audit.MAX_LIMIT))
	after = None
	if cursor:
		try:
			after = core_timeline.decode_cursor(cursor)
		except core_timeline.QueryError:
			frappe.throw(_("Invalid audit cursor."), frappe.ValidationError)
	out = audit.trail(customer, capabilities_for(customer), after, limit)
	rows = out["entries"]
	for row in rows:
		row["kind_label"] = _(core_audit.KIND_LABELS[row["kind"]])
	return {
		"entries": rows,
		"next_cursor": core_timeline.encode_cursor(rows[-1]["at"], rows[-1]["key"]) if out["more"] else None,
	}


@frappe.whitelist()
@frappe.read_only()
def get_related(customer: str) -> dict:
	"""Open opportunities (amount for finance readers), open orders, open issues, contracts with renewal dates;
	each row carries the URL of its form."""
	check_customer_read(customer)
	return related.related(customer, capabilities_for(customer))


@frappe.whitelist()
@frappe.read_only()
def get_group(customer: str) -> dict:
	"""The group or household `customer` heads: its readable members with their health, flags, lifetime value
	and last activity, and the roll-up (lifetime value summed, health weighted by revenue, flags counted).
	Figures are masked with the reader's capabilities on `customer` (as the money roll-up)."""
	check_customer_read(customer)
	return group.group_view(customer, capabilities_for(customer))


@frappe.whitelist()
@frappe.read_only()
def get_group_timeline(
	customer: str,
	member: str | None = None,
	cursor: str | None = None,
	limit: int = core_timeline.DEFAULT_LIMIT,
	event_types: str | list | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	search: str | None = None,
) -> dict:
	"""The events of the group's readable members (or of one `member`), each naming its customer."""
	check_customer_read(customer)
	customers = rollup.timeline_customers(customer, member or None)
	return timeline.read(
		customer, cursor, limit, event_types, from_date, to_date, search, customers=customers
	)

"""The documents behind a new automatic flag, fetched only for the flags actually being raised.

Facts are aggregates (counts and sums over every customer); listing every credit note, issue or returned
delivery of every customer each night just to attach a few to the rare new flag would be waste. So the job
asks here, once per flag type, for the customers that get a new flag of that type.
"""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe.query_builder import DocType

from customer_360.core.risk import Detection
from customer_360.facts.issues import claim_documents
from customer_360.facts.issues import tracked as issue_tracking
from customer_360.risk_health.common import EVIDENCE_LIMIT, Windows

SI = DocType("Sales Invoice")
SO = DocType("Sales Order")
DN = DocType("Delivery Note")


def fill(to_raise: dict[str, list[Detection]], w: Windows) -> None:
	"""Give each detection without evidence the newest documents behind it (in place)."""
	wanted: dict[str, list[str]] = defaultdict(list)
	for customer, detections in to_raise.items():
		for d in detections:
			if not d.evidence and d.flag_type in _FINDERS:
				wanted[d.flag_type].append(customer)
	for flag_type, customers in wanted.items():
		found = _FINDERS[flag_type](customers, w)
		for customer in customers:
			for d in to_raise[customer]:
				if d.flag_type == flag_type:
					d.evidence = found.get(customer, [])[:EVIDENCE_LIMIT]


def _newest(doctype: str, table, date_column, condition, customers: list[str]) -> dict[str, list]:
	rows = (
		frappe.qb.from_(table)
		.select(table.customer, table.name)
		.where(condition & table.customer.isin(customers))
		.orderby(date_column, order=frappe.qb.desc)
		.orderby(table.name, order=frappe.qb.desc)
		.run()
	)
	out = defaultdict(list)
	for customer, name in rows:
		out[customer].append((doctype, name))
	return out


def _in_window(column, w: Windows):
	return (column > w.start) & (column <= w.today)


def _refunds(customers, w):
	condition = (SI.docstatus == 1) & (SI.is_return == 1) & _in_window(SI.posting_date, w)
	return _newest("Sales Invoice", SI, SI.posting_date, condition, customers)


def _claims(customers, w):
	if not issue_tracking():
		return {}
	# Issues and warranty claims, as the fact behind the rule counts them.
	return claim_documents(customers, w.start, w.today)


def _delivery_failures(customers, w):
	condition = (DN.docstatus == 1) & (DN.is_return == 1) & _in_window(DN.posting_date, w)
	return _newest("Delivery Note", DN, DN.posting_date, condition, customers)


def _cancellations(customers, w):
	orders = _newest(
		"Sales Order",
		SO,
		SO.transaction_date,
		(SO.docstatus == 2) & _in_window(SO.transaction_date, w),
		customers,
	)
	invoices = _newest(
		"Sales Invoice",
		SI,
		SI.posting_date,
		(SI.docstatus == 2) & (SI.is_return == 0) & _in_window(SI.posting_date, w),
		customers,
	)
	docs = {c: orders.get(c, []) + invoices.get(c, []) for c in customers}
	amended = _amended([d for found in docs.values() for d in found])
	# A cancelled document that was amended is a correction, not a cancellation.
	return {c: [d for d in found if d not in amended] for c, found in docs.items()}


def _amended(docs: list[tuple[str, str]]) -> set[tuple[str, str]]:
	out = set()
	for doctype in {dt for dt, _ in docs}:
		names = [name for dt, name in docs if dt == doctype]
		table = DocType(doctype)
		rows = frappe.qb.from_(table).select(table.amended_from).where(table.amended_from.isin(names)).run()
		out.update((doctype, name) for (name,) in rows)
	return out


_FINDERS = {
	"frequent_refunds": _refunds,
	"frequent_claims": _claims,
	"delivery_failures": _delivery_failures,
	"cancellation_pattern": _cancellations,
}

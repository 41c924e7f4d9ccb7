"""Live 360 pages: after the indexer writes events, tell the pages open on those customers.

The message carries only the customer's name and goes to the Customer's document room, which Frappe's socket
server lets a user join only when they may read that customer. The page then asks the timeline API (which
applies every permission and mask) for what is new. Pages without a socket connection poll instead.
"""

from __future__ import annotations

import frappe
from frappe.query_builder import DocType

EVENT = "customer_360_timeline"
# A backfill or reconcile batch touches thousands of customers; nobody watches that many pages at once.
MAX_CUSTOMERS = 200


def customers_of(by_doctype: dict) -> list[str]:
	Event = DocType("Customer Timeline Event")
	found: set[str] = set()
	for doctype, names in by_doctype.items():
		if doctype == "Customer":
			continue
		names = sorted(names)
		for start in range(0, len(names), 1000):
			found.update(
				frappe.qb.from_(Event)
				.select(Event.customer)
				.distinct()
				.where(
					(Event.source_doctype == doctype) & Event.source_name.isin(names[start : start + 1000])
				)
				.run(pluck=True)
			)
			if len(found) >= MAX_CUSTOMERS:
				return sorted(found)[:MAX_CUSTOMERS]
	return sorted(found)


def notify_indexed(by_doctype: dict) -> None:
	"""Called by the indexer after it committed; never raises (indexing must not fail because of it)."""
	try:
		for customer in customers_of(by_doctype):
			frappe.publish_realtime(EVENT, {"customer": customer}, doctype="Customer", docname=customer)
	except Exception:
		try:
			frappe.log_error("customer_360: live update notification failed")
		except Exception:
			pass

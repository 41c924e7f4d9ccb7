"""Timeline API: one customer's events, newest first, keyset-paged, filtered by what the user may see."""

from __future__ import annotations

import frappe

from customer_360 import inputs, timeline
from customer_360.core import timeline as core
from customer_360.permissions import check_customer_read


@frappe.whitelist()
@frappe.read_only()
def get_timeline(
	customer: str,
	cursor: str | None = None,
	limit: int = core.DEFAULT_LIMIT,
	event_types: str | list | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	search: str | None = None,
	actor: str | None = None,
	facet: str | None = None,
) -> dict:
	check_customer_read(customer)
	actor = inputs.user(actor, "Actor")
	return timeline.read(customer, cursor, limit, event_types, from_date, to_date, search, actor, facet=facet)

"""Activity from the timeline index: the last customer-facing activity and recent engagement.

What counts is core.definitions (ACTIVITY_EVENT_TYPES, ENGAGEMENT_EVENT_TYPES); both queries read only the
(customer, event_type, event_time) index. A customer without any such event has no activity (None), which the
callers turn into "quiet since creation" (dormancy) or "no engagement data" (health).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Max
from frappe.utils import getdate

from customer_360.core.definitions import ACTIVITY_EVENT_TYPES, ENGAGEMENT_EVENT_TYPES

EVENT = DocType("Customer Timeline Event")


def _end(today: date) -> datetime:
	"""First moment after `today`: events dated later (a task due next week) are not activity yet."""
	return datetime.combine(today + timedelta(days=1), time.min)


def last_activity(customers: list[str] | None, today: date) -> dict[str, date]:
	"""customer -> day of its last customer-facing activity up to `today`.

	Grouped by (customer, event_type), the order of the (customer, event_type, event_time) index: MariaDB then
	jumps to each group's last entry ("index for group-by") instead of reading every event of the customer
	(a whale's 100,000 events: 20 ms instead of 700 ms); the types' maxima are folded here."""
	if customers is not None and not customers:
		return {}
	query = (
		frappe.qb.from_(EVENT)
		.select(EVENT.customer, EVENT.event_type, Max(EVENT.event_time))
		.where(EVENT.event_type.isin(ACTIVITY_EVENT_TYPES) & (EVENT.event_time < _end(today)))
		.groupby(EVENT.customer, EVENT.event_type)
	)
	if customers is not None:
		query = query.where(EVENT.customer.isin(customers))
	out: dict[str, date] = {}
	for customer, _type, at in query.run():
		if at and (day := getdate(at)) > out.get(customer, date.min):
			out[customer] = day
	return out


def engagement(customers: list[str] | None, since: date, today: date) -> dict[str, int]:
	"""customer -> engagement events from `since` to `today` (both days included)."""
	if customers is not None and not customers:
		return {}
	query = (
		frappe.qb.from_(EVENT)
		.select(EVENT.customer, Count(EVENT.name))
		.where(
			EVENT.event_type.isin(ENGAGEMENT_EVENT_TYPES)
			& (EVENT.event_time >= datetime.combine(since, time.min))
			& (EVENT.event_time < _end(today))
		)
		.groupby(EVENT.customer)
	)
	if customers is not None:
		query = query.where(EVENT.customer.isin(customers))
	return {customer: int(count or 0) for customer, count in query.run()}

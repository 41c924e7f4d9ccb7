"""Stored health scores (Customer Health Score, one row per customer and day): the latest score and the
history. A row with an empty band is a day computed without data: `banded` leaves such rows out.
"""

from __future__ import annotations

from datetime import date

import frappe
from frappe.query_builder import CustomFunction, DocType
from frappe.query_builder.functions import Avg, Count, Max

SCORE = DocType("Customer Health Score")
SUMMARY = ("score", "band", "score_date")
Weekday = CustomFunction("weekday", ["day"])  # 0 = Monday
SubDate = CustomFunction("subdate", ["day", "days"])


def _banded(query, table, banded: bool):
	return query.where(table.band.isnotnull() & (table.band != "")) if banded else query


def latest(
	customers: list[str] | None,
	on_or_before: date,
	*,
	strictly_before: bool = False,
	banded: bool = True,
	fields: tuple[str, ...] = SUMMARY,
) -> dict[str, dict]:
	"""customer -> its latest score row on or before `on_or_before` (before it, with `strictly_before`)."""
	if customers is not None and not customers:
		return {}
	inner = DocType("Customer Health Score").as_("l")
	day = inner.score_date < on_or_before if strictly_before else inner.score_date <= on_or_before
	last = _banded(
		frappe.qb.from_(inner).select(inner.customer, Max(inner.score_date).as_("day")).where(day),
		inner,
		banded,
	).groupby(inner.customer)
	if customers is not None:
		last = last.where(inner.customer.isin(customers))
	query = (
		frappe.qb.from_(SCORE)
		.join(last)
		.on((last.customer == SCORE.customer) & (last.day == SCORE.score_date))
		.select(SCORE.customer, *(SCORE[f] for f in fields if f != "customer"))
	)
	return {r.customer: r for r in query.run(as_dict=True)}


def history(
	customers: list[str] | None,
	since: date,
	until: date,
	*,
	banded: bool = True,
	fields: tuple[str, ...] = SUMMARY,
) -> list[dict]:
	"""Score rows dated in (since, until], oldest first."""
	if customers is not None and not customers:
		return []
	query = (
		frappe.qb.from_(SCORE)
		.select(SCORE.customer, *(SCORE[f] for f in fields if f != "customer"))
		.where((SCORE.score_date > since) & (SCORE.score_date <= until))
		.orderby(SCORE.score_date)
	)
	if customers is not None:
		query = query.where(SCORE.customer.isin(customers))
	return _banded(query, SCORE, banded).run(as_dict=True)


def weekly_average(
	customers: list[str] | None, from_date: date, to_date: date, group_field: str
) -> list[dict]:
	"""Average banded score per week (weeks start on Monday) and value of the Customer's `group_field`, for
	score rows dated from `from_date` to `to_date` inclusive: rows `grp`, `week`, `average`, `customers`."""
	if customers is not None and not customers:
		return []
	customer = DocType("Customer")
	week = SubDate(SCORE.score_date, Weekday(SCORE.score_date))
	query = (
		frappe.qb.from_(SCORE)
		.join(customer)
		.on(customer.name == SCORE.customer)
		.select(
			customer[group_field].as_("grp"),
			week.as_("week"),
			Avg(SCORE.score).as_("average"),
			Count(SCORE.customer).distinct().as_("customers"),
		)
		.where(SCORE.score_date[from_date:to_date])
		.groupby(customer[group_field], week)
		.orderby(week)
		.orderby(customer[group_field])
	)
	if customers is not None:
		query = query.where(SCORE.customer.isin(customers))
	return _banded(query, SCORE, True).run(as_dict=True)

"""Product-mix segments. Pure Python.

Each customer lands in the segment of the item group that holds the largest share of its net revenue in a
window (credit notes netted: a return is revenue given back). Per segment and currency the report shows the
customers, their revenue and that revenue's share of the currency's total. Figures stay per currency: a
segment's revenue is never a sum across currencies.

The Frappe adapter (facts/product_mix.py) gives the net amounts per customer, currency and item group. Rates
are used for one thing only: to rank the item groups of a customer that buys in more than one currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Segment of customers with no positive net purchase in the window (no invoice, or returns as large as sales).
NO_PURCHASES = None
# Invoice rows without an item group (a free-text line with no item) form a group of their own.
NO_GROUP = ""


@dataclass(frozen=True)
class Amount:
	customer: str
	currency: str
	item_group: str
	net: float


@dataclass(frozen=True)
class SegmentRow:
	segment: str | None  # item group, NO_GROUP or NO_PURCHASES
	currency: str  # "" on the row of the segment's customers with no figure at all
	customers: int
	revenue: float  # the segment's customers' whole net revenue in this currency
	group_revenue: float  # the part of it in the segment's own item group
	share: float | None  # percent of the currency's total net revenue (None when that total is not positive)


def dominant_groups(amounts: Iterable[Amount], rates: Mapping[str, float]) -> dict[str, str]:
	"""customer -> the item group with the largest net revenue, for customers whose best group is positive.

	A customer buying in one currency is ranked in that currency (no rate needed). One buying in several is
	ranked with `rates` (currency -> rate into one currency); a currency without a rate does not count towards
	the ranking rather than being compared unconverted, and when none of its currencies has a rate the customer
	is ranked in the first of them by code alone (it did buy: it is not put among those with no purchases).
	Ties go to the first group by name (stable output).
	"""
	by_customer: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
	for a in amounts:
		per_currency = by_customer[a.customer][a.item_group or NO_GROUP]
		per_currency[a.currency] = per_currency.get(a.currency, 0.0) + float(a.net or 0)
	out = {}
	for customer, groups in by_customer.items():
		currencies = sorted({c for per_currency in groups.values() for c in per_currency})
		weights = {c: rates[c] for c in currencies if rates.get(c)} if len(currencies) > 1 else {}
		weights = weights or {currencies[0]: 1.0}

		def value(per_currency: dict[str, float], weights=weights) -> float:
			return sum(v * weights[c] for c, v in per_currency.items() if c in weights)

		best = max(sorted(groups), key=lambda g: value(groups[g]))
		if value(groups[best]) > 0:
			out[customer] = best
	return out


def segment_rows(
	customers: Iterable[str], amounts: Iterable[Amount], dominant: Mapping[str, str]
) -> list[SegmentRow]:
	"""One row per segment and currency over `customers` (amounts of anyone else are ignored).

	A customer counts on its segment's row of every currency it bought in; a customer with no amount at all
	counts on its segment's row without a currency. Segments with more customers come first, the customers
	without purchases last."""
	names = set(customers)
	revenue: dict[str, dict[str, float]] = defaultdict(
		lambda: defaultdict(float)
	)  # customer -> currency -> net
	in_group: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
	totals: dict[str, float] = defaultdict(float)
	for a in amounts:
		if a.customer not in names:
			continue
		net = float(a.net or 0)
		revenue[a.customer][a.currency] += net
		totals[a.currency] += net
		if (a.item_group or NO_GROUP) == dominant.get(a.customer):
			in_group[a.customer][a.currency] += net
	cells: dict[tuple, list] = {}
	members: dict[str | None, int] = defaultdict(int)
	for customer in names:
		segment = dominant.get(customer, NO_PURCHASES)
		members[segment] += 1
		for currency, net in (revenue.get(customer) or {"": 0.0}).items():
			cell = cells.setdefault((segment, currency), [0, 0.0, 0.0])
			cell[0] += 1
			cell[1] += net
			cell[2] += in_group[customer].get(currency, 0.0)
	rows = []
	for (segment, currency), (count, net, group_net) in cells.items():
		total = totals.get(currency, 0.0)
		rows.append(
			SegmentRow(
				segment=segment,
				currency=currency,
				customers=count,
				revenue=round(net, 2),
				group_revenue=round(group_net, 2),
				# + 0.0: a tiny negative share rounds to -0.0, shown as "-0".
				share=round(100 * net / total, 1) + 0.0 if currency and total > 0 else None,
			)
		)
	rows.sort(key=lambda r: (r.segment is NO_PURCHASES, -members[r.segment], r.segment or "", r.currency))
	return rows


def segment_counts(
	customers: Iterable[str], dominant: Mapping[str, str]
) -> list[tuple[str | None, int, float]]:
	"""(segment, customers, percent of all customers) without any figure: what a reader without finance sees."""
	members: dict[str | None, int] = defaultdict(int)
	for customer in customers:
		members[dominant.get(customer, NO_PURCHASES)] += 1
	total = sum(members.values())
	ordered = sorted(members.items(), key=lambda kv: (kv[0] is NO_PURCHASES, -kv[1], kv[0] or ""))
	return [(segment, n, round(100 * n / total, 1)) for segment, n in ordered]

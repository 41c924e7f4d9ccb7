"""Customer signals read off its orders and activity: repurchase rhythm, dormancy, VIP, expansion items.
Pure Python (the health score's recency factor uses the rhythm)."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

LATE_FACTOR = 1.5  # a customer is "late" past one and a half usual intervals


@dataclass
class Rhythm:
	median_interval_days: int
	days_since_last: int
	orders: int
	late: bool
	text: str


@dataclass
class VipRule:
	min_lifetime_value: float | None = None
	min_orders_365: int | None = None
	# Relative to the site's own data: the top this-many percent of customers by 12-month net revenue. The
	# adapter resolves it to min_revenue_365, the revenue at that rank, in the site's default currency.
	top_percent: float | None = None
	min_revenue_365: float | None = None


def repurchase_rhythm(order_dates: Iterable[date] | None, today: date) -> Rhythm | None:
	"""The customer's usual gap between orders (median, so one long holiday does not skew it).

	Orders on the same day are one buying occasion, and dates after today are ignored. Needs three
	occasions (two intervals): one interval is a coincidence, not a rhythm.
	"""
	days = sorted({d for d in order_dates or () if d <= today})
	if len(days) < 3:
		return None
	median = max(1, _round(statistics.median((b - a).days for a, b in pairwise(days))))
	since = (today - days[-1]).days
	last = "today" if since == 0 else f"{_days(since)} ago"
	text = f"usually orders every {_days(median)}; last order {last}"
	return Rhythm(median, since, len(days), since > LATE_FACTOR * median, text)


def is_vip(
	lifetime_value: float | None, orders_365: int | None, rule: VipRule, revenue_365: float | None = None
) -> bool:
	"""Any threshold the rule sets is enough; a rule without thresholds makes nobody a VIP."""
	if rule.min_revenue_365 is not None and revenue_365 is not None and revenue_365 > 0:
		if revenue_365 >= rule.min_revenue_365:
			return True
	if rule.min_lifetime_value is not None and lifetime_value is not None:
		if lifetime_value >= rule.min_lifetime_value:
			return True
	if rule.min_orders_365 is not None and orders_365 is not None:
		if orders_365 >= rule.min_orders_365:
			return True
	return False


def top_percent_threshold(revenues: Iterable[float], percent: float | None) -> float | None:
	"""The 12-month revenue a customer needs to be in the top `percent` of the customers who bought anything
	(at least one customer qualifies); None without a percentage or without revenue."""
	if not percent or percent <= 0:
		return None
	ranked = sorted((r for r in revenues if r and r > 0), reverse=True)
	if not ranked:
		return None
	return ranked[max(1, math.ceil(len(ranked) * min(percent, 100) / 100)) - 1]


def expansion_items(
	own_items: set[str],
	peer_baskets: Mapping[str, set[str]],
	min_peers: int = 3,
	min_share: float = 0.3,
	limit: int = 5,
) -> list[tuple[str, float, int]]:
	"""Items that customers buying the same things usually also buy, and this one has not.

	Peers are the customers sharing at least one item with `own_items` (the caller leaves the customer itself
	out of `peer_baskets`). Returns (item, share of peers, peers) for items bought by at least `min_peers`
	peers and `min_share` of them, best share first, then by item name. One pass over the baskets with set
	operations, so thousands of peers cost milliseconds.
	"""
	if min_peers < 1 or not 0 < min_share <= 1 or limit < 0:
		raise ValueError("expansion needs min_peers >= 1, 0 < min_share <= 1 and limit >= 0")
	own = frozenset(own_items)
	counts: Counter[str] = Counter()
	peers = 0
	for basket in peer_baskets.values():
		if own.isdisjoint(basket):
			continue
		peers += 1
		counts.update(set(basket) - own)
	found = [
		(item, n / peers, n)
		for item, n in counts.items()
		if n >= min_peers and n >= min_share * peers - 1e-9  # tolerance: 0.3 * 10 is 3.0000000000000004
	]
	found.sort(key=lambda row: (-row[1], row[0]))
	return found[:limit]


def _round(x: float) -> int:
	"""Half away from zero: Python's round() sends 2.5 to 2."""
	return int(math.copysign(math.floor(abs(x) + 0.5), x))


def _days(n: int) -> str:
	return "1 day" if n == 1 else f"{n} days"

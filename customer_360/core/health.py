"""Customer health score and the signals around it. Pure Python.

The Frappe adapter computes each customer's aggregates with set-based SQL, hands them over as `CustomerFacts`
and stores the `HealthResult` (as_dict) with its factor rows. Everything here is a plain function of those
facts and "today", so a score can be recomputed and explained without a site.

How the score is built: each factor scores 0-100 on its own, and the score is the weighted mean of the factors
that have data. A factor without data is shown as "no data" and its weight is shared out over the others
(renormalised) rather than counted as 0, so a customer is not punished for what the ERP does not record
(for example a site without the Issue doctype).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import pairwise

from customer_360.core.risk import FLAG_LABELS

FACTORS = ("payment", "recency", "revenue_trend", "support", "returns", "risk_flags", "engagement")
FACTOR_LABELS = {
	"payment": "payment behaviour",
	"recency": "order recency",
	"revenue_trend": "revenue trend",
	"support": "support load",
	"returns": "returns and refunds",
	"risk_flags": "active risk flags",
	"engagement": "engagement",
}
DEFAULT_WEIGHTS = {
	"payment": 25,
	"recency": 20,
	"revenue_trend": 15,
	"support": 10,
	"returns": 10,
	"risk_flags": 10,
	"engagement": 10,
}
DEFAULT_BANDS = (70, 40)  # green at/above the first, yellow at/above the second, else red
NO_DATA = "no data"
MINUS = "\u2212"  # the real minus sign: a hyphen reads as a dash in a sentence

# Scoring constants. They shape the curve of each factor, not the balance between factors (that is the weights,
# which administrators configure), so they live here with the rules that use them.
OVERDUE_PENALTY_MAX = 60  # points lost when overdue reaches OVERDUE_SHARE_FOR_MAX of the billing base
OVERDUE_SHARE_FOR_MAX = 0.4
LATE_PENALTY_MAX = 40  # one point per day paid late on average, up to this
REFERENCE_INTERVAL_DAYS = 90  # recency yardstick for customers with too few orders for a rhythm of their own
RECENCY_ZERO_AT = 3.0  # recency falls linearly from 100 at one usual interval to 0 at this many
OPEN_ISSUE_PENALTY = 15
RECENT_ISSUE_PENALTY = 5
RETURNS_SHARE_FOR_ZERO = 0.4  # returns worth 40 % of billing score 0
FLAG_PENALTY = 40
ACTIVITY_FULL_DAYS = 30  # last activity within a month scores full ...
ACTIVITY_ZERO_DAYS = 180  # ... and six months of silence scores 0
INTERACTIONS_FOR_FULL = 5  # interactions in 90 days that count as fully engaged
LATE_FACTOR = 1.5  # a customer is "late" past one and a half usual intervals


@dataclass
class CustomerFacts:
	"""One customer's aggregates. None = the adapter has no data; 0 = measured and nothing found.

	payment (outstanding, overdue, billed_365, avg_days_late): "no data" for a customer never invoiced, i.e.
	  nothing billed in 365 days, nothing outstanding and no paid invoice to time. A customer billed with 0
	  overdue who pays on time scores 100. avg_days_late is days paid after the due date (negative = early).
	recency (order_dates): dates of sales orders / invoices, any order. None or empty -> "no data" (a
	  customer who never ordered has no recency; engagement and dormancy cover that).
	revenue_trend (revenue_90, revenue_prior_90): needs both windows; "no data" if either is None or both are 0.
	support (issues_open, issues_90): None for both = support not tracked (no Issue doctype); 0 = no issues,
	  which scores 100.
	returns (returns_365 against billed_365): "no data" without returns figures or without billing to compare
	  with; 0 returns on real billing scores 100.
	risk_flags (active_flags): None = risk not evaluated; () = no open flags, which scores 100.
	engagement (last_activity, interactions_90): None for both -> "no data"; 0 interactions is a real 0.
	"""

	outstanding: float | None = None
	overdue: float | None = None
	billed_365: float | None = None
	avg_days_late: float | None = None
	order_dates: tuple[date, ...] | None = None
	revenue_90: float | None = None
	revenue_prior_90: float | None = None
	issues_open: int | None = None
	issues_90: int | None = None
	returns_365: float | None = None
	active_flags: tuple[str, ...] | None = None
	last_activity: date | None = None
	interactions_90: int | None = None


@dataclass
class Factor:
	"""One line of the breakdown. `values` holds the numbers `detail` was written from, so `explain_change`
	can name a cause ("overdue amount tripled") without parsing text; results stored without it still
	explain, in general words."""

	name: str
	score: int | None
	weight: float
	effective_weight: float
	detail: str
	values: dict = field(default_factory=dict)

	@property
	def label(self) -> str:
		return FACTOR_LABELS.get(self.name, self.name)


@dataclass
class HealthResult:
	score: int | None
	band: str | None
	factors: list[Factor]

	def as_dict(self) -> dict:
		return {"score": self.score, "band": self.band, "factors": [asdict(f) for f in self.factors]}

	@classmethod
	def from_dict(cls, data: Mapping) -> HealthResult:
		factors = [
			Factor(
				name=f["name"],
				score=f.get("score"),
				weight=float(f.get("weight") or 0),
				effective_weight=float(f.get("effective_weight") or 0),
				detail=f.get("detail") or "",
				values=dict(f.get("values") or {}),
			)
			for f in data.get("factors") or ()
		]
		return cls(score=data.get("score"), band=data.get("band"), factors=factors)

	def factor(self, name: str) -> Factor | None:
		return next((f for f in self.factors if f.name == name), None)


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


# --- score ---------------------------------------------------------------------------------------------------


def resolve_weights(weights: Mapping[str, float] | None = None) -> dict[str, float]:
	"""Defaults overridden by the settings; a factor not named keeps its default, 0 switches it off."""
	merged: dict[str, float] = dict(DEFAULT_WEIGHTS)
	for name, value in (weights or {}).items():
		if name not in FACTORS:
			raise ValueError(f"unknown health factor: {name!r}; expected one of {', '.join(FACTORS)}")
		if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
			raise ValueError(f"weight of {name} must be a number, got {value!r}")
		if value < 0:
			raise ValueError(f"weight of {name} must not be negative, got {value!r}")
		merged[name] = value
	if not any(merged.values()):
		raise ValueError("at least one health factor needs a weight above 0")
	return merged


def validate_bands(bands: tuple | None) -> tuple[float, float]:
	green, yellow = bands if bands is not None else DEFAULT_BANDS
	if not 0 <= yellow <= green <= 100:
		raise ValueError(f"bands must satisfy 0 <= yellow <= green <= 100, got {bands!r}")
	return green, yellow


def band(score: int | None, bands: tuple = DEFAULT_BANDS) -> str | None:
	if score is None:
		return None
	green, yellow = validate_bands(bands)
	if score >= green:
		return "green"
	if score >= yellow:
		return "yellow"
	return "red"


def score(
	facts: CustomerFacts,
	today: date,
	weights: Mapping[str, float] | None = None,
	bands: tuple | None = None,
) -> HealthResult:
	w = resolve_weights(weights)
	bands = validate_bands(bands)
	measured = {name: _SCORERS[name](facts, today) for name in FACTORS}
	total = sum(w[name] for name in FACTORS if measured[name][0] is not None)
	factors, weighted = [], 0.0
	for name in FACTORS:
		value, detail, values = measured[name]
		effective = w[name] * 100 / total if value is not None and total > 0 else 0.0
		if value is not None:
			weighted += value * effective
		factors.append(Factor(name, value, float(w[name]), round(effective, 2), detail, values))
	result = _round(weighted / 100) if total > 0 else None
	return HealthResult(result, band(result, bands), factors)


def _payment(facts: CustomerFacts, today: date):
	owed = facts.outstanding or 0
	overdue = max(facts.overdue or 0, 0)
	if not facts.billed_365 and not owed and not overdue and facts.avg_days_late is None:
		return None, NO_DATA, {}
	base = max(facts.billed_365 or 0, owed)
	share = overdue / base if base > 0 else float(overdue > 0)
	penalty = min(OVERDUE_PENALTY_MAX, OVERDUE_PENALTY_MAX * share / OVERDUE_SHARE_FOR_MAX)
	parts = [f"{_num(overdue)} overdue of {_num(owed)} outstanding"]
	if facts.avg_days_late is not None:
		late = facts.avg_days_late
		penalty += min(LATE_PENALTY_MAX, max(0.0, late))
		if late > 0:
			parts.append(f"pays {_num(late)} days late on average")
		elif late < 0:
			parts.append(f"pays {_num(-late)} days early on average")
		else:
			parts.append("pays on the due date on average")
	values = {"overdue": overdue, "outstanding": owed, "avg_days_late": facts.avg_days_late}
	return _clamp(100 - penalty), "; ".join(parts), values


def _recency(facts: CustomerFacts, today: date):
	past = sorted({d for d in facts.order_dates or () if d <= today})
	if not past:
		return None, NO_DATA, {}
	since = (today - past[-1]).days
	rhythm = repurchase_rhythm(past, today)
	if rhythm:
		usual, detail = rhythm.median_interval_days, rhythm.text
	else:
		usual = REFERENCE_INTERVAL_DAYS
		detail = f"last order {_days(since)} ago; too few orders for a rhythm, compared with {usual} days"
	ratio = since / usual
	value = 100 if ratio <= 1 else _clamp(100 * (RECENCY_ZERO_AT - ratio) / (RECENCY_ZERO_AT - 1))
	return value, detail, {"days_since_last": since, "usual_interval": usual}


def _revenue_trend(facts: CustomerFacts, today: date):
	now, before = facts.revenue_90, facts.revenue_prior_90
	if now is None or before is None or (now == 0 and before == 0):
		return None, NO_DATA, {}
	values = {"revenue_90": now, "revenue_prior_90": before}
	if before <= 0:
		return 100, f"{_num(now)} revenue in the last 90 days, none in the 90 before", values
	change = (now - before) / before
	values["change"] = round(change, 4)
	# Growth and steadiness both score full: the factor exists to catch a customer drifting away.
	detail = f"{_num(now)} revenue in the last 90 days vs {_num(before)} in the 90 before ({_pct(change)})"
	return _clamp(100 * min(1.0, now / before)), detail, values


def _support(facts: CustomerFacts, today: date):
	if facts.issues_open is None and facts.issues_90 is None:
		return None, NO_DATA, {}
	open_, recent = facts.issues_open or 0, facts.issues_90 or 0
	value = _clamp(100 - OPEN_ISSUE_PENALTY * open_ - RECENT_ISSUE_PENALTY * recent)
	detail = f"{_count(open_, 'open issue')}; {_count(recent, 'issue')} in the last 90 days"
	return value, detail, {"issues_open": open_, "issues_90": recent}


def _returns(facts: CustomerFacts, today: date):
	if facts.returns_365 is None or not facts.billed_365 or facts.billed_365 <= 0:
		return None, NO_DATA, {}
	returned = max(facts.returns_365, 0)
	share = returned / facts.billed_365
	detail = (
		f"{_num(returned)} returned or refunded of {_num(facts.billed_365)} billed in 365 days ({share:.0%})"
	)
	values = {"returns": returned, "billed": facts.billed_365, "share": round(share, 4)}
	return _clamp(100 * (1 - share / RETURNS_SHARE_FOR_ZERO)), detail, values


def _risk_flags(facts: CustomerFacts, today: date):
	if facts.active_flags is None:
		return None, NO_DATA, {}
	flags = sorted(set(facts.active_flags))
	if not flags:
		return 100, "no active risk flags", {"flags": []}
	names = ", ".join(_flag_label(f) for f in flags)
	return (
		_clamp(100 - FLAG_PENALTY * len(flags)),
		f"{_count(len(flags), 'active flag')}: {names}",
		{"flags": flags},
	)


def _engagement(facts: CustomerFacts, today: date):
	if facts.last_activity is None and facts.interactions_90 is None:
		return None, NO_DATA, {}
	parts, scores, values = [], [], {}
	if facts.last_activity is not None:
		idle = max(0, (today - facts.last_activity).days)
		span = ACTIVITY_ZERO_DAYS - ACTIVITY_FULL_DAYS
		scores.append(100 if idle <= ACTIVITY_FULL_DAYS else 100 * (ACTIVITY_ZERO_DAYS - idle) / span)
		parts.append(f"last activity {_days(idle)} ago")
		values["days_idle"] = idle
	if facts.interactions_90 is not None:
		n = facts.interactions_90
		scores.append(100 * min(1.0, n / INTERACTIONS_FOR_FULL))
		parts.append(f"{_count(n, 'interaction')} in the last 90 days")
		values["interactions_90"] = n
	return _clamp(sum(scores) / len(scores)), "; ".join(parts), values


_SCORERS = {
	"payment": _payment,
	"recency": _recency,
	"revenue_trend": _revenue_trend,
	"support": _support,
	"returns": _returns,
	"risk_flags": _risk_flags,
	"engagement": _engagement,
}


# --- explaining a change -------------------------------------------------------------------------------------


def explain_change(previous: HealthResult | None, current: HealthResult) -> list[str]:
	"""One plain line per factor that moved the score, largest impact first: "-15: overdue amount tripled",
	written with the real minus sign (U+2212).

	Points = change in the factor's score * its current effective weight / 100, rounded. A factor that gained
	or lost its data is credited with what it adds to (or took from) the score it is part of. Without a
	previous result there is nothing to compare, so no lines.
	"""
	if previous is None:
		return []
	lines = []
	for position, name in enumerate(FACTORS):
		before, now = previous.factor(name), current.factor(name)
		if before is None or now is None:
			continue
		if before.score is not None and now.score is not None:
			points = _round((now.score - before.score) * now.effective_weight / 100)
			cause = _cause(before, now, points) if points else ""
		elif before.score is not None:
			points = -_impact(previous, name)
			cause = f"{now.label}: no data any more (was {before.score})"
		elif now.score is not None:
			points = _impact(current, name)
			cause = f"{now.label}: data available again (now {now.score})"
		else:
			continue
		if points:
			lines.append((-abs(points), position, f"{_signed(points)}: {cause}"))
	return [text for *_, text in sorted(lines)]


def _impact(result: HealthResult, name: str) -> int:
	"""How many points a factor adds to a result: its score with the factor minus without (renormalised)."""
	own = result.factor(name)
	others = [f for f in result.factors if f.name != name and f.score is not None and f.weight > 0]
	total = sum(f.weight for f in others) + own.weight
	with_it = (sum(f.score * f.weight for f in others) + own.score * own.weight) / total if total else 0
	without = sum(f.score * f.weight for f in others) / (total - own.weight) if others else 0
	return _round(with_it - without)


def _cause(before: Factor, now: Factor, points: int) -> str:
	b, n = before.values, now.values
	specific = None
	if b and n:
		specific = _CAUSES[now.name](b, n)
	if specific:
		return specific
	verb = "improved" if points > 0 else "worsened"
	return f"{now.label} {verb} ({now.detail})"


def _payment_cause(b: dict, n: dict) -> str | None:
	was, now = b.get("overdue") or 0, n.get("overdue") or 0
	if was != now:
		if was == 0:
			return f"{_num(now)} became overdue"
		if now == 0:
			return "overdue amount cleared"
		return "overdue amount " + _grew(was, now)
	late_was, late_now = b.get("avg_days_late"), n.get("avg_days_late")
	if late_was is not None and late_now is not None and late_was != late_now:
		return f"average payment delay went from {_num(late_was)} to {_num(late_now)} days"
	return None


def _recency_cause(b: dict, n: dict) -> str | None:
	if n["days_since_last"] < b["days_since_last"]:
		return f"ordered again {_days(n['days_since_last'])} ago"
	return f"no order for {_days(n['days_since_last'])} (usually every {_days(n['usual_interval'])})"


def _revenue_cause(b: dict, n: dict) -> str | None:
	if "change" not in n:
		return None
	return f"revenue in the last 90 days is {_pct(n['change'])} on the 90 before"


def _support_cause(b: dict, n: dict) -> str | None:
	if b["issues_open"] != n["issues_open"]:
		return "open issues " + _went(b["issues_open"], n["issues_open"])
	if b["issues_90"] != n["issues_90"]:
		return "issues in the last 90 days " + _went(b["issues_90"], n["issues_90"])
	return None


def _returns_cause(b: dict, n: dict) -> str | None:
	return f"returns and refunds went from {b['share']:.0%} to {n['share']:.0%} of billing"


def _flags_cause(b: dict, n: dict) -> str | None:
	raised = sorted(set(n["flags"]) - set(b["flags"]))
	cleared = sorted(set(b["flags"]) - set(n["flags"]))
	parts = []
	if raised:
		parts.append("new risk flag: " + ", ".join(_flag_label(f) for f in raised))
	if cleared:
		parts.append("risk flag resolved: " + ", ".join(_flag_label(f) for f in cleared))
	return "; ".join(parts) or None


def _engagement_cause(b: dict, n: dict) -> str | None:
	if "interactions_90" in b and "interactions_90" in n and b["interactions_90"] != n["interactions_90"]:
		return "interactions in the last 90 days " + _went(b["interactions_90"], n["interactions_90"])
	if "days_idle" in n:
		return f"last activity {_days(n['days_idle'])} ago"
	return None


_CAUSES = {
	"payment": _payment_cause,
	"recency": _recency_cause,
	"revenue_trend": _revenue_cause,
	"support": _support_cause,
	"returns": _returns_cause,
	"risk_flags": _flags_cause,
	"engagement": _engagement_cause,
}


# --- signals -------------------------------------------------------------------------------------------------


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


def is_dormant(last_activity: date | None, today: date, days: int = 90) -> bool:
	"""No activity for `days` days or more. No activity at all counts as dormant: the adapter passes the
	customer's creation date when there is nothing else, so a brand-new customer is not dormant."""
	if days < 1:
		raise ValueError(f"dormancy needs a period of at least 1 day, got {days!r}")
	return last_activity is None or (today - last_activity).days >= days


def is_vip(lifetime_value: float | None, orders_365: int | None, rule: VipRule) -> bool:
	"""Any threshold the rule sets is enough; a rule without thresholds makes nobody a VIP."""
	if rule.min_lifetime_value is not None and lifetime_value is not None:
		if lifetime_value >= rule.min_lifetime_value:
			return True
	if rule.min_orders_365 is not None and orders_365 is not None:
		if orders_365 >= rule.min_orders_365:
			return True
	return False


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


# --- formatting ----------------------------------------------------------------------------------------------


def _round(x: float) -> int:
	"""Half away from zero: Python's round() sends 2.5 to 2, which reads as a bug in a score."""
	return int(math.copysign(math.floor(abs(x) + 0.5), x))


def _clamp(x: float) -> int:
	return max(0, min(100, _round(x)))


def _num(x: float) -> str:
	"""1200 -> '1,200', 1200.5 -> '1,200.50': no currency symbol, the page shows the customer's currency."""
	return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _signed(points: int) -> str:
	return f"+{points}" if points > 0 else f"{MINUS}{-points}"


def _pct(change: float) -> str:
	return f"+{change:.0%}" if change >= 0 else f"{MINUS}{-change:.0%}"


def _days(n: int) -> str:
	return "1 day" if n == 1 else f"{n} days"


def _count(n: int, noun: str) -> str:
	return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _went(was: float, now: float) -> str:
	return f"{'rose' if now > was else 'fell'} from {_num(was)} to {_num(now)}"


def _grew(was: float, now: float) -> str:
	"""'doubled', 'tripled' when the ratio is a clean multiple people say aloud; otherwise the numbers."""
	words = {2: "doubled", 3: "tripled", 4: "quadrupled"}
	ratio = now / was
	whole = _round(ratio)
	if abs(ratio - whole) < 0.05 and whole >= 2:
		return words.get(whole, f"grew {whole}-fold")
	if now < was and abs(ratio - 0.5) < 0.025:
		return "halved"
	return _went(was, now)


def _flag_label(flag_type: str) -> str:
	return FLAG_LABELS.get(flag_type, flag_type).lower()

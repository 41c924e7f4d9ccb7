"""Customer health score and the signals around it. Pure Python.

The Frappe adapter computes each customer's aggregates with set-based SQL, hands them over as `CustomerFacts`
and stores the `HealthResult` (as_dict) with its factor rows. Everything here is a plain function of those
facts and "today", so a score can be recomputed and explained without a site.

How the score is built: each factor scores 0-100 on its own, and the score is the weighted mean of the factors
that have data. A factor without data is shown as "no data" and its weight is shared out over the others
(renormalised) rather than counted as 0, so a customer is not punished for what the ERP does not record
(for example a site without the Issue doctype).

Factor details are codes + parameters (`customer_360.core.messages`); explaining a change is in
`customer_360.core.health_explain`; rhythm, dormancy, VIP and expansion in `customer_360.core.signals`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from customer_360.core import messages
from customer_360.core.definitions import is_dormant
from customer_360.core.messages import MINUS, Message
from customer_360.core.payment_factor import AGED_SHARE_NOT_GREEN, aged_share
from customer_360.core.payment_factor import payment as _payment
from customer_360.core.signals import (
	Rhythm,
	VipRule,
	expansion_items,
	is_vip,
	repurchase_rhythm,
)
from customer_360.core.wording import FACTOR_LABELS

FACTORS = ("payment", "recency", "revenue_trend", "support", "returns", "risk_flags", "engagement")
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
NO_DATA = Message("no_data")
# Factor values that are finance figures: stored apart from the score row's readable fields (see split_result).
FINANCE_VALUES = (
	*("overdue", "outstanding", "revenue_90", "revenue_prior_90", "returns", "billed"),
	*("overdue_90", "largest_overdue"),
)

# Scoring constants. They shape the curve of each factor, not the balance between factors (that is the weights,
# which administrators configure), so they live here with the rules that use them.
# (The payment factor's constants live with it, in core/payment_factor.py.)
REFERENCE_INTERVAL_DAYS = 90  # recency yardstick for customers with too few orders for a rhythm of their own
RECENCY_ZERO_AT = 3.0  # recency falls linearly from 100 at one usual interval to 0 at this many
OPEN_ISSUE_PENALTY = 15
RECENT_ISSUE_PENALTY = 5
RETURNS_SHARE_FOR_ZERO = 0.4  # returns worth 40 % of billing score 0
FLAG_PENALTY = 40
ACTIVITY_FULL_DAYS = 30  # last activity within a month scores full ...
ACTIVITY_ZERO_DAYS = 180  # ... and six months of silence scores 0
INTERACTIONS_FOR_FULL = 5  # interactions in 90 days that count as fully engaged


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
	# Of `overdue`: the part more than 90 days past due, and the largest single overdue voucher.
	overdue_90: float | None = None
	largest_overdue: float | None = None
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
	"""One line of the breakdown. `detail` is a code + parameters (core.messages), rendered per reader.
	`values` holds the numbers it was written from, so `explain_change` can name a cause ("overdue amount
	tripled"); results stored without them still explain, in general words."""

	name: str
	score: int | None
	weight: float
	effective_weight: float
	detail: Message
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
		return {"score": self.score, "band": self.band, "factors": [_factor_dict(f) for f in self.factors]}

	@classmethod
	def from_dict(cls, data: Mapping) -> HealthResult:
		factors = [
			Factor(
				name=f["name"],
				score=f.get("score"),
				weight=float(f.get("weight") or 0),
				effective_weight=float(f.get("effective_weight") or 0),
				detail=Message.coerce(f.get("detail")) or NO_DATA,
				values=dict(f.get("values") or {}),
			)
			for f in data.get("factors") or ()
		]
		return cls(score=data.get("score"), band=data.get("band"), factors=factors)

	def factor(self, name: str) -> Factor | None:
		return next((f for f in self.factors if f.name == name), None)


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
	if result is not None and aged_share(facts) > AGED_SHARE_NOT_GREEN:
		result = min(result, max(0, math.ceil(bands[0]) - 1))
	return HealthResult(result, band(result, bands), factors)


def _recency(facts: CustomerFacts, today: date):
	past = sorted({d for d in facts.order_dates or () if d <= today})
	if not past:
		return None, NO_DATA, {}
	since = (today - past[-1]).days
	rhythm = repurchase_rhythm(past, today)
	if rhythm:
		usual = rhythm.median_interval_days
		code = "recency_rhythm_today" if since == 0 else "recency_rhythm"
		detail = Message(code, {"median_days": usual, "since_days": since})
	else:
		usual = REFERENCE_INTERVAL_DAYS
		detail = Message("recency_few_orders", {"since_days": since, "usual": usual})
	ratio = since / usual
	value = 100 if ratio <= 1 else _clamp(100 * (RECENCY_ZERO_AT - ratio) / (RECENCY_ZERO_AT - 1))
	return value, detail, {"days_since_last": since, "usual_interval": usual}


def _revenue_trend(facts: CustomerFacts, today: date):
	now, before = facts.revenue_90, facts.revenue_prior_90
	if now is None or before is None or (now == 0 and before == 0):
		return None, NO_DATA, {}
	values = {"revenue_90": now, "revenue_prior_90": before}
	if before <= 0:
		return 100, Message("revenue_new", {"now": now}), values
	change = (now - before) / before
	values["change"] = round(change, 4)
	# Growth and steadiness both score full: the factor exists to catch a customer drifting away.
	detail = Message("revenue_trend", {"now": now, "before": before, "change": round(change, 4)})
	return _clamp(100 * min(1.0, now / before)), detail, values


def _support(facts: CustomerFacts, today: date):
	if facts.issues_open is None and facts.issues_90 is None:
		return None, NO_DATA, {}
	open_, recent = facts.issues_open or 0, facts.issues_90 or 0
	value = _clamp(100 - OPEN_ISSUE_PENALTY * open_ - RECENT_ISSUE_PENALTY * recent)
	detail = Message("support", {"open_issues": open_, "issues": recent})
	return value, detail, {"issues_open": open_, "issues_90": recent}


def _returns(facts: CustomerFacts, today: date):
	if facts.returns_365 is None or not facts.billed_365 or facts.billed_365 <= 0:
		return None, NO_DATA, {}
	returned = max(facts.returns_365, 0)
	share = returned / facts.billed_365
	detail = Message(
		"returns", {"returned": returned, "billed": facts.billed_365, "share_pct": round(share, 4)}
	)
	values = {"returns": returned, "billed": facts.billed_365, "share": round(share, 4)}
	return _clamp(100 * (1 - share / RETURNS_SHARE_FOR_ZERO)), detail, values


def _risk_flags(facts: CustomerFacts, today: date):
	if facts.active_flags is None:
		return None, NO_DATA, {}
	flags = sorted(set(facts.active_flags))
	if not flags:
		return 100, Message("no_flags"), {"flags": []}
	detail = Message("flags", {"active_flags": len(flags), "flags": flags})
	return _clamp(100 - FLAG_PENALTY * len(flags)), detail, {"flags": flags}


def _engagement(facts: CustomerFacts, today: date):
	if facts.last_activity is None and facts.interactions_90 is None:
		return None, NO_DATA, {}
	scores, values = [], {}
	if facts.last_activity is not None:
		idle = max(0, (today - facts.last_activity).days)
		span = ACTIVITY_ZERO_DAYS - ACTIVITY_FULL_DAYS
		scores.append(100 if idle <= ACTIVITY_FULL_DAYS else 100 * (ACTIVITY_ZERO_DAYS - idle) / span)
		values["days_idle"] = idle
	if facts.interactions_90 is not None:
		n = facts.interactions_90
		scores.append(100 * min(1.0, n / INTERACTIONS_FOR_FULL))
		values["interactions_90"] = n
	params = {"idle_days": values.get("days_idle"), "interactions": values.get("interactions_90")}
	code = "engagement" if len(values) == 2 else "engagement_idle" if "days_idle" in values else None
	code = code or "engagement_interactions"
	detail = Message(code, {k: v for k, v in params.items() if v is not None})
	return _clamp(sum(scores) / len(scores)), detail, values


_SCORERS = {
	"payment": _payment,
	"recency": _recency,
	"revenue_trend": _revenue_trend,
	"support": _support,
	"returns": _returns,
	"risk_flags": _risk_flags,
	"engagement": _engagement,
}


# --- storing a result: what every reader of the row may see, and the finance figures apart -------------------


def _factor_dict(f: Factor) -> dict:
	return {
		"name": f.name,
		"score": f.score,
		"weight": f.weight,
		"effective_weight": f.effective_weight,
		"detail": f.detail.as_dict() if isinstance(f.detail, Message) else f.detail,
		"values": dict(f.values),
	}


def split_result(result: HealthResult, explanation: list | None = None) -> tuple[list, list, dict]:
	"""(factors, explanation, figures): the first two hold no finance figure (a reader of the stored row may
	lack see_finance); `figures` holds them, keyed by factor name and explanation line, for `join_result`."""
	factors, explained, figures = [], [], {"factors": {}, "explanation": {}}
	for f in result.factors:
		row = _factor_dict(f)
		detail, detail_figures = messages.split(f.detail)
		hidden = {k: v for k, v in f.values.items() if k in FINANCE_VALUES}
		row["detail"], row["values"] = detail, {k: v for k, v in f.values.items() if k not in hidden}
		if detail_figures or hidden:
			figures["factors"][f.name] = {"detail": detail_figures, "values": hidden}
		factors.append(row)
	for i, line in enumerate(explanation or ()):
		public, line_figures = messages.split(line)
		explained.append(public)
		if line_figures:
			figures["explanation"][str(i)] = line_figures
	return factors, explained, figures


def join_result(score, band, factors: list, figures: Mapping | None) -> HealthResult:
	"""A stored result; with `figures` (a reader with see_finance, or the job) its finance figures are back."""
	by_factor = (figures or {}).get("factors") or {}
	rows = []
	for f in factors or ():
		f = dict(f)
		extra = by_factor.get(f.get("name")) or {}
		f["detail"] = messages.join(f.get("detail"), extra.get("detail"))
		f["values"] = {**(f.get("values") or {}), **(extra.get("values") or {})}
		rows.append(f)
	return HealthResult.from_dict({"score": score, "band": band, "factors": rows})


def join_explanation(lines: list | None, figures: Mapping | None) -> list[Message]:
	by_line = (figures or {}).get("explanation") or {}
	joined = (messages.join(line, by_line.get(str(i))) for i, line in enumerate(lines or ()))
	return [m for m in joined if m is not None]


# --- formatting ----------------------------------------------------------------------------------------------


def _round(x: float) -> int:
	"""Half away from zero: Python's round() sends 2.5 to 2, which reads as a bug in a score."""
	return int(math.copysign(math.floor(abs(x) + 0.5), x))


def _clamp(x: float) -> int:
	return max(0, min(100, _round(x)))

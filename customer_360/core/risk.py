"""Risk flags: the controlled vocabulary and the rules that raise and clear the automatic ones. Pure Python.

The Frappe adapter computes a customer's aggregates over the settings' window (set-based SQL), hands them over
as `RiskFacts`, and applies what `plan` returns to Customer Risk Flag documents. Keeping the rules here means
every threshold boundary is unit-tested without a site.

Two kinds of flag:
- automatic: raised by `detect` when a condition holds, and resolved by `plan` as soon as it no longer holds,
  so a flag never outlives its cause;
- manual (abusive_behavior, manual_flag): a judgement only a person can make, so the rules never raise them
  and never clear them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from customer_360.core.messages import Message
from customer_360.core.wording import FLAG_LABELS

FLAG_TYPES = (
	"overdue_payment",
	"frequent_refunds",
	"discount_dependency",
	"frequent_claims",
	"delivery_failures",
	"abusive_behavior",
	"cancellation_pattern",
	"manual_flag",
)
MANUAL_TYPES = ("abusive_behavior", "manual_flag")
AUTOMATIC_TYPES = tuple(t for t in FLAG_TYPES if t not in MANUAL_TYPES)


# Written into Customer 360 Settings on install. Counts and amounts are compared with ">=" except the overdue
# rule, which says "more than" (an invoice due exactly 30 days ago is not yet 30 days *over*due).
DEFAULT_THRESHOLDS: dict[str, float] = {
	"window_days": 180,  # the adapter's look-back for every windowed fact below
	"overdue_days": 30,  # an invoice overdue more than this many days ...
	"overdue_min_amount": 0,  # ... that still owes more than this amount
	"refund_ratio": 0.2,  # refunds/returns value ÷ billed in the window ...
	"refund_min_count": 2,  # ... over at least this many refunds (one refund is not a pattern)
	"discount_ratio": 0.15,  # an invoice counts as "discounted" at this discount fraction or more ...
	"discount_min_share": 0.5,  # ... and the flag needs this share of invoices discounted ...
	"discount_min_invoices": 3,  # ... out of at least this many invoices
	"claims_count": 3,  # support issues and warranty claims raised in the window
	"delivery_failures": 2,  # returned / failed deliveries in the window
	"cancellation_ratio": 0.3,  # cancelled ÷ all orders and invoices in the window ...
	"cancellation_min_count": 3,  # ... with at least this many cancelled
}


@dataclass
class RiskFacts:
	"""What the adapter knows about one customer. None means "not measured" and never raises a flag.

	overdue_invoices: (days past due, amount still owed) per unpaid invoice; per invoice rather than a total
	  because the rule is about any single invoice being both old and large enough.
	billed / refunds / refund_count: gross billed, value and count of credit notes and sales returns, in the window.
	invoice_discounts: discount fraction (0.1 = 10 %) of each invoice in the window.
	claims: support issues and warranty claims raised in the window.
	delivery_failures: returned deliveries in the window.
	orders / cancelled: orders and invoices in the window, cancelled ones included, and how many were cancelled.
	evidence: flag type -> the (doctype, name) documents behind it, copied onto the detection.
	"""

	overdue_invoices: tuple[tuple[int, float], ...] | None = None
	billed: float | None = None
	refunds: float | None = None
	refund_count: int | None = None
	invoice_discounts: tuple[float, ...] | None = None
	claims: int | None = None
	delivery_failures: int | None = None
	orders: int | None = None
	cancelled: int | None = None
	evidence: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class Detection:
	"""`reason`: a code + parameters (see core.messages); the adapter renders it for each reader."""

	flag_type: str
	reason: Message
	evidence: list[tuple[str, str]] = field(default_factory=list)


def validate_flag_type(flag_type: str, manual: bool) -> None:
	"""A person may raise any type; the rules may raise only automatic ones."""
	if flag_type not in FLAG_TYPES:
		raise ValueError(f"unknown risk flag type: {flag_type!r}; expected one of {', '.join(FLAG_TYPES)}")
	if not manual and flag_type in MANUAL_TYPES:
		raise ValueError(f"{flag_type} is raised by a person only, never automatically")


def resolve_thresholds(thresholds: Mapping[str, float] | None = None) -> dict[str, float]:
	"""Defaults overridden by the settings; a typo in a key must fail loudly, not silently use the default."""
	merged = dict(DEFAULT_THRESHOLDS)
	for key, value in (thresholds or {}).items():
		if key not in DEFAULT_THRESHOLDS:
			raise ValueError(f"unknown risk threshold: {key!r}")
		if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
			raise ValueError(f"risk threshold {key} must be a number >= 0, got {value!r}")
		merged[key] = value
	return merged


def detect(facts: RiskFacts, thresholds: Mapping[str, float] | None = None) -> dict[str, Detection]:
	"""The automatic flags whose condition holds now, keyed by flag type."""
	t = resolve_thresholds(thresholds)
	reasons = {
		"overdue_payment": _overdue(facts, t),
		"frequent_refunds": _refunds(facts, t),
		"discount_dependency": _discounts(facts, t),
		"frequent_claims": _at_least("frequent_claims", facts.claims, t["claims_count"], t),
		"delivery_failures": _at_least(
			"delivery_failures", facts.delivery_failures, t["delivery_failures"], t
		),
		"cancellation_pattern": _cancellations(facts, t),
	}
	return {
		flag: Detection(flag, reason, list(facts.evidence.get(flag, [])))
		for flag, reason in reasons.items()
		if reason
	}


def plan(
	active_automatic: Mapping[str, str], detected: Mapping[str, Detection]
) -> tuple[list[Detection], list[str]]:
	"""What to change so the stored flags match the detections.

	`active_automatic` maps each open flag's document name to its flag type (a name, not a type, is the key
	because two open flags of one type can exist, e.g. one raised by hand). Returns the detections to raise
	(no open flag of that type yet), in FLAG_TYPES order, and the names of open automatic flags whose condition
	cleared, sorted. Manual types are skipped: only a person closes them.
	"""
	for flag_type in detected:
		validate_flag_type(flag_type, manual=False)
	open_types = set(active_automatic.values())
	to_raise = [detected[t] for t in AUTOMATIC_TYPES if t in detected and t not in open_types]
	to_resolve = sorted(
		name
		for name, flag_type in active_automatic.items()
		if flag_type in AUTOMATIC_TYPES and flag_type not in detected
	)
	return to_raise, to_resolve


def _overdue(facts: RiskFacts, t: dict) -> Message | None:
	hits = [
		(days, amount)
		for days, amount in facts.overdue_invoices or ()
		if days > t["overdue_days"] and amount > t["overdue_min_amount"]
	]
	if not hits:
		return None
	return Message(
		"overdue_invoices",
		{
			"count": len(hits),
			"days": t["overdue_days"],
			"owed": round(float(sum(amount for _, amount in hits)), 2),
			"oldest": max(days for days, _ in hits),
		},
	)


def _refunds(facts: RiskFacts, t: dict) -> Message | None:
	if facts.refunds is None or facts.refund_count is None or facts.billed is None:
		return None
	if facts.refund_count < t["refund_min_count"] or facts.refunds <= 0:
		return None
	# Refunds against older invoices with nothing billed in the window are the whole of the recent business.
	ratio = facts.refunds / facts.billed if facts.billed > 0 else 1.0
	if ratio < t["refund_ratio"]:
		return None
	return Message(
		"frequent_refunds",
		{
			"count": facts.refund_count,
			"refunds": facts.refunds,
			"ratio_pct": round(ratio, 4),
			"billed": facts.billed,
			"window": t["window_days"],
		},
	)


def _discounts(facts: RiskFacts, t: dict) -> Message | None:
	discounts = facts.invoice_discounts or ()
	if len(discounts) < max(1, t["discount_min_invoices"]):
		return None
	discounted = sum(1 for d in discounts if d >= t["discount_ratio"])
	if discounted < t["discount_min_share"] * len(discounts):
		return None
	params = {"discounted": discounted, "count": len(discounts), "window": t["window_days"]}
	return Message("discount_dependency", {**params, "ratio_pct": t["discount_ratio"]})


def _at_least(code: str, value: int | None, threshold: float, t: dict) -> Message | None:
	if value is None or value <= 0 or value < threshold:
		return None
	return Message(code, {"count": value, "window": t["window_days"]})


def _cancellations(facts: RiskFacts, t: dict) -> Message | None:
	if not facts.orders or facts.cancelled is None or facts.cancelled <= 0:
		return None
	ratio = facts.cancelled / facts.orders
	if facts.cancelled < t["cancellation_min_count"] or ratio < t["cancellation_ratio"]:
		return None
	return Message(
		"cancellation_pattern",
		{
			"cancelled": facts.cancelled,
			"count": facts.orders,
			"window": t["window_days"],
			"ratio_pct": round(ratio, 4),
		},
	)

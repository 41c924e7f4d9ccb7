"""What an alert says, and when a score change is one: framework-free so the wording and the rules are tested
without a site.

Two texts per alert. The detailed one (score movement, flag type, reason) goes only to an account owner who may
see risk data, rendered for that owner: amounts only when they may see finance figures too (`Alert.detail_for`).
The neutral one is for everything that other readers of the customer can see too (the ToDo shows on the
customer's timeline) and for an owner without the risk capability: it names no score, no flag, no amount.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from customer_360.core import messages
from customer_360.core.messages import Message
from customer_360.core.risk import FLAG_LABELS

DROP_POINTS = 20  # a fall of more than this many points ...
DROP_DAYS = 7  # ... from the best score of the previous seven days raises an alert

NEXT_STEPS = {
	"overdue_payment": "Send a payment reminder after checking the balance is still open.",
	"frequent_refunds": "Review recent returns with the customer: product fit, quality or expectations.",
	"discount_dependency": "Review pricing with the customer before the next quotation.",
	"frequent_claims": "Call to review the open and recent support cases together.",
	"delivery_failures": "Check the delivery address and logistics with the customer.",
	"cancellation_pattern": "Ask why recent orders were cancelled.",
	"abusive_behavior": "Agree with your manager how this customer is handled.",
	"manual_flag": "Read the flag's reason and follow up.",
}
DROP_NEXT_STEP = "Call the customer to check in: ask how things are going and what changed."
NEUTRAL_TODO = "Customer 360: check in with {customer}. Open the 360 for the reason."


@dataclass(frozen=True)
class Alert:
	customer: str
	kind: str  # "flag" or "drop"
	subject: str  # detailed, for an owner who may see risk data (scores and flag types, no amount)
	reasons: tuple  # Messages (or a person's own text), rendered per owner
	next_step: str
	neutral_subject: str  # for everyone else

	def detail_for(self, translate=messages._same, see_finance: bool = False) -> str:
		"""The notification body for an owner who may see risk data; amounts only with see_finance."""
		step = translate("Suggested next step: {0}").format(translate(self.next_step))
		lines = [_line(r, translate, see_finance) for r in self.reasons]
		lines = [line for line in lines if line.strip()]
		return "\n".join([*lines, step] if self.kind == "flag" else [step, *lines])


def _line(reason, translate, see_finance: bool) -> str:
	# A person's own words (a manual flag's reason) are not ours to mask; a rule's reason is a Message.
	if isinstance(reason, str):
		return reason
	return messages.render(reason, translate, see_finance)


def is_drop(peak: int | None, current: int | None, points: int = DROP_POINTS) -> bool:
	"""A fall of more than `points` from the recent peak. A missing score on either side is no data, not a drop."""
	if peak is None or current is None:
		return False
	return peak - current > points


def drop_alert(customer: str, customer_name: str, peak: int, current: int, explanation: list) -> Alert:
	"""`explanation`: the score's explanation lines (Messages)."""
	return Alert(
		customer=customer,
		kind="drop",
		subject=f"Health of {customer_name} fell from {peak} to {current} within {DROP_DAYS} days",
		reasons=tuple(m for m in explanation if m),
		next_step=DROP_NEXT_STEP,
		neutral_subject=f"Customer 360 suggests checking in with {customer_name}",
	)


def flag_alert(customer: str, customer_name: str, flag_type: str, reason: Message | str) -> Alert:
	label = FLAG_LABELS.get(flag_type, flag_type)
	return Alert(
		customer=customer,
		kind="flag",
		subject=f"New risk flag on {customer_name}: {label}",
		reasons=(reason,) if reason else (),
		next_step=NEXT_STEPS.get(flag_type, NEXT_STEPS["manual_flag"]),
		neutral_subject=f"Customer 360 suggests checking in with {customer_name}",
	)


def todo_text(customer_name: str) -> str:
	return NEUTRAL_TODO.format(customer=customer_name)


# (score, annual churn probability) knots; linear in between.
CHURN_CURVE = ((0, 0.9), (40, 0.45), (70, 0.2), (100, 0.05))


def churn_probability(score: int | None) -> float | None:
	"""Annual churn probability read off the health score: a documented heuristic (no model is trained on the
	site's data), piecewise linear through CHURN_CURVE, steeper below the red line and monotone in the score so
	the churn-risk list orders customers the way the bands do."""
	if score is None:
		return None
	s = max(0, min(100, float(score)))
	for (x0, y0), (x1, y1) in itertools.pairwise(CHURN_CURVE):
		if s <= x1:
			return round(y0 + (s - x0) * (y1 - y0) / (x1 - x0), 4)
	return CHURN_CURVE[-1][1]

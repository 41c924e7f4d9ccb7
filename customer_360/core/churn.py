"""Churn probability for the Customer Churn Risk report: today's score, read through core.alerts' curve, raised by
what a score of today does not show yet. Pure Python.

- a falling trend: the score lost points over the last weeks (a customer sliding from 90 to 70 is a different
  risk from one that has sat at 70 for a year);
- open escalations: support cases open longer than the escalation threshold;
- a renewal due: a contract or subscription ending soon is the moment a customer leaves.

The additions are a documented heuristic like the curve, capped so the list still orders by evidence.
"""

from __future__ import annotations

from customer_360.core.alerts import churn_probability as from_score

FALL_PER_POINT = 0.01  # each point lost over the window adds one percentage point ...
FALL_MAX = 0.25  # ... up to this
ESCALATION_EACH = 0.05
ESCALATION_MAX = 0.15
RENEWAL_DUE = 0.10
CEILING = 0.95


def probability(
	score: int | None, change: int | None, escalations: int = 0, renewal_due: bool = False
) -> tuple[float | None, list[str]]:
	"""(probability 0..1, reason codes). change: score now minus score at the start of the window (None: no
	score then)."""
	p = from_score(score)
	if p is None:
		return None, []
	reasons = []
	if change is not None and change < 0:
		p += min(FALL_MAX, -change * FALL_PER_POINT)
		reasons.append("falling")
	if escalations > 0:
		p += min(ESCALATION_MAX, escalations * ESCALATION_EACH)
		reasons.append("escalations")
	if renewal_due:
		p += RENEWAL_DUE
		reasons.append("renewal")
	return round(min(CEILING, p), 4), reasons

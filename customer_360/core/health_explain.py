"""Why a health score changed: one line per factor that moved it, as codes + parameters. Pure Python.

Each line is a `Message` whose `points` parameter is the factor's share of the change ("-15: overdue amount
tripled"); `customer_360.core.messages.render` writes it for a reader (amounts only for see_finance).
"""

from __future__ import annotations

from customer_360.core.health import FACTORS, Factor, HealthResult, _round
from customer_360.core.messages import Message


def explain_change(previous: HealthResult | None, current: HealthResult) -> list[Message]:
	"""One line per factor that moved the score, largest impact first.

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
			line = _cause(before, now, points) if points else None
		elif before.score is not None:
			points = -_impact(previous, name)
			line = Message("explain_no_data", {"factor": name, "was": before.score})
		elif now.score is not None:
			points = _impact(current, name)
			line = Message("explain_data_again", {"factor": name, "now": now.score})
		else:
			continue
		if points and line:
			lines.append((-abs(points), position, Message(line.code, {"points": points, **line.params})))
	return [message for *_, message in sorted(lines, key=lambda r: (r[0], r[1]))]


def _impact(result: HealthResult, name: str) -> int:
	"""How many points a factor adds to a result: its score with the factor minus without (renormalised)."""
	own = result.factor(name)
	others = [f for f in result.factors if f.name != name and f.score is not None and f.weight > 0]
	total = sum(f.weight for f in others) + own.weight
	with_it = (sum(f.score * f.weight for f in others) + own.score * own.weight) / total if total else 0
	without = sum(f.score * f.weight for f in others) / (total - own.weight) if others else 0
	return _round(with_it - without)


def _cause(before: Factor, now: Factor, points: int) -> Message:
	b, n = before.values, now.values
	specific = _CAUSES[now.name](b, n) if b and n else None
	if specific:
		return specific
	code = "explain_improved" if points > 0 else "explain_worsened"
	return Message(code, {"factor": now.name, "detail": now.detail.as_dict()})


def _payment_cause(b: dict, n: dict) -> Message | None:
	was, now = b.get("overdue"), n.get("overdue")
	if was is None or now is None:  # a result read without its finance figures: no amount to compare
		return None
	if was != now:
		if was == 0:
			return Message("explain_overdue_new", {"amount": now})
		if now == 0:
			return Message("explain_overdue_cleared")
		return _grew(was, now)
	late_was, late_now = b.get("avg_days_late"), n.get("avg_days_late")
	if late_was is not None and late_now is not None and late_was != late_now:
		return Message("explain_delay", {"was": late_was, "now": late_now})
	return None


def _grew(was: float, now: float) -> Message:
	"""'doubled', 'tripled' when the ratio is a clean multiple people say aloud; otherwise the numbers."""
	ratio = now / was
	whole = _round(ratio)
	if abs(ratio - whole) < 0.05 and whole >= 2:
		word = {2: "doubled", 3: "tripled", 4: "quadrupled"}.get(whole)
		return (
			Message(f"explain_overdue_{word}") if word else Message("explain_overdue_fold", {"fold": whole})
		)
	if now < was and abs(ratio - 0.5) < 0.025:
		return Message("explain_overdue_halved")
	return Message("explain_overdue_rose" if now > was else "explain_overdue_fell", {"was": was, "now": now})


def _recency_cause(b: dict, n: dict) -> Message | None:
	if n["days_since_last"] < b["days_since_last"]:
		return Message("explain_ordered_again", {"since_days": n["days_since_last"]})
	return Message(
		"explain_no_order", {"since_days": n["days_since_last"], "usual_days": n["usual_interval"]}
	)


def _revenue_cause(b: dict, n: dict) -> Message | None:
	if "change" not in n:
		return None
	return Message("explain_revenue", {"change": n["change"]})


def _went(what: str, was: float, now: float) -> Message:
	return Message(f"explain_{what}_{'rose' if now > was else 'fell'}", {"was": was, "now": now})


def _support_cause(b: dict, n: dict) -> Message | None:
	if b["issues_open"] != n["issues_open"]:
		return _went("open_issues", b["issues_open"], n["issues_open"])
	if b["issues_90"] != n["issues_90"]:
		return _went("issues", b["issues_90"], n["issues_90"])
	return None


def _returns_cause(b: dict, n: dict) -> Message | None:
	return Message("explain_returns", {"was_pct": b["share"], "now_pct": n["share"]})


def _flags_cause(b: dict, n: dict) -> Message | None:
	raised = sorted(set(n["flags"]) - set(b["flags"]))
	cleared = sorted(set(b["flags"]) - set(n["flags"]))
	if raised and cleared:
		return Message("explain_flags_both", {"flags": raised, "cleared": cleared})
	if raised:
		return Message("explain_flags_raised", {"flags": raised})
	if cleared:
		return Message("explain_flags_resolved", {"cleared": cleared})
	return None


def _engagement_cause(b: dict, n: dict) -> Message | None:
	if "interactions_90" in b and "interactions_90" in n and b["interactions_90"] != n["interactions_90"]:
		return _went("interactions", b["interactions_90"], n["interactions_90"])
	if "days_idle" in n:
		return Message("explain_last_activity", {"idle_days": n["days_idle"]})
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

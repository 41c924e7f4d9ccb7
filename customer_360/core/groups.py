"""Roll-up arithmetic for groups and households. Pure Python."""

from __future__ import annotations

from collections.abc import Iterable


def weighted_score(members: Iterable[tuple[int | None, float]]) -> int | None:
	"""A group's health: its members' scores weighted by revenue (lifetime value). Members without a score are
	left out; when none of the scored members has revenue, the plain average. None when nobody is scored."""
	scored = [(s, max(0.0, float(w or 0))) for s, w in members if s is not None]
	if not scored:
		return None
	total = sum(w for _s, w in scored)
	if total <= 0:
		return round(sum(s for s, _w in scored) / len(scored))
	return round(sum(s * w for s, w in scored) / total)

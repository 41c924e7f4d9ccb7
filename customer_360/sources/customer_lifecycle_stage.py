"""Milestones of dormancy (the `system` event type): became dormant, came back.

Dormancy is not a property of one ERP document: it depends on today, on the settings (dormant_days) and on all
of the customer's activity (core/definitions.py). The nightly lifecycle job (customer_360/lifecycle.py) already
derives it with those definitions and keeps one Customer Lifecycle Stage row per change, so those rows are the
source: a row entering `dormant` is "became dormant", one entering `won_back` (bought again after being dormant
or churned) is "came back". Its rows are written in bulk (no doc_events): the hourly reconcile indexes them.

The dormant badge is shown to every reader of the customer (directory, 360 header), so these events follow the
customer; risk stages (at risk) are not indexed at all.
"""

from customer_360.core.lifecycle import RISK_STAGES
from customer_360.core.timeline import combine
from customer_360.sources import Source, base_event, sql

DOCTYPE = "Customer Lifecycle Stage"
KINDS = {"dormant": ("became_dormant", "Became dormant"), "won_back": ("came_back", "Came back")}


def _shown(stage: str) -> str:
	"""The previous stage as every reader of the customer may see it: a risk stage (at risk) reads as the stage
	it hides behind, since these events are not limited to readers with the risk capability."""
	return RISK_STAGES.get(stage, stage).replace("_", " ")


_SHOWN_SQL = (
	"replace(case t.previous "
	+ " ".join(f"when {sql.lit(k)} then {sql.lit(v)}" for k, v in RISK_STAGES.items())
	+ " else t.previous end, '_', ' ')"
)


def to_events(row: dict) -> list:
	kind, title = KINDS.get(row.get("stage"), (None, None))
	if not kind:
		return []
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind=kind,
			event_type="system",
			event_time=combine(row.get("since"), fallback=row["creation"]),
			title=title,
			summary=f"Was {_shown(row['previous'])}" if row.get("previous") else None,
			actor=None,
		)
	]


SQL_EVENTS = tuple(
	sql.SqlEvent(
		kind=sql.lit(kind),
		event_type="system",
		event_time="if(t.since is null, t.creation, timestamp(t.since))",
		title=sql.lit(title),
		summary=f"if({sql.given('t.previous')}, concat('Was ', {_SHOWN_SQL}), null)",
		actor="NULL",
		when=f"t.stage = {sql.lit(stage)}",
	)
	for stage, (kind, title) in KINDS.items()
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("customer", "stage", "since", "previous"),
	where="stage in ('dormant', 'won_back')",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
	follows_customer=True,
	optional=True,
)

"""The lifecycle stage of a customer, derived from ERP facts — one definition, here. Pure Python.

    lead → prospect → first purchase → active → at risk → dormant → churned → won back

- lead: a customer record without purchases and without quotations or opportunities;
- prospect: no purchase yet, but quoted or in an opportunity;
- first purchase: its first purchase was less than FIRST_PURCHASE_DAYS ago and it has bought only once;
- active: buying, and none of the below;
- at risk: the latest health band is red, or a risk flag is active (risk data: shown as "active" to a reader
  without the risk capability, see `visible_stage`);
- dormant: no activity for the dormant days of the settings (core.definitions: the same dormancy as elsewhere);
- churned: no purchase for CHURN_DAYS;
- won back: bought again after being churned (or dormant); stays so for WON_BACK_DAYS, then follows the rules.

The nightly job stores a row per change (Customer Lifecycle Stage: customer, stage, since, previous).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from customer_360.core.definitions import DEFAULT_DORMANT_DAYS, is_dormant, quiet_since
from customer_360.core.wording import _lt

STAGES = ("lead", "prospect", "first_purchase", "active", "at_risk", "dormant", "churned", "won_back")
# Marked for the translation extractor; the API translates them for each reader.
STAGE_LABELS = {
	"lead": _lt("Lead"),
	"prospect": _lt("Prospect"),
	"first_purchase": _lt("First Purchase"),
	"active": _lt("Active"),
	"at_risk": _lt("At Risk"),
	"dormant": _lt("Dormant"),
	"churned": _lt("Churned"),
	"won_back": _lt("Won Back"),
}
FIRST_PURCHASE_DAYS = 90
CHURN_DAYS = 365
WON_BACK_DAYS = 90
# Stages that, followed by a purchase, make the customer "won back".
LAPSED = ("churned", "dormant")
# Stages derived from risk data: a reader without the risk capability sees the stage beneath.
RISK_STAGES = {"at_risk": "active"}


@dataclass
class LifecycleFacts:
	created: date | None = None
	first_purchase: date | None = None
	last_purchase: date | None = None
	purchases: int = 0  # buying occasions, all time
	quoted: bool = False  # a quotation or opportunity exists
	last_activity: date | None = None
	red: bool = False  # latest health band is red
	flagged: bool = False  # an active risk flag


def derive(
	f: LifecycleFacts,
	today: date,
	previous: tuple[str, date] | None = None,
	dormant_days: int = DEFAULT_DORMANT_DAYS,
) -> str:
	"""The stage today; `previous` is the stored (stage, since) before today, if any."""
	if not f.last_purchase:
		return "prospect" if f.quoted else "lead"
	if (today - f.last_purchase).days >= CHURN_DAYS:
		return "churned"
	if is_dormant(quiet_since(f.last_activity, f.created), today, dormant_days):
		return "dormant"
	if previous:
		stage, since = previous
		if stage in LAPSED and f.last_purchase >= since:
			return "won_back"
		if stage == "won_back" and (today - since).days < WON_BACK_DAYS:
			return "won_back"
	if f.red or f.flagged:
		return "at_risk"
	if f.purchases <= 1 and f.first_purchase and (today - f.first_purchase).days < FIRST_PURCHASE_DAYS:
		return "first_purchase"
	return "active"


def visible_stage(stage: str | None, see_risk: bool) -> str | None:
	return stage if see_risk or stage not in RISK_STAGES else RISK_STAGES[stage]


def visible_history(rows: list[dict], see_risk: bool) -> list[dict]:
	"""Stage changes (oldest first: stage, since, previous) as a reader sees them: risk stages replaced, and a
	change that the replacement makes invisible (active → active) dropped, so no date betrays a hidden stage."""
	out: list[dict] = []
	for row in rows:
		stage = visible_stage(row["stage"], see_risk)
		if out and out[-1]["stage"] == stage:
			continue
		out.append({**row, "stage": stage, "previous": out[-1]["stage"] if out else None})
	return out

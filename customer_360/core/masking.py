"""The masking policy: which output fields are finance figures and which are risk data, and one function that
masks a payload for a reader's capabilities. Pure Python; every API masks through here.

A masked field leaves the server as null, and the payload says so (`masked: true`): the page shows a masked
panel instead of a wrong zero.
"""

from __future__ import annotations

from collections.abc import Iterable

from customer_360.core.capabilities import SEE_FINANCE, SEE_RISK, Capabilities

# The money panel's figures (per company).
MONEY_FIGURES = (
	"outstanding",
	"overdue",
	"unallocated_advances",
	"ageing",
	"in_party_currency",
	"due_soon",
	"due_soon_count",
	"lifetime_value",
	"average_days_to_pay",
	"last_payment",
	"credit_limit",
	"credit_used",
	"credit_used_percent",
	"open_quotations",
	"orders_to_deliver",
	"orders_to_bill",
	"invoices",
	"payments",
	"refunds",
	"credit_notes",
	"portal_links",
)
# Amounts elsewhere: a timeline event's amount, the sales trend's values, the churn report's revenue.
FINANCE_FIELDS = frozenset((*MONEY_FIGURES, "amount", "values", "annual_revenue", "risk_amount"))
# The health panel and the risk flags.
HEALTH_FIELDS = ("score", "band", "score_date", "factors", "explanation", "trend", "signals")
RISK_FIELDS = frozenset((*HEALTH_FIELDS, "flags"))


def capability_for(field: str) -> str | None:
	"""The capability a reader needs to see `field` (None: anyone who may read the customer)."""
	if field in FINANCE_FIELDS:
		return SEE_FINANCE
	if field in RISK_FIELDS:
		return SEE_RISK
	return None


def hidden(fields: Iterable[str], caps: Capabilities) -> list[str]:
	"""The fields among `fields` that a reader with `caps` may not see."""
	return [f for f in fields if (need := capability_for(f)) is not None and not caps.has(need)]


def mask(payload: dict, caps: Capabilities, fields: Iterable[str], flag: str | None = "masked") -> dict:
	"""Set each of `fields` the reader may not see to None (in place; a field not there yet is added as None)
	and, with `flag`, say whether anything was masked. Returns the payload."""
	masked = hidden(fields, caps)
	for f in masked:
		payload[f] = None
	if flag:
		payload[flag] = bool(masked)
	return payload

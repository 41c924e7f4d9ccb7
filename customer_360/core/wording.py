"""Every sentence the core can say, by code: its wording, and which parameters are finance figures. Pure Python.

One place declares what is finance: `finance` lists the parameters a reader without see_finance may not see;
`without_finance` is the sentence with their clause dropped (else they show as "•••"). `one` / `without_finance_one`
are used when the parameter `count` is 1. Parameters named in NOUNS are counted nouns ("1 open issue", "3 open
issues"); see `customer_360.core.messages` for how the other parameters are formatted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
	text: str
	one: str | None = None
	finance: tuple[str, ...] = ()
	without_finance: str | None = None
	without_finance_one: str | None = None


LEGACY_TEXT = (
	"text"  # a sentence stored before codes existed: it may quote amounts, so it is finance as a whole
)

NOUNS = {
	"open_issues": ("1 open issue", "{0} open issues"),
	"issues": ("1 issue", "{0} issues"),
	"active_flags": ("1 active flag", "{0} active flags"),
	"interactions": ("1 interaction", "{0} interactions"),
	"invoices": ("1 invoice", "{0} invoices"),
	"quotations": ("1 quotation", "{0} quotations"),
	"cases": ("1 support case", "{0} support cases"),
}

W = Wording
CATALOG: dict[str, Wording] = {
	LEGACY_TEXT: W("{text}", finance=("text",)),
	# --- risk flag reasons (core.risk) ---
	"overdue_invoices": W(
		"{count} invoices overdue more than {days} days ({owed} owed, oldest {oldest} days)",
		one="1 invoice overdue more than {days} days ({owed} owed, oldest {oldest} days)",
		finance=("owed",),
		without_finance="{count} invoices overdue more than {days} days (oldest {oldest} days)",
		without_finance_one="1 invoice overdue more than {days} days (oldest {oldest} days)",
	),
	"frequent_refunds": W(
		"{count} refunds worth {refunds} = {ratio_pct} of {billed} billed in the last {window} days",
		finance=("refunds", "billed"),
		without_finance="{count} refunds = {ratio_pct} of billing in the last {window} days",
	),
	"discount_dependency": W(
		"{discounted} of {count} invoices in the last {window} days had a discount of {ratio_pct} or more"
	),
	"frequent_claims": W(
		"{count} issues and warranty claims raised in the last {window} days",
		one="1 issue or warranty claim raised in the last {window} days",
	),
	"delivery_failures": W(
		"{count} deliveries returned or failed in the last {window} days",
		one="1 delivery returned or failed in the last {window} days",
	),
	"cancellation_pattern": W(
		"{cancelled} of {count} orders and invoices cancelled in the last {window} days ({ratio_pct})"
	),
	# --- health factor details (core.health) ---
	"no_data": W("no data"),
	"payment": W("{overdue} overdue of {outstanding} outstanding", finance=("overdue", "outstanding")),
	"payment_late": W(
		"{overdue} overdue of {outstanding} outstanding; pays {late} days late on average",
		finance=("overdue", "outstanding"),
		without_finance="pays {late} days late on average",
	),
	"payment_early": W(
		"{overdue} overdue of {outstanding} outstanding; pays {early} days early on average",
		finance=("overdue", "outstanding"),
		without_finance="pays {early} days early on average",
	),
	"payment_on_time": W(
		"{overdue} overdue of {outstanding} outstanding; pays on the due date on average",
		finance=("overdue", "outstanding"),
		without_finance="pays on the due date on average",
	),
	"payment_aged": W(
		"{overdue} overdue of {outstanding} outstanding; {aged_pct} of the balance more than 90 days overdue",
		finance=("overdue", "outstanding"),
		without_finance="{aged_pct} of the balance more than 90 days overdue",
	),
	"recency_rhythm": W("usually orders every {median_days}; last order {since_days} ago"),
	"recency_rhythm_today": W("usually orders every {median_days}; last order today"),
	"recency_few_orders": W(
		"last order {since_days} ago; too few orders for a rhythm, compared with {usual} days"
	),
	"revenue_new": W(
		"{now} revenue in the last 90 days, none in the 90 before",
		finance=("now",),
		without_finance="revenue in the last 90 days, none in the 90 before",
	),
	"revenue_trend": W(
		"{now} revenue in the last 90 days vs {before} in the 90 before ({change})",
		finance=("now", "before"),
		without_finance="revenue in the last 90 days {change} on the 90 before",
	),
	"support": W("{open_issues}; {issues} in the last 90 days"),
	"returns": W(
		"{returned} returned or refunded of {billed} billed in 365 days ({share_pct})",
		finance=("returned", "billed"),
		without_finance="{share_pct} of billing returned or refunded in 365 days",
	),
	"no_flags": W("no active risk flags"),
	"flags": W("{active_flags}: {flags}"),
	"engagement": W("last activity {idle_days} ago; {interactions} in the last 90 days"),
	"engagement_idle": W("last activity {idle_days} ago"),
	"engagement_interactions": W("{interactions} in the last 90 days"),
	# --- health explanations (core.health_explain): one line per factor that moved the score ---
	"explain_no_data": W("{points}: {factor}: no data any more (was {was})"),
	"explain_data_again": W("{points}: {factor}: data available again (now {now})"),
	"explain_improved": W("{points}: {factor} improved ({detail})"),
	"explain_worsened": W("{points}: {factor} worsened ({detail})"),
	"explain_overdue_new": W(
		"{points}: {amount} became overdue",
		finance=("amount",),
		without_finance="{points}: an amount became overdue",
	),
	"explain_overdue_cleared": W("{points}: overdue amount cleared"),
	"explain_overdue_doubled": W("{points}: overdue amount doubled"),
	"explain_overdue_tripled": W("{points}: overdue amount tripled"),
	"explain_overdue_quadrupled": W("{points}: overdue amount quadrupled"),
	"explain_overdue_fold": W("{points}: overdue amount grew {fold}-fold"),
	"explain_overdue_halved": W("{points}: overdue amount halved"),
	"explain_overdue_rose": W(
		"{points}: overdue amount rose from {was} to {now}",
		finance=("was", "now"),
		without_finance="{points}: overdue amount rose",
	),
	"explain_overdue_fell": W(
		"{points}: overdue amount fell from {was} to {now}",
		finance=("was", "now"),
		without_finance="{points}: overdue amount fell",
	),
	"explain_delay": W("{points}: average payment delay went from {was} to {now} days"),
	"explain_ordered_again": W("{points}: ordered again {since_days} ago"),
	"explain_no_order": W("{points}: no order for {since_days} (usually every {usual_days})"),
	"explain_revenue": W("{points}: revenue in the last 90 days is {change} on the 90 before"),
	"explain_open_issues_rose": W("{points}: open issues rose from {was} to {now}"),
	"explain_open_issues_fell": W("{points}: open issues fell from {was} to {now}"),
	"explain_issues_rose": W("{points}: issues in the last 90 days rose from {was} to {now}"),
	"explain_issues_fell": W("{points}: issues in the last 90 days fell from {was} to {now}"),
	"explain_interactions_rose": W("{points}: interactions in the last 90 days rose from {was} to {now}"),
	"explain_interactions_fell": W("{points}: interactions in the last 90 days fell from {was} to {now}"),
	"explain_returns": W("{points}: returns and refunds went from {was_pct} to {now_pct} of billing"),
	"explain_flags_raised": W("{points}: new risk flag: {flags}"),
	"explain_flags_resolved": W("{points}: risk flag resolved: {cleared}"),
	"explain_flags_both": W("{points}: new risk flag: {flags}; risk flag resolved: {cleared}"),
	"explain_last_activity": W("{points}: last activity {idle_days} ago"),
	# --- next-step reasons (core.next_steps) ---
	"win_back": W("No contact for {quiet_days} (last activity {last})."),
	"win_back_new": W("No contact for {quiet_days} (created {last})."),
	"quotation_follow_up": W("{quotations} sent and unanswered for {days}+ days: {documents}."),
	"payment_reminder": W(
		"{invoices} overdue, {amounts} to collect (oldest due {oldest}, {ago_days} ago).",
		finance=("amounts",),
		without_finance="{invoices} overdue (oldest due {oldest}, {ago_days} ago).",
	),
	"health_check_in": W(
		"Health score fell {drop} points, from {peak} on {peak_day} to {latest} on {latest_day}."
	),
	"support_escalation": W("{cases} open longer than {open_days}: {documents}."),
	"renewal": W("Renewal coming up: {renewals}."),
}


def _lt(text: str) -> str:
	"""Marks a literal for Frappe's translation extractor (it collects `_()` and `_lt()` calls); returns it as is:
	the adapters translate it for each reader."""
	return text


# Labels of flag types and health factors (the messages name them; risk and health re-export them).
FLAG_LABELS = {
	"overdue_payment": _lt("Overdue payment"),
	"frequent_refunds": _lt("Frequent refunds"),
	"discount_dependency": _lt("Discount dependency"),
	"frequent_claims": _lt("Frequent claims"),
	"delivery_failures": _lt("Delivery failures"),
	"abusive_behavior": _lt("Abusive behaviour"),
	"cancellation_pattern": _lt("Cancellation pattern"),
	"manual_flag": _lt("Manual flag"),
}
FACTOR_LABELS = {
	"payment": "payment behaviour",
	"recency": "order recency",
	"revenue_trend": "revenue trend",
	"support": "support load",
	"returns": "returns and refunds",
	"risk_flags": "active risk flags",
	"engagement": "engagement",
}

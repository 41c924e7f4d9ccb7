"""Next steps, pure Python (no frappe import): what a suggestion is made of, by concept.

The Frappe adapter (`customer_360.next_steps`) gathers the facts the requesting user may see (a fact the user
may not see is None, never a partial value); this package decides:

- here: the rules' names and thresholds, the facts they look at and the suggestion they make;
- `rules.suggest`: which next steps apply, each with its reason, evidence and a fingerprint of that evidence (a
  dismissed suggestion stays dismissed until its fingerprint changes);
- `briefing`: a deterministic briefing from a plain, already permission-filtered context dict, and
  `restrict_context`: what may go into a note that other people will read (core.notes.audience_sees);
- `drafts`: a deterministic follow-up / reminder email draft (never sent: the user reviews it), and the request
  to and reply from an OpenAI-compatible endpoint, fed the same context and nothing else;
- `digest`: an account manager's weekly digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date

from customer_360.core import messages
from customer_360.core.messages import Message

# Rules in priority order: money owed first, a customer slipping away last.
PAYMENT_REMINDER = "payment_reminder"
SUPPORT_ESCALATION = "support_escalation"
HEALTH_CHECK_IN = "health_check_in"
RENEWAL = "renewal"
QUOTATION_FOLLOW_UP = "quotation_follow_up"
WIN_BACK = "win_back"
RULES = (PAYMENT_REMINDER, SUPPORT_ESCALATION, HEALTH_CHECK_IN, RENEWAL, QUOTATION_FOLLOW_UP, WIN_BACK)
RULE_LABELS = {
	PAYMENT_REMINDER: "Send a payment reminder",
	SUPPORT_ESCALATION: "Escalate a long-open support case",
	HEALTH_CHECK_IN: "Check-in call: health score dropped",
	RENEWAL: "Start the renewal conversation",
	QUOTATION_FOLLOW_UP: "Follow up on an unanswered quotation",
	WIN_BACK: "Win-back call: customer has gone quiet",
}
# A rule whose facts (and so its reason) only a holder of this capability may see.
RULE_CAPABILITY = {PAYMENT_REMINDER: "see_finance", HEALTH_CHECK_IN: "see_risk"}
# Rules whose acceptance comes with an email draft for the customer (reviewed in the composer, never sent).
DRAFT_RULES = (PAYMENT_REMINDER, QUOTATION_FOLLOW_UP, RENEWAL, WIN_BACK)
BRIEFING_SECTIONS = ("who", "bought", "interactions", "money", "health", "cases", "talking_points")


class NextStepError(ValueError):
	pass


@dataclass(frozen=True)
class Thresholds:
	"""Days and points of each rule. 0 switches a rule off."""

	quiet_days: int = 90  # no customer-facing activity for this long -> win-back
	quotation_days: int = 14  # a submitted quotation still "Open" (no reply, no order) this long -> follow-up
	overdue_days: int = 1  # an invoice overdue by at least this many days -> payment reminder
	health_drop: int = 15  # the score fell at least this many points below its recent peak -> check-in
	health_window_days: int = 30  # ... the peak is looked for within this many days
	case_open_days: int = 14  # a support case open longer than this -> escalation
	renewal_days: int = 90  # a contract or subscription ends within this many days -> renewal conversation

	def rule_on(self, rule: str) -> bool:
		return getattr(self, _RULE_SWITCH[rule]) > 0


_RULE_SWITCH = {
	WIN_BACK: "quiet_days",
	QUOTATION_FOLLOW_UP: "quotation_days",
	PAYMENT_REMINDER: "overdue_days",
	HEALTH_CHECK_IN: "health_drop",
	SUPPORT_ESCALATION: "case_open_days",
	RENEWAL: "renewal_days",
}
THRESHOLD_KEYS = tuple(f.name for f in fields(Thresholds))


def resolve_thresholds(overrides: Mapping | None) -> Thresholds:
	"""Defaults overridden by `overrides` (None or "" keeps the default); raises NextStepError on bad values."""
	values = {}
	for key, value in (overrides or {}).items():
		if key not in THRESHOLD_KEYS:
			raise NextStepError(f"unknown next-step setting {key!r}; use: {', '.join(THRESHOLD_KEYS)}")
		if value in (None, ""):
			continue
		try:
			number = int(value)
		except (TypeError, ValueError):
			raise NextStepError(f"{key} must be a whole number of days or points, not {value!r}") from None
		if number < 0:
			raise NextStepError(f"{key} cannot be negative")
		values[key] = number
	t = Thresholds(**values)
	if t.health_drop and not t.health_window_days:
		raise NextStepError("health_window_days must be at least 1 while the health rule is on")
	return t


# ---------------------------------------------------------------- facts


@dataclass(frozen=True)
class Doc:
	"""A document behind a fact: a quotation, a support case, a contract ... `day` is the date that matters to
	the rule (quotation date, case opening date, end of contract)."""

	doctype: str
	name: str
	day: date | None = None
	label: str = ""


@dataclass(frozen=True)
class Voucher:
	"""One receivable voucher's balance (as the Accounts Receivable report: invoices positive, unallocated
	payments and credit notes negative). `due` is the invoice's due date."""

	company: str
	voucher_type: str
	voucher_no: str
	outstanding: float
	due: date | None = None
	currency: str = ""


@dataclass
class Facts:
	"""What the rules look at for one customer. None means "not visible to this user" (or not tracked on this
	site): a rule without its facts stays silent, it never guesses."""

	customer: str
	customer_name: str = ""
	created: date | None = None
	last_activity: date | None = (
		None  # last customer-facing event (sale, payment, message, interaction, case)
	)
	quotations: tuple[Doc, ...] | None = None  # submitted and still Open (no reply, no order)
	receivables: tuple[Voucher, ...] | None = None
	health: tuple[tuple[date, int], ...] | None = None  # (score date, score), any order
	open_cases: tuple[Doc, ...] | None = None
	renewals: tuple[Doc, ...] | None = None  # contracts / subscriptions with their end date


@dataclass(frozen=True)
class Evidence:
	doctype: str
	name: str
	note: str = ""

	def as_dict(self) -> dict:
		return {"doctype": self.doctype, "name": self.name, "note": self.note}


@dataclass(frozen=True)
class Suggestion:
	key: str
	rule: str
	title: str
	reason: Message  # a code + parameters: rendered per reader (core.messages)
	evidence: tuple[Evidence, ...]
	fingerprint: str
	priority: int
	due_in_days: int = 0
	data: Mapping = field(default_factory=dict)  # rule details a draft needs (invoices, quotations ...)

	def text(self, translate=messages._same, see_finance: bool = True) -> str:
		return messages.render(self.reason, translate, see_finance)

	def as_dict(self, translate=messages._same, see_finance: bool = True) -> dict:
		return {
			"key": self.key,
			"rule": self.rule,
			"title": translate(self.title),
			"reason": self.text(translate, see_finance),
			"reason_code": self.reason.code,
			"evidence": [e.as_dict() for e in self.evidence],
			"fingerprint": self.fingerprint,
			"priority": self.priority,
			"due_in_days": self.due_in_days,
			"has_draft": self.rule in DRAFT_RULES,
		}


def fingerprint(*parts) -> str:
	raw = "\x1f".join(str(p) for p in parts)
	return hashlib.sha1(raw.encode()).hexdigest()[:16]


def money(amount: float, currency: str = "") -> str:
	text = f"{amount:,.2f}"
	return f"{text} {currency}".strip()


def reason_text(s: Mapping) -> str:
	"""A suggestion dict's reason: already rendered by the adapter, or its code + parameters."""
	reason = s.get("reason")
	return reason if isinstance(reason, str) else messages.render(reason)


def task_description(s: Suggestion, customer_name: str) -> str:
	"""The ToDo text. Amounts stay out: everyone who may read the customer sees its tasks."""
	names = ", ".join(e.name for e in s.evidence if e.name and e.doctype != "Customer")
	what = f" ({names})" if names else ""
	return f"{s.title} — {customer_name}{what}"

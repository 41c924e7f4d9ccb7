"""Next steps: rules that turn a customer's facts into suggested actions, and the one-page customer briefing.

Pure Python (no frappe import). The Frappe adapter (`customer_360.next_steps`) gathers the facts the requesting
user may see (a fact the user may not see is None, never a partial value), and this module decides:

- `suggest`: which next steps apply, each with its reason, evidence and a fingerprint of that evidence (a
  dismissed suggestion stays dismissed until its fingerprint changes);
- `compose_briefing`: a deterministic briefing from a plain, already permission-filtered context dict;
- `compose_draft`: a deterministic follow-up / reminder email draft (never sent: the user reviews it);
- `model_messages` / `parse_model_reply`: the request to and reply from an OpenAI-compatible endpoint, fed the
  same context and nothing else;
- `restrict_context`: what may go into a note that other people will read (core.notes.audience_sees: who they are).
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from customer_360.core import messages
from customer_360.core.definitions import SETTLED_BELOW, is_dormant, quiet_since
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


def _days(n: int) -> str:
	return "1 day" if n == 1 else f"{n} days"


# ---------------------------------------------------------------- rules


def suggest(
	facts: Facts, today: date, thresholds: Thresholds, decided: Mapping[str, str] | None = None
) -> list[Suggestion]:
	"""Suggestions for one customer, best first. `decided`: key -> fingerprint of a recorded decision (accepted
	or dismissed); a suggestion whose evidence has not changed since stays out."""
	out = []
	for rule in RULES:
		if not thresholds.rule_on(rule):
			continue
		found = _RULE_FUNCTIONS[rule](facts, today, thresholds)
		if found is None:
			continue
		if decided and decided.get(found.key) == found.fingerprint:
			continue
		out.append(found)
	return sorted(out, key=lambda s: (s.priority, s.key))


def _win_back(f: Facts, today: date, t: Thresholds) -> Suggestion | None:
	# Never any activity: quiet counts from the day the customer was created, so a new customer is not "quiet".
	last = quiet_since(f.last_activity, f.created)
	if last is None or not is_dormant(last, today, t.quiet_days):
		return None
	quiet = (today - last).days
	since = "last activity" if f.last_activity else "created"
	code = "win_back" if f.last_activity else "win_back_new"
	return _make(
		WIN_BACK,
		Message(code, {"quiet_days": quiet, "last": last.isoformat()}),
		(Evidence("Customer", f.customer, f"{since} {last.isoformat()}"),),
		fingerprint(last),
		due_in_days=7,
		data={"last_activity": last.isoformat(), "quiet_days": quiet},
	)


def _quotation_follow_up(f: Facts, today: date, t: Thresholds) -> Suggestion | None:
	if not f.quotations:
		return None
	stale = sorted(
		(q for q in f.quotations if q.day and (today - q.day).days >= t.quotation_days),
		key=lambda q: (q.day, q.name),
	)
	if not stale:
		return None
	listed = [[q.name, (today - q.day).days] for q in stale]
	return _make(
		QUOTATION_FOLLOW_UP,
		Message(
			"quotation_follow_up",
			{"quotations": len(stale), "days": t.quotation_days, "documents": listed},
		),
		tuple(Evidence(q.doctype, q.name, f"sent {q.day.isoformat()}") for q in stale),
		fingerprint(*(q.name for q in stale)),
		due_in_days=2,
		data={"quotations": [{"name": q.name, "date": q.day.isoformat(), "label": q.label} for q in stale]},
	)


def overdue_to_chase(
	receivables: Iterable[Voucher], today: date, overdue_days: int = 1
) -> dict[str, tuple[list[Voucher], float]]:
	"""Per company: the overdue invoices to chase and the amount to ask for. Nothing for a company whose net
	balance is settled: a customer who paid (even before the payment was matched to the invoice) or holds a
	credit note is never chased. The amount asked is at most the net balance."""
	by_company: dict[str, list[Voucher]] = {}
	for v in receivables:
		by_company.setdefault(v.company, []).append(v)
	out = {}
	for company, vouchers in sorted(by_company.items()):
		net = sum(v.outstanding for v in vouchers)
		if net <= SETTLED_BELOW:
			continue
		overdue = sorted(
			(
				v
				for v in vouchers
				if v.voucher_type == "Sales Invoice"
				and v.outstanding > SETTLED_BELOW
				and v.due is not None
				and (today - v.due).days >= max(overdue_days, 1)
			),
			key=lambda v: (v.due, v.voucher_no),
		)
		if overdue:
			out[company] = (overdue, round(min(net, sum(v.outstanding for v in overdue)), 2))
	return out


def _payment_reminder(f: Facts, today: date, t: Thresholds) -> Suggestion | None:
	if not f.receivables:
		return None
	chase = overdue_to_chase(f.receivables, today, t.overdue_days)
	if not chase:
		return None
	invoices = [v for vouchers, _a in chase.values() for v in vouchers]
	oldest = min(v.due for v in invoices)
	amounts = [[amount, vouchers[0].currency] for vouchers, amount in chase.values()]
	return _make(
		PAYMENT_REMINDER,
		Message(
			"payment_reminder",
			{
				"invoices": len(invoices),
				"amounts": amounts,
				"oldest": oldest.isoformat(),
				"ago_days": (today - oldest).days,
			},
		),
		tuple(
			Evidence(
				v.voucher_type,
				v.voucher_no,
				f"due {v.due.isoformat()}, {money(v.outstanding, v.currency)} open",
			)
			for v in invoices
		),
		fingerprint(*sorted(v.voucher_no for v in invoices)),
		due_in_days=0,
		data={
			"invoices": [
				{
					"name": v.voucher_no,
					"company": v.company,
					"due": v.due.isoformat(),
					"outstanding": round(v.outstanding, 2),
					"currency": v.currency,
				}
				for v in invoices
			],
			"to_collect": {c: amount for c, (_v, amount) in chase.items()},
		},
	)


def health_drop(scores: Iterable[tuple[date, int]], window_days: int) -> tuple[date, int, date, int] | None:
	"""(peak date, peak, latest date, latest) when the latest score is below the highest score of the
	`window_days` before it; None without at least two scores."""
	rows = sorted((d, s) for d, s in scores if d is not None and s is not None)
	if len(rows) < 2:
		return None
	latest_day, latest = rows[-1]
	start = latest_day - timedelta(days=window_days)
	earlier = [(d, s) for d, s in rows[:-1] if d >= start]
	if not earlier:
		return None
	# The highest score; of equal highs the most recent one (the drop is measured from there).
	peak_day, peak = max(earlier, key=lambda r: (r[1], r[0]))
	return peak_day, peak, latest_day, latest


def _health_check_in(f: Facts, today: date, t: Thresholds) -> Suggestion | None:
	if not f.health:
		return None
	found = health_drop(f.health, t.health_window_days)
	if not found:
		return None
	peak_day, peak, latest_day, latest = found
	if peak - latest < t.health_drop or (today - latest_day).days > t.health_window_days:
		return None
	return _make(
		HEALTH_CHECK_IN,
		Message(
			"health_check_in",
			{
				"drop": peak - latest,
				"peak": peak,
				"peak_day": peak_day.isoformat(),
				"latest": latest,
				"latest_day": latest_day.isoformat(),
			},
		),
		(Evidence("Customer Health Score", "", f"{peak} -> {latest}"),),
		fingerprint(peak_day, peak),
		due_in_days=3,
		data={"from": peak, "to": latest, "since": peak_day.isoformat()},
	)


def _support_escalation(f: Facts, today: date, t: Thresholds) -> Suggestion | None:
	if not f.open_cases:
		return None
	old = sorted(
		(c for c in f.open_cases if c.day and (today - c.day).days > t.case_open_days),
		key=lambda c: (c.day, c.name),
	)
	if not old:
		return None
	listed = [[c.name, (today - c.day).days] for c in old]
	return _make(
		SUPPORT_ESCALATION,
		Message(
			"support_escalation", {"cases": len(old), "open_days": t.case_open_days, "documents": listed}
		),
		tuple(Evidence(c.doctype, c.name, f"opened {c.day.isoformat()}") for c in old),
		fingerprint(*(c.name for c in old)),
		due_in_days=1,
		data={"cases": [{"name": c.name, "opened": c.day.isoformat(), "subject": c.label} for c in old]},
	)


def _renewal(f: Facts, today: date, t: Thresholds) -> Suggestion | None:
	if not f.renewals:
		return None
	soon = sorted(
		(r for r in f.renewals if r.day and 0 <= (r.day - today).days <= t.renewal_days),
		key=lambda r: (r.day, r.doctype, r.name),
	)
	if not soon:
		return None
	listed = [[r.doctype, r.name, r.day.isoformat(), (r.day - today).days] for r in soon]
	first = (soon[0].day - today).days
	return _make(
		RENEWAL,
		Message("renewal", {"renewals": listed}),
		tuple(Evidence(r.doctype, r.name, f"ends {r.day.isoformat()}") for r in soon),
		fingerprint(*(f"{r.doctype}:{r.name}:{r.day.isoformat()}" for r in soon)),
		due_in_days=max(0, min(14, first - 30)),
		data={"renewals": [{"doctype": r.doctype, "name": r.name, "ends": r.day.isoformat()} for r in soon]},
	)


def _make(rule, reason, evidence, fp, due_in_days=0, data=None) -> Suggestion:
	return Suggestion(
		key=rule,
		rule=rule,
		title=RULE_LABELS[rule],
		reason=reason,
		evidence=evidence,
		fingerprint=fp,
		priority=RULES.index(rule),
		due_in_days=due_in_days,
		data=data or {},
	)


_RULE_FUNCTIONS = {
	WIN_BACK: _win_back,
	QUOTATION_FOLLOW_UP: _quotation_follow_up,
	PAYMENT_REMINDER: _payment_reminder,
	HEALTH_CHECK_IN: _health_check_in,
	SUPPORT_ESCALATION: _support_escalation,
	RENEWAL: _renewal,
}


def task_description(s: Suggestion, customer_name: str) -> str:
	"""The ToDo text. Amounts stay out: everyone who may read the customer sees its tasks."""
	names = ", ".join(e.name for e in s.evidence if e.name and e.doctype != "Customer")
	what = f" ({names})" if names else ""
	return f"{s.title} — {customer_name}{what}"


# ---------------------------------------------------------------- what a saved briefing may say


def restrict_context(ctx: Mapping, see_finance: bool, see_risk: bool) -> dict:
	"""The briefing context without what a reader lacking the capabilities may not see."""
	out = dict(ctx)
	left_out = set(out.get("left_out") or ())
	if not see_finance and out.get("money") is not None:
		out["money"] = None
		left_out.add("money")
	if not see_risk and out.get("health") is not None:
		out["health"] = None
		left_out.add("health")
	allowed = {"see_finance": see_finance, "see_risk": see_risk}
	out["suggestions"] = [
		s for s in out.get("suggestions") or () if allowed.get(RULE_CAPABILITY.get(s.get("rule")), True)
	]
	out["left_out"] = sorted(left_out)
	return out


# ---------------------------------------------------------------- briefing


@dataclass(frozen=True)
class Section:
	key: str
	heading: str
	lines: tuple[str, ...]


@dataclass(frozen=True)
class Briefing:
	title: str
	sections: tuple[Section, ...]
	footer: str = ""

	@property
	def text(self) -> str:
		parts = [self.title, ""]
		for s in self.sections:
			parts.append(s.heading)
			parts.extend(f"- {line}" for line in s.lines)
			parts.append("")
		if self.footer:
			parts.append(self.footer)
		return "\n".join(parts).strip() + "\n"

	@property
	def html(self) -> str:
		e = html.escape
		parts = [f"<h3>{e(self.title)}</h3>"]
		for s in self.sections:
			parts.append(f"<h4>{e(s.heading)}</h4>")
			parts.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in s.lines) + "</ul>")
		if self.footer:
			parts.append(f"<p><em>{e(self.footer)}</em></p>")
		return "".join(parts)

	def as_dict(self) -> dict:
		return {
			"title": self.title,
			"sections": [{"key": s.key, "heading": s.heading, "lines": list(s.lines)} for s in self.sections],
			"footer": self.footer,
			"text": self.text,
			"html": self.html,
		}


def compose_briefing(ctx: Mapping) -> Briefing:
	"""A one-page briefing from the permission-filtered context (see the adapter's `briefing_context`).
	Sections whose data is None (not visible to the user) are left out entirely; the same context always gives
	the same text."""
	c = ctx.get("customer") or {}
	title = f"Briefing: {c.get('customer_name') or c.get('name')} ({ctx.get('today')})"
	sections = [Section("who", "Who they are", tuple(_who(c)))]
	if ctx.get("bought") is not None:
		sections.append(Section("bought", "What they bought", tuple(_bought(ctx["bought"]))))
	if ctx.get("interactions") is not None:
		sections.append(
			Section("interactions", "Recent interactions", tuple(_interactions(ctx["interactions"])))
		)
	if ctx.get("money") is not None:
		sections.append(Section("money", "Money position", tuple(_money(ctx["money"]))))
	if ctx.get("health") is not None:
		sections.append(Section("health", "Health", tuple(_health(ctx["health"]))))
	if ctx.get("open_cases") is not None:
		sections.append(Section("cases", "Open cases", tuple(_cases(ctx["open_cases"]))))
	sections.append(Section("talking_points", "Suggested talking points", tuple(_talking(ctx))))
	left_out = ctx.get("left_out") or ()
	footer = "Not included (restricted): " + ", ".join(left_out) + "." if left_out else ""
	return Briefing(title, tuple(sections), footer)


def _who(c: Mapping) -> list[str]:
	kind = ", ".join(
		str(x) for x in (c.get("customer_type"), c.get("customer_group"), c.get("territory")) if x
	)
	lines = [f"{c.get('customer_name') or c.get('name')} ({c.get('name')})" + (f": {kind}" if kind else "")]
	if c.get("account_manager"):
		lines.append(f"Account manager: {c['account_manager']}")
	if c.get("since"):
		lines.append(f"Customer since {c['since']}")
	contact = ", ".join(str(x) for x in (c.get("email_id"), c.get("mobile_no")) if x)
	if contact:
		lines.append(f"Contact: {contact}")
	if c.get("disabled"):
		lines.append("This customer is disabled.")
	return lines


def _bought(items: list[Mapping]) -> list[str]:
	if not items:
		return ["No purchases on record."]
	return [
		f"{i['item_name']}: {_number(i.get('qty'))} units, last on {i.get('last_date')}"
		for i in sorted(items, key=lambda i: (-float(i.get("qty") or 0), str(i.get("item_name"))))
	]


def _interactions(rows: list[Mapping]) -> list[str]:
	if not rows:
		return ["No recent interactions."]
	out = []
	for r in rows:
		line = f"{r.get('date')} · {r.get('type')} · {r.get('title')}"
		if r.get("summary"):
			line += f": {r['summary']}"
		out.append(line)
	return out


def _money(m: Mapping) -> list[str]:
	companies = m.get("companies") or []
	if not companies:
		return ["No receivables or sales on record."]
	out = []
	for co in companies:
		cur = co.get("currency") or ""
		line = (
			f"{co.get('company')}: outstanding {money(float(co.get('outstanding') or 0), cur)}, "
			f"overdue {money(float(co.get('overdue') or 0), cur)}, "
			f"lifetime value {money(float(co.get('lifetime_value') or 0), cur)}"
		)
		if co.get("last_payment_date"):
			line += f", last payment {co['last_payment_date']}"
		if co.get("average_days_to_pay") is not None:
			line += f", pays in {co['average_days_to_pay']} days on average"
		out.append(line)
	return out


def _health(h: Mapping) -> list[str]:
	if h.get("score") is None:
		lines = ["No health score yet."]
	else:
		lines = [f"Score {h['score']} ({h.get('band')}) on {h.get('score_date')}"]
		if h.get("change_30") is not None:
			change = h["change_30"]
			word = "up" if change > 0 else "down" if change < 0 else "unchanged"
			lines[0] += f", {word} {abs(change)} in 30 days" if change else ", unchanged over 30 days"
	flags = h.get("flags")
	if flags:
		lines.append("Active risk flags: " + ", ".join(flags))
	elif flags is not None:
		lines.append("No active risk flags.")
	lines.extend(h.get("explanation") or ())
	return lines


def _cases(rows: list[Mapping]) -> list[str]:
	if not rows:
		return ["No open support cases."]
	return [
		f"{r['name']} · {r.get('subject') or ''} · open {_days(int(r.get('days_open') or 0))}" for r in rows
	]


def _talking(ctx: Mapping) -> list[str]:
	points = [f"{s['title']}: {_reason(s)}" for s in ctx.get("suggestions") or ()]
	return points or ["Nothing pressing: ask how things are going and what is coming up for them."]


def _reason(s: Mapping) -> str:
	"""A suggestion dict's reason: already rendered by the adapter, or its code + parameters."""
	reason = s.get("reason")
	return reason if isinstance(reason, str) else messages.render(reason)


def _number(x) -> str:
	x = float(x or 0)
	return str(int(x)) if x == int(x) else f"{x:g}"


# ---------------------------------------------------------------- email drafts (reviewed, never sent here)


def compose_draft(s: Suggestion, ctx: Mapping) -> dict:
	"""Subject and body of the email a user reviews in the composer for a suggestion with a draft."""
	c = ctx.get("customer") or {}
	name = c.get("customer_name") or c.get("name")
	sign = ctx.get("user_name") or ""
	d = s.data
	if s.rule == PAYMENT_REMINDER:
		lines = [
			f"{i['name']}, due {i['due']}: {money(float(i['outstanding']), i.get('currency') or '')} outstanding"
			for i in d.get("invoices", ())
		]
		subject = "Payment reminder: " + ", ".join(i["name"] for i in d.get("invoices", ()))
		body = [
			f"Dear {name},",
			"",
			"According to our records the following invoices are past their due date:",
			*(f"- {line}" for line in lines),
			"",
			"If you have already paid, please ignore this message and accept our thanks. Otherwise we would be "
			"grateful for payment at your earliest convenience, or a word if anything is holding it up.",
		]
	elif s.rule == QUOTATION_FOLLOW_UP:
		quotes = d.get("quotations", ())
		subject = "Following up on our quotation " + ", ".join(q["name"] for q in quotes)
		body = [
			f"Dear {name},",
			"",
			"We wanted to follow up on the quotation(s) we sent you: "
			+ ", ".join(f"{q['name']} of {q['date']}" for q in quotes)
			+ ".",
			"Do you have any questions, or is there anything we should adjust?",
		]
	elif s.rule == RENEWAL:
		items = d.get("renewals", ())
		subject = "Your renewal"
		body = [
			f"Dear {name},",
			"",
			"Your "
			+ ", ".join(f"{r['doctype'].lower()} {r['name']} (ending {r['ends']})" for r in items)
			+ " will come up for renewal soon.",
			"Could we find a moment to talk about how it has been going and what you need next?",
		]
	else:
		subject = "It has been a while"
		body = [
			f"Dear {name},",
			"",
			"It has been some time since we last spoke, and we wanted to check in.",
			"Is there anything we can help you with at the moment?",
		]
	body += ["", "Kind regards,", sign] if sign else ["", "Kind regards"]
	return {"subject": subject, "message": "\n".join(body).strip() + "\n"}


# ---------------------------------------------------------------- the optional language model

SYSTEM_PROMPT = (
	"You prepare drafts for a sales or account person inside an ERP. Use only the facts in the JSON you are "
	"given; never invent figures, dates or documents. Facts absent from the JSON are not available to this "
	"user: do not mention or guess them. Write plain text."
)


def model_messages(kind: str, ctx: Mapping, suggestion: Suggestion | None = None) -> list[dict]:
	"""Chat messages for `kind` "briefing" or "draft" (an email for `suggestion`)."""
	facts = json.dumps(ctx, sort_keys=True, default=str, ensure_ascii=False)
	if kind == "briefing":
		ask = (
			"Write a one-page briefing on this customer for a call: who they are, what they bought, recent "
			"interactions, money position and health (only if present), open cases, and suggested talking points."
		)
	elif kind == "draft" and suggestion is not None:
		ask = (
			f"Draft a short, polite email to the customer for this next step: {suggestion.title}. "
			f"Reason: {suggestion.text()} First line: the subject, prefixed 'Subject: '. Then the body."
		)
	else:
		raise NextStepError(f"unknown draft kind {kind!r}")
	return [
		{"role": "system", "content": SYSTEM_PROMPT},
		{"role": "user", "content": f"{ask}\n\nFacts (JSON):\n{facts}"},
	]


def parse_model_reply(reply) -> str:
	"""The text of an OpenAI-compatible /chat/completions reply; NextStepError when there is none."""
	try:
		text = reply["choices"][0]["message"]["content"]
	except (KeyError, IndexError, TypeError):
		raise NextStepError("the model's reply has no choices[0].message.content") from None
	if not isinstance(text, str) or not text.strip():
		raise NextStepError("the model returned an empty text")
	return text.strip()


def split_subject(text: str, fallback_subject: str) -> dict:
	"""A drafted email "Subject: ...\\n\\nbody" -> {"subject", "message"}."""
	first, _, rest = text.partition("\n")
	if first.lower().startswith("subject:"):
		subject = first.split(":", 1)[1].strip() or fallback_subject
		return {"subject": subject, "message": rest.strip() + "\n"}
	return {"subject": fallback_subject, "message": text.strip() + "\n"}


# ---------------------------------------------------------------- weekly digest

DIGEST_TOP = 10


def compose_digest(data: Mapping) -> dict:
	"""Subject and HTML of one account manager's weekly digest. `data` holds what they may see: "health" and
	"flags" are None without the risk capability. `empty` is true when there is nothing to tell."""
	e = html.escape
	sections = []

	def who(row):
		return f"{row.get('customer_name') or row['customer']} ({row['customer']})"

	if data.get("health") is not None:
		moves = sorted(data["health"], key=lambda r: (-abs(r["to"] - r["from"]), r["customer"]))[:DIGEST_TOP]
		lines = [
			f"{who(r)}: {r['from']} → {r['to']} ({'+' if r['to'] > r['from'] else ''}{r['to'] - r['from']})"
			+ (f", now {r['band_to']}" if r.get("band_to") and r.get("band_to") != r.get("band_from") else "")
			for r in moves
		]
		sections.append(("Health movements this week", lines))
	if data.get("flags") is not None:
		flags = sorted(data["flags"], key=lambda r: (str(r.get("raised_on")), r["customer"], r["label"]))
		sections.append(
			("New risk flags", [f"{who(r)}: {r['label']} (raised {r['raised_on']})" for r in flags])
		)
	renewals = sorted(data.get("renewals") or (), key=lambda r: (r["ends"], r["customer"], r["name"]))
	sections.append(
		("Renewals coming up", [f"{who(r)}: {r['doctype']} {r['name']} ends {r['ends']}" for r in renewals])
	)
	top = sorted(
		data.get("suggestions") or (),
		key=lambda s: (RULES.index(s["rule"]) if s.get("rule") in RULES else 99, s["customer"]),
	)[:DIGEST_TOP]
	sections.append(("Top suggested next steps", [f"{who(s)}: {s['title']}. {_reason(s)}" for s in top]))
	empty = not any(lines for _h, lines in sections)
	parts = [f"<p>Hello {e(data.get('owner_name') or '')},</p>", "<p>Your customers this week:</p>"]
	for heading, lines in sections:
		parts.append(f"<h4>{e(heading)}</h4>")
		parts.append(
			"<ul>" + "".join(f"<li>{e(line)}</li>" for line in lines) + "</ul>"
			if lines
			else "<p>Nothing new.</p>"
		)
	return {
		"subject": f"Your customers: week ending {data.get('week_ending')}",
		"html": "".join(parts),
		"empty": empty,
	}

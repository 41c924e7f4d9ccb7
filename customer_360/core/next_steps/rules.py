"""The next-step rules: which suggestions apply to one customer's facts, best first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from customer_360.core.definitions import SETTLED_BELOW, is_dormant, quiet_since
from customer_360.core.messages import Message
from customer_360.core.next_steps import (
	HEALTH_CHECK_IN,
	PAYMENT_REMINDER,
	QUOTATION_FOLLOW_UP,
	RENEWAL,
	RULE_LABELS,
	RULES,
	SUPPORT_ESCALATION,
	WIN_BACK,
	Evidence,
	Facts,
	Suggestion,
	Thresholds,
	Voucher,
	fingerprint,
	money,
)


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

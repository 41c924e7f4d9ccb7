"""Questions about one customer answered without a language model: intent matching on the question, then a
composition of statements from a context the adapter built as the asking user may see the record
(customer_360.assistant.context). Every statement names the records it rests on (its citations); a question
none of the intents covers is answered with a plain "this needs the assistant".

Statements are codes + parameters (TEMPLATES below, rendered with _() per reader by the adapter): the core never
decides wording in a reader's language, and never sees a figure the adapter left out of the context.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

OUTSTANDING = "outstanding"
TASKS = "tasks"
LAST_CONTACT = "last_contact"
QUOTATIONS = "quotations"
CASES = "cases"
CHANGES = "changes_since"
INTENTS = (OUTSTANDING, TASKS, LAST_CONTACT, QUOTATIONS, CASES, CHANGES)

# Words of each intent, matched on whole words of the lower-cased question (prefix match for stems).
KEYWORDS = {
	OUTSTANDING: ("outstanding", "owe", "owes", "owed", "overdue", "unpaid", "balance", "receivable", "debt"),
	TASKS: (
		"task",
		"tasks",
		"todo",
		"todos",
		"to-do",
		"to-dos",
		"follow-up",
		"follow-ups",
		"action",
		"actions",
	),
	LAST_CONTACT: (
		"contact",
		"contacted",
		"speak",
		"spoke",
		"spoken",
		"talk",
		"talked",
		"heard",
		"called",
		"emailed",
	),
	QUOTATIONS: ("quote", "quotes", "quotation", "quotations", "proposal", "proposals", "offer", "offers"),
	CASES: ("case", "cases", "issue", "issues", "ticket", "tickets", "complaint", "complaints", "support"),
	CHANGES: ("changed", "changes", "happened", "new", "since", "recently", "latest"),
}
CONTACT_TYPES = ("message", "interaction", "support")
MAX_LISTED = 10
MAX_CHANGES = 20
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# English templates of the statements; the adapter translates each with _() and formats it with its params.
TEMPLATES = {
	"money_hidden": "Money figures of this customer are not shown to you.",
	"money_company": "{company}: {outstanding} outstanding, of which {overdue} overdue.",
	"money_none": "Nothing is outstanding.",
	"invoice_open": "{name}: {outstanding} open, due {due}.",
	"tasks_none": "There are no open tasks.",
	"tasks_count": "{count} open task(s).",
	"task": "{description} (due {due}).",
	"task_undated": "{description} (no due date).",
	"contact_none": "No contact is recorded.",
	"contact_last": "Last contact: {title} on {day} ({type}).",
	"quotations_none": "There are no open quotations.",
	"quotation": "Quotation {name} of {day}, {status}, valid till {valid_till}.",
	"cases_hidden": "Support cases are not shown to you.",
	"cases_none": "There are no open cases.",
	"case": "Case {name}: {subject} ({status}, open {days} days).",
	"changes_none": "Nothing changed since {since}.",
	"changes_count": "{count} change(s) since {since}.",
	"change": "{day}: {title}.",
	"change_detail": "{day}: {title}: {summary}",
	"changes_more": "And {count} more: see the timeline.",
	"changes_no_date": "Since when? Ask for example: what changed since 2026-01-31, since last week, in the last 10 days.",
	"needs_model": "This question needs the assistant (a language model), and none is configured. I can answer: what is outstanding, the open tasks, the last contact, open quotations and cases, and what changed since a date.",
}


@dataclass
class Statement:
	code: str
	params: dict = field(default_factory=dict)
	citations: list[dict] = field(default_factory=list)

	def as_dict(self) -> dict:
		return {"code": self.code, "params": self.params, "citations": self.citations}


@dataclass
class Answer:
	intents: list[str]
	statements: list[Statement]

	@property
	def needs_model(self) -> bool:
		return not self.intents


def _words(question: str) -> set[str]:
	return set(re.findall(r"[a-z][a-z\-']*", question.lower().replace("\u2019", "'")))


def match_intents(question: str) -> list[str]:
	"""The intents a question asks about, in INTENTS order; empty: nothing deterministic covers it."""
	words = _words(question)
	found = [i for i in INTENTS if words & set(KEYWORDS[i])]
	text = question.lower()
	if LAST_CONTACT not in found and re.search(r"\blast (email|call|meeting|message|interaction)", text):
		found.append(LAST_CONTACT)
	if CHANGES in found and not re.search(r"\b(since|changed|changes|happened|new|last \d+ days)\b", text):
		found.remove(CHANGES)
	# "contact" in "changes since our last contact" is still a change question; "last contact" alone is not.
	if CHANGES in found and "since" in text and LAST_CONTACT in found and "last contact" not in text:
		found.remove(LAST_CONTACT)
	return [i for i in INTENTS if i in found]


def parse_since(question: str, today: date) -> date | None:
	"""The date a "what changed since ..." question starts from, or None when it names none."""
	text = question.lower()
	m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
	if m:
		try:
			return date(int(m[1]), int(m[2]), int(m[3]))
		except ValueError:
			return None
	m = re.search(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)  # 31.01.2026 / 31/01/2026: day first
	if m:
		try:
			return date(int(m[3]), int(m[2]), int(m[1]))
		except ValueError:
			return None
	m = re.search(r"(?:last|past) (\d{1,3}) days?", text)
	if m:
		return today - timedelta(days=int(m[1]))
	for words, days in (("yesterday", 1), ("last week", 7), ("last month", 30), ("last year", 365)):
		if words in text:
			return today - timedelta(days=days)
	if "this week" in text:
		return today - timedelta(days=today.weekday())
	for i, name in enumerate(WEEKDAYS):
		if re.search(rf"\bsince (last )?{name}\b", text):
			back = (today.weekday() - i) % 7 or 7
			return today - timedelta(days=back)
	return None


def cite(item: Mapping) -> dict:
	"""A citation: the document (doctype, name), the timeline event when there is one, and a label."""
	return {
		"doctype": item.get("doctype"),
		"name": item.get("name"),
		"event": item.get("event"),
		"label": item.get("label") or item.get("title") or item.get("name"),
	}


def money(amount, currency: str | None = "") -> str:
	return f"{float(amount or 0):,.2f} {currency or ''}".strip()


def answer(question: str, ctx: Mapping, today: date) -> Answer:
	"""The deterministic answer to `question` from `ctx` (see customer_360.assistant.context for its shape)."""
	intents = match_intents(question)
	statements: list[Statement] = []
	for intent in intents:
		statements += _COMPOSERS[intent](ctx, question, today)
	if not intents:
		statements.append(Statement("needs_model"))
	return Answer(intents, statements)


def _outstanding(ctx: Mapping, question: str, today: date) -> list[Statement]:
	m = ctx.get("money")
	if m is None:
		out = [Statement("money_hidden")]
	else:
		invoices = ctx.get("invoices") or []
		out = []
		for co in m.get("companies") or ():
			if not float(co.get("outstanding") or 0):
				continue
			cited = [cite(i) for i in invoices if i.get("company") == co.get("company")]
			out.append(
				Statement(
					"money_company",
					{
						"company": co.get("company"),
						"outstanding": money(co.get("outstanding"), co.get("currency")),
						"overdue": money(co.get("overdue"), co.get("currency")),
					},
					cited[:MAX_LISTED],
				)
			)
		if not out:
			out.append(Statement("money_none"))
		for i in invoices[:MAX_LISTED]:
			out.append(
				Statement(
					"invoice_open",
					{
						"name": i["name"],
						"outstanding": money(i.get("outstanding"), i.get("currency")),
						"due": i.get("due"),
					},
					[cite(i)],
				)
			)
	# "What's outstanding before Friday's call": the open tasks are outstanding too.
	return (out + _tasks(ctx, question, today)) if TASKS not in match_intents(question) else out


def _tasks(ctx: Mapping, question: str, today: date) -> list[Statement]:
	tasks = ctx.get("tasks") or []
	if not tasks:
		return [Statement("tasks_none")]
	out = [Statement("tasks_count", {"count": len(tasks)})]
	for t in tasks[:MAX_LISTED]:
		if t.get("due"):
			out.append(Statement("task", {"description": t["label"], "due": t["due"]}, [cite(t)]))
		else:
			out.append(Statement("task_undated", {"description": t["label"]}, [cite(t)]))
	return out


def _last_contact(ctx: Mapping, question: str, today: date) -> list[Statement]:
	for e in ctx.get("events") or ():  # newest first
		# A planned appointment (dated ahead) is not the last contact.
		if (
			e.get("type") in CONTACT_TYPES
			and not e.get("cancelled")
			and (e.get("day") or "") <= today.isoformat()
		):
			return [
				Statement(
					"contact_last",
					{"title": e.get("title") or e.get("name"), "day": e.get("day"), "type": e.get("type")},
					[cite(e)],
				)
			]
	return [Statement("contact_none")]


def _quotations(ctx: Mapping, question: str, today: date) -> list[Statement]:
	quotes = ctx.get("quotations") or []
	if not quotes:
		return [Statement("quotations_none")]
	return [
		Statement(
			"quotation",
			{
				"name": q["name"],
				"day": q.get("day"),
				"status": q.get("status"),
				"valid_till": q.get("valid_till"),
			},
			[cite(q)],
		)
		for q in quotes[:MAX_LISTED]
	]


def _cases(ctx: Mapping, question: str, today: date) -> list[Statement]:
	cases = ctx.get("cases")
	if cases is None:
		return [Statement("cases_hidden")]
	if not cases:
		return [Statement("cases_none")]
	return [
		Statement(
			"case",
			{
				"name": c["name"],
				"subject": c.get("subject"),
				"status": c.get("status"),
				"days": c.get("days_open"),
			},
			[cite(c)],
		)
		for c in cases[:MAX_LISTED]
	]


def _changes(ctx: Mapping, question: str, today: date) -> list[Statement]:
	since = parse_since(question, today)
	if since is None:
		return [Statement("changes_no_date")]
	# A task's due date is an event in the future: not a change yet.
	changed = [
		e for e in ctx.get("events") or () if since.isoformat() <= (e.get("day") or "") <= today.isoformat()
	]
	if not changed:
		return [Statement("changes_none", {"since": since.isoformat()})]
	out = [Statement("changes_count", {"count": len(changed), "since": since.isoformat()})]
	for e in changed[:MAX_CHANGES]:
		params = {"day": e.get("day"), "title": e.get("title") or e.get("name")}
		if e.get("summary"):
			out.append(Statement("change_detail", {**params, "summary": e["summary"]}, [cite(e)]))
		else:
			out.append(Statement("change", params, [cite(e)]))
	if len(changed) > MAX_CHANGES:
		out.append(Statement("changes_more", {"count": len(changed) - MAX_CHANGES}))
	return out


_COMPOSERS = {
	OUTSTANDING: _outstanding,
	TASKS: _tasks,
	LAST_CONTACT: _last_contact,
	QUOTATIONS: _quotations,
	CASES: _cases,
	CHANGES: _changes,
}

"""The customer briefing: a deterministic one-page text from a permission-filtered context, and what a saved
briefing may say to readers with fewer capabilities."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

from customer_360.core.next_steps import RULE_CAPABILITY, money, reason_text


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
	points = [f"{s['title']}: {reason_text(s)}" for s in ctx.get("suggestions") or ()]
	return points or ["Nothing pressing: ask how things are going and what is coming up for them."]


def _number(x) -> str:
	x = float(x or 0)
	return str(int(x)) if x == int(x) else f"{x:g}"


def _days(n: int) -> str:
	return "1 day" if n == 1 else f"{n} days"

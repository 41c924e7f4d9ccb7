"""An account manager's weekly digest: health movements, new flags, renewals and top next steps."""

from __future__ import annotations

import html
from collections.abc import Mapping

from customer_360.core.next_steps import RULES, reason_text

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
	sections.append(("Top suggested next steps", [f"{who(s)}: {s['title']}. {reason_text(s)}" for s in top]))
	# Meetings with a briefing prepared ahead (assistant.meetings): each line links to its briefing note.
	meetings = sorted(data.get("meetings") or (), key=lambda m: (str(m["when"]), m["customer"], m["name"]))
	if meetings:
		sections.insert(
			0,
			(
				"Meetings coming up",
				[(f"{who(m)}: {m['title']}, {m['when']}", m.get("briefing_url")) for m in meetings],
			),
		)
	empty = not any(lines for _h, lines in sections)
	parts = [f"<p>Hello {e(data.get('owner_name') or '')},</p>", "<p>Your customers this week:</p>"]
	for heading, lines in sections:
		parts.append(f"<h4>{e(heading)}</h4>")
		parts.append(
			"<ul>" + "".join(f"<li>{_line(line)}</li>" for line in lines) + "</ul>"
			if lines
			else "<p>Nothing new.</p>"
		)
	return {
		"subject": f"Your customers: week ending {data.get('week_ending')}",
		"html": "".join(parts),
		"empty": empty,
	}


def _line(line) -> str:
	"""A line of text, or (text, url): the text escaped, the link to a briefing after it."""
	if isinstance(line, tuple):
		text, url = line
		link = (
			f' <a href="{html.escape(url)}">Briefing</a>'
			if url and url.startswith(("http://", "https://", "/"))
			else ""
		)
		return html.escape(text) + link
	return html.escape(line)

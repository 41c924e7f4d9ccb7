"""Email drafts for a suggestion (reviewed in the composer, never sent here), deterministic or from an optional
OpenAI-compatible endpoint fed the same context and nothing else."""

from __future__ import annotations

import json
from collections.abc import Mapping

from customer_360.core.next_steps import (
	PAYMENT_REMINDER,
	QUOTATION_FOLLOW_UP,
	RENEWAL,
	NextStepError,
	Suggestion,
	money,
)


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

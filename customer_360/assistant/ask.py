"""A question about one customer -> an answer whose statements cite the records they rest on.

The context is built as the asking user (assistant.context). Without a model, or when the model fails, the pure
core answers the common questions; with one, the model gets that same context fenced as data, its reply is read
as plain text and only citations of records in the context are kept.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from customer_360 import inputs
from customer_360.assistant import context, model
from customer_360.core import ask as core
from customer_360.core import ask_model

MAX_QUESTION = 500


def check_question(question) -> str:
	return inputs.text(question, "Question", max_length=MAX_QUESTION, required=True).strip()


def ask(customer: str, question: str, use_model: bool = True) -> dict:
	question = check_question(question)
	today = getdate(nowdate())
	ctx = context.build(customer, today, core.parse_since(question, today))
	rules = core.answer(question, ctx, today)
	model_available = model.configured()
	out = {
		"customer": customer,
		"question": question,
		"source": "rules",
		"notice": None,
		"model_available": model_available,
		"needs_model": rules.needs_model,
		"intents": rules.intents,
		"statements": [render(s) for s in rules.statements],
	}
	if not (use_model and model_available):
		return out
	try:
		statements = _model_answer(customer, question, ctx)
	except model.AssistantUnavailable as e:
		out["notice"] = str(e)  # the deterministic answer stands, with the reason above it
		return out
	out.update(
		source="model",
		needs_model=False,
		statements=statements,
		notice=_("Answered by the assistant from the records you may see: check the cited records."),
	)
	return out


def _model_answer(customer: str, question: str, ctx: dict) -> list[dict]:
	nonce = frappe.generate_hash(length=16)
	text = model.complete(ask_model.model_messages(question, ctx, nonce), purpose="ask", customer=customer)
	statements = ask_model.parse_answer(text, ask_model.references(ctx))
	if not statements:
		raise model.AssistantUnavailable(
			_("The assistant's reply had no text: showing the standard answer instead.")
		)
	return statements


def render(statement: core.Statement, templates: dict | None = None) -> dict:
	"""A statement in the reader's language (plain text: the page escapes it)."""
	template = (templates or core.TEMPLATES)[statement.code]
	try:
		text = _(template).format(**statement.params)
	except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder
		text = template.format(**statement.params)
	return {"code": statement.code, "text": text, "citations": statement.citations}

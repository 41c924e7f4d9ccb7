"""The customer briefing: a context dict built from the same services and facts as the 360 panels
(next_steps.context: what is masked on the page is masked here, in the same way), composed deterministically by the pure core or, when asked and configured, by
the assistant. A briefing can be saved as a note: then the context is cut down to what every reader of the
note's scope may see.
"""

from __future__ import annotations

import html
from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, get_fullname, getdate, nowdate

from customer_360.assistant import model as assistant
from customer_360.core.capabilities import NOTE_SCOPES
from customer_360.core.next_steps import drafts
from customer_360.core.next_steps.briefing import compose_briefing, restrict_context
from customer_360.core.notes import PORTAL_SCOPE, audience_sees
from customer_360.next_steps import service
from customer_360.next_steps.context import bought, cases, customer_context, health, interactions, money
from customer_360.permissions import _settings_rows, capabilities_for, get_capabilities

# A briefing note never goes to the customer's portal.
NOTE_SCOPES_FOR_BRIEFING = tuple(s for s in NOTE_SCOPES if s != PORTAL_SCOPE)


def briefing_context(customer: str) -> dict:
	"""Everything the briefing says, as plain data, filtered by the current user's permissions. A section the
	user may not see is None and named in `left_out`."""
	today = getdate(nowdate())
	left_out = []
	ctx = {
		"today": str(today),
		"customer": customer_context(customer),
		"user_name": get_fullname(frappe.session.user),
	}
	ctx["bought"] = bought(customer, today)
	if ctx["bought"] is None:
		left_out.append("purchases")
	ctx["interactions"] = interactions(customer)
	ctx["money"] = money(customer, today)
	if ctx["money"] is None:
		left_out.append("money")
	ctx["health"] = health(customer, today)
	if ctx["health"] is None:
		left_out.append("health")
	ctx["open_cases"] = cases(customer, today)
	see_finance = capabilities_for(customer).see_finance
	ctx["suggestions"] = [
		{"rule": s.rule, "title": s.title, "reason": s.text(_, see_finance)}
		for s in service.for_customer(customer, today)
	]
	ctx["left_out"] = sorted(left_out)
	return ctx


def build(customer: str, use_model: bool = False, ctx: dict | None = None) -> dict:
	ctx = ctx if ctx is not None else briefing_context(customer)
	briefing = compose_briefing(ctx)
	out = {
		"customer": customer,
		"source": "rules",
		"notice": None,
		"is_draft": True,
		**briefing.as_dict(),
	}
	if use_model:
		try:
			text = assistant.complete(
				drafts.model_messages("briefing", ctx), purpose="briefing", customer=customer
			)
		except assistant.AssistantUnavailable as e:
			out["notice"] = str(e)  # the deterministic briefing stands, with the notice shown above it
		else:
			out.update(
				source="model",
				text=text + "\n",
				html=_text_to_html(text),
				sections=None,
				notice=_(
					"Drafted by the assistant from the data you may see: review it before relying on it."
				),
			)
	return out


def save_as_note(customer: str, use_model: bool = False, scope: str = "internal") -> dict:
	if scope not in NOTE_SCOPES_FOR_BRIEFING:
		frappe.throw(
			_("A briefing can be saved with one of these scopes: {0}").format(
				", ".join(NOTE_SCOPES_FOR_BRIEFING)
			),
			frappe.ValidationError,
		)
	caps = get_capabilities()
	audience = audience_sees(scope, _settings_rows())
	# Everyone who reads the note must be allowed to see what it says: money and health only when both the
	# author and every role that reads `scope` may see them.
	ctx = restrict_context(
		briefing_context(customer),
		see_finance=caps.see_finance and audience["see_finance"],
		see_risk=caps.see_risk and audience["see_risk"],
	)
	result = build(customer, use_model, ctx)
	content = result["html"]
	if result["source"] == "model":
		content = "<p><em>" + html.escape(result["notice"]) + "</em></p>" + content
	note = frappe.get_doc(
		{"doctype": "Customer Note", "customer": customer, "content": content, "scope": scope}
	)
	note.insert()  # the note's own validation checks the scope is the author's
	return {
		"note": note.name,
		"scope": note.scope,
		"source": result["source"],
		"notice": result["notice"],
	}


def _text_to_html(text: str) -> str:
	paragraphs = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
	return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)

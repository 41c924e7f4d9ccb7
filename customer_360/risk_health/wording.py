"""Frappe adapter for core.messages: a reason stored as code + parameters, rendered with `_()` per reader.

A stored record keeps (see the doctypes): the sentence without finance figures (what list view, Report View,
export and print show), the code, the parameters every reader of the record may see, and the finance figures
in a permlevel-1 field no role but System Manager can read through Frappe; only these helpers read it, for a
reader with see_finance.
"""

from __future__ import annotations

import json

import frappe
from frappe import _

from customer_360.core import messages


def render(message, see_finance: bool) -> str:
	return messages.render(message, _, see_finance)


def for_storage(message) -> dict:
	"""Field values for a stored reason: text (no figure), code, params (no figure), figures (finance)."""
	public, figures = messages.split(message)
	return {
		"text": messages.render(message, see_finance=False),
		"code": public["code"] if public else None,
		"params": _dump(public["params"]) if public else None,
		"figures": _dump(figures) if figures else None,
	}


def load(code: str | None, params, figures, see_finance: bool) -> messages.Message | None:
	"""The stored message; its finance figures only for a reader who may see them."""
	if not code:
		return None
	public = {"code": code, "params": parse(params) or {}}
	return messages.join(public, parse(figures) if see_finance else None)


def parse(value):
	if value in (None, ""):
		return None
	if isinstance(value, str):
		try:
			return json.loads(value)
		except ValueError:
			frappe.log_error("customer_360: unreadable stored message parameters")
			return None
	return value


def _dump(value) -> str:
	return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)

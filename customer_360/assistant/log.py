"""One Customer 360 Assistant Log row per model call: who, which customer, what for, tokens when the endpoint
reports them, latency and outcome. Never the prompt or the reply (they hold what the asking user may see)."""

from __future__ import annotations

import frappe
from frappe.utils import cint, now_datetime

LOG = "Customer 360 Assistant Log"
PURPOSES = ("ask", "briefing", "draft", "summary", "meeting")


def record(
	*,
	purpose: str,
	customer: str | None,
	outcome: str,
	model: str | None = None,
	latency_ms: int | None = None,
	usage: dict | None = None,
	detail: str | None = None,
) -> None:
	"""Writes the row; a failing log never fails the answer it describes."""
	usage = usage if isinstance(usage, dict) else {}
	try:
		frappe.get_doc(
			{
				"doctype": LOG,
				"user": frappe.session.user,
				"customer": (customer or "")[:140] or None,
				"purpose": purpose if purpose in PURPOSES else "ask",
				"outcome": outcome,
				"called_at": now_datetime(),
				"model": (model or "")[:140] or None,
				"latency_ms": cint(latency_ms),
				"prompt_tokens": _tokens(usage.get("prompt_tokens")),
				"completion_tokens": _tokens(usage.get("completion_tokens")),
				"total_tokens": _tokens(usage.get("total_tokens")),
				"detail": (detail or "")[:500] or None,
			}
		).insert(ignore_permissions=True)
		# A model call may come from a GET (the briefing): its log row must still be kept.
		frappe.local.flags.commit = True
	except Exception:
		frappe.log_error("customer_360: could not log an assistant call")


def _tokens(value) -> int | None:
	# The endpoint's figures are untrusted: a number or nothing.
	return cint(value) if isinstance(value, int | float) and value >= 0 else None

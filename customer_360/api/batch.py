"""The 360 page's first screen in one request: the header's badges, the overview's panels and the live
baseline are a dozen small reads, and as separate requests each paid Frappe's per-request work (session,
connection, commit) and queued behind the browser's six connections per host and the server's workers.

Each read is one of the page's own whitelisted read methods (READS), called as the page would call it, with
its own permission check and masking; a read that fails answers with its message and the others stand.
"""

from __future__ import annotations

import importlib
import json

import frappe
from frappe import _

from customer_360.messages import bold
from customer_360.permissions import customer_checked

# module.function under customer_360.api: only reads the first screen makes, each @frappe.read_only().
READS = frozenset(
	{
		"overview.get_profile",
		"overview.get_money",
		"risk.get_flags",
		"merge.duplicate_warning",
		"health.get_health",
		"account.get_lifecycle",
		"timeline.get_timeline",
		"interactions.get_tasks",
		"next_steps.get_suggestions",
	}
)
MAX_READS = 16


@frappe.whitelist(methods=["GET"])
@frappe.read_only()
def get_many(customer: str, reads: str) -> list[dict]:
	"""`reads`: a JSON list of [method, args]; every read is about `customer` (its args' customer is set to
	it). Answers one {"message": ...} or {"error": text} per read, in order."""
	with customer_checked(customer):  # once, not once per read
		return [_one(customer, method, args) for method, args in _parse(reads)]


def _parse(reads: str) -> list[tuple[str, dict]]:
	try:
		parsed = json.loads(reads) if isinstance(reads, str) else reads
	except ValueError:
		parsed = None
	if not isinstance(parsed, list) or len(parsed) > MAX_READS:
		frappe.throw(_("Reads must be a list of at most {0} [method, arguments] pairs.").format(MAX_READS))
	out = []
	for item in parsed:
		method, args = [*item, None, None][:2] if isinstance(item, list) else (None, None)
		if not isinstance(method, str) or method not in READS or not isinstance(args or {}, dict):
			frappe.throw(_("{0} is not a read of the 360 page.").format(bold(method)))
		out.append((method, dict(args or {})))
	return out


def _one(customer: str, method: str, args: dict) -> dict:
	module, function = method.split(".")
	fn = getattr(importlib.import_module(f"customer_360.api.{module}"), function)
	log = frappe.local.message_log
	seen = len(log)
	try:
		return {"message": fn(**{**args, "customer": customer})}
	except Exception as e:
		# The read's own message (frappe.throw), kept out of this response's _server_messages: the page shows it
		# where that read's panel is. Anything else is logged, and the reader gets a generic line.
		messages = [_text(m) for m in log[seen:]]
		del log[seen:]
		if isinstance(e, frappe.ValidationError | frappe.PermissionError) and any(messages):
			return {"error": messages[-1], "status": getattr(e, "http_status_code", 417)}
		frappe.log_error(title=f"customer_360: batch read {method}")
		return {"error": _("This part of the page could not be loaded."), "status": 500}


def _text(message) -> str:
	if isinstance(message, str):
		try:
			message = json.loads(message)
		except ValueError:
			return message
	return str(message.get("message") or "") if isinstance(message, dict) else str(message or "")

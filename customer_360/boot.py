"""Boot info for the desk (hook `boot_session`): the server's vocabularies that the Customer 360 pages show.

The pages read `frappe.boot.customer_360` instead of keeping copies of these lists, so a type or scope added in
core reaches the page without a JS change. Each list holds the values in core's order, each with its English
label; the page translates the label with `__()`. Constants only: no query, nothing about the user's rights
(what a user may do still comes from the API: capabilities, writable scopes).
"""

from __future__ import annotations

import frappe

from customer_360.core.capabilities import NOTE_SCOPES
from customer_360.core.definitions import ACTIVITY_EVENT_TYPES
from customer_360.core.notes import INTERACTION_TYPES
from customer_360.core.risk import FLAG_TYPES, MANUAL_TYPES
from customer_360.core.timeline import EVENT_TYPES
from customer_360.core.wording import FLAG_LABELS

# English labels where a value's title case is not the label (timeline chips name the type in the plural).
EVENT_TYPE_LABELS = {
	"message": "Messages",
	"note": "Notes",
	"interaction": "Interactions",
	"task": "Tasks",
	"file": "Files",
}
NOTE_SCOPE_LABELS = {"customer": "Customer (portal)"}
INTERACTION_TYPE_LABELS = {"sms": "SMS"}


def _items(values, labels=None, **flags) -> list[dict]:
	labels = labels or {}
	return [
		{"value": v, "label": labels.get(v) or v.replace("_", " ").title()}
		| {flag: v in members for flag, members in flags.items()}
		for v in values
	]


def constants() -> dict:
	"""The vocabularies, as `frappe.boot.customer_360` carries them."""
	return {
		"event_types": _items(EVENT_TYPES, EVENT_TYPE_LABELS),
		# What counts as activity (core.definitions): the overview's "activity" figures.
		"activity_event_types": list(ACTIVITY_EVENT_TYPES),
		"note_scopes": _items(NOTE_SCOPES, NOTE_SCOPE_LABELS),
		"interaction_types": _items(INTERACTION_TYPES, INTERACTION_TYPE_LABELS),
		# `manual`: a judgement only a person makes (the rules never raise or clear it).
		"flag_types": _items(FLAG_TYPES, FLAG_LABELS, manual=MANUAL_TYPES),
	}


def boot_session(bootinfo) -> None:
	"""Adds the vocabularies for desk users (the pages are desk pages; guests and website users get nothing)."""
	if frappe.session.user == "Guest" or frappe.session.data.get("user_type") == "Website User":
		return
	bootinfo.customer_360 = constants()

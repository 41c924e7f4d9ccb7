"""Boot info for the desk (hook `boot_session`): the server's vocabularies that the Customer 360 pages show.

The pages read `frappe.boot.customer_360` instead of keeping copies of these lists, so a type or scope added in
core reaches the page without a JS change. Each list holds the values in core's order, each with its English
label in the reader's language. Every label is a literal `_()` call (below) or a literal marked in core
(core/wording.py FLAG_LABELS), because Frappe's translation extractor finds only literals; a value without
one falls back to its title case and tests/test_boot_labels.py fails. Constants only: no query, nothing about the user's rights
(what a user may do still comes from the API: capabilities, writable scopes).
"""

from __future__ import annotations

import frappe
from frappe import _

from customer_360.core.capabilities import NOTE_SCOPES
from customer_360.core.definitions import ACTIVITY_EVENT_TYPES
from customer_360.core.notes import INTERACTION_TYPES
from customer_360.core.risk import FLAG_TYPES, MANUAL_TYPES
from customer_360.core.timeline import EVENT_TYPES, FACETS
from customer_360.core.wording import FLAG_LABELS


def event_type_labels() -> dict[str, str]:
	# Timeline chips name the type in the plural.
	return {
		"money": _("Money"),
		"sales": _("Sales"),
		"support": _("Support"),
		"service": _("Service"),
		"commitment": _("Commitments"),
		"message": _("Messages"),
		"note": _("Notes"),
		"interaction": _("Interactions"),
		"task": _("Tasks"),
		"file": _("Files"),
		"system": _("System"),
	}


def note_scope_labels() -> dict[str, str]:
	return {
		"internal": _("Internal"),
		"sales": _("Sales"),
		"branch": _("Branch"),
		"support": _("Support"),
		"finance": _("Finance"),
		"fulfillment": _("Fulfillment"),
		"restricted": _("Restricted"),
		"customer": _("Customer (portal)"),
	}


def interaction_type_labels() -> dict[str, str]:
	return {
		"call": _("Call"),
		"visit": _("Visit"),
		"email": _("Email"),
		"sms": _("SMS"),
		"showroom visit": _("Showroom Visit"),
		"meeting": _("Meeting"),
		"demo": _("Demo"),
		"follow up": _("Follow Up"),
		"other": _("Other"),
	}


def _items(values, labels=None, **flags) -> list[dict]:
	labels = labels or {}
	return [
		{"value": v, "label": labels.get(v) or v.replace("_", " ").title()}
		| {flag: v in members for flag, members in flags.items()}
		for v in values
	]


def facet_labels() -> dict[str, str]:
	# Timeline chips across the types (core.timeline.FACETS).
	return {"forms_bookings": _("Forms & bookings")}


def constants() -> dict:
	"""The vocabularies, as `frappe.boot.customer_360` carries them."""
	return {
		"event_types": _items(EVENT_TYPES, event_type_labels()),
		# What counts as activity (core.definitions): the overview's "activity" figures.
		"activity_event_types": list(ACTIVITY_EVENT_TYPES),
		"note_scopes": _items(NOTE_SCOPES, note_scope_labels()),
		"interaction_types": _items(INTERACTION_TYPES, interaction_type_labels()),
		"timeline_facets": _items(FACETS, facet_labels()),
		# `manual`: a judgement only a person makes (the rules never raise or clear it).
		"flag_types": _items(
			FLAG_TYPES, {t: _(label) for t, label in FLAG_LABELS.items()}, manual=MANUAL_TYPES
		),
	}


def boot_session(bootinfo) -> None:
	"""Adds the vocabularies for desk users (the pages are desk pages; guests and website users get nothing)."""
	if frappe.session.user == "Guest" or frappe.session.data.get("user_type") == "Website User":
		return
	bootinfo.customer_360 = constants()

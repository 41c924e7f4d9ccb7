"""Arguments from a client, checked before use: a bad one is a 4xx with a translated message that names the
field (escaped), never a traceback and never a half-written record."""

from __future__ import annotations

import json
from datetime import date as date_type
from datetime import datetime as datetime_type

import frappe
from dateutil import parser
from frappe import _
from frappe.utils import get_datetime, getdate

from customer_360.messages import bold

# Longest free text an API takes (a note, a summary, a task): far above what a person types, far below what
# fills a page or a table.
MAX_TEXT = 20_000
MAX_LIST = 200


def _parse(value):
	# dateutil directly: Frappe's getdate() puts its own message, with the raw value in it, into the message
	# log before raising.
	if isinstance(value, datetime_type | date_type):
		return value
	if not isinstance(value, str) or len(value) > 40:
		raise ValueError(value)
	return parser.parse(value)


def date(value, label: str):
	if value in (None, ""):
		return None
	try:
		return getdate(_parse(value))
	except Exception:
		frappe.throw(_("{0} is not a valid date: {1}").format(_(label), bold(value)), frappe.ValidationError)


def datetime(value, label: str):
	if value in (None, ""):
		return None
	try:
		return get_datetime(_parse(value))
	except Exception:
		frappe.throw(
			_("{0} is not a valid date and time: {1}").format(_(label), bold(value)), frappe.ValidationError
		)


def text(value, label: str, max_length: int = MAX_TEXT, required: bool = False) -> str | None:
	if value is None or value == "":
		if required:
			frappe.throw(_("{0} is required.").format(_(label)), frappe.ValidationError)
		return value
	if not isinstance(value, str):
		frappe.throw(_("{0} must be text.").format(_(label)), frappe.ValidationError)
	if len(value) > max_length:
		frappe.throw(
			_("{0} is too long ({1} characters; at most {2}).").format(_(label), len(value), max_length),
			frappe.ValidationError,
		)
	if required and not value.strip():
		frappe.throw(_("{0} is required.").format(_(label)), frappe.ValidationError)
	return value


def json_value(value, label: str, kind: type | tuple = (dict, list), max_items: int = MAX_LIST):
	"""A JSON argument (already decoded, or a string to decode) of the expected kind and size."""
	if value in (None, ""):
		return None
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			frappe.throw(_("{0} is not valid JSON.").format(_(label)), frappe.ValidationError)
	if not isinstance(value, kind):
		frappe.throw(_("{0} has the wrong shape.").format(_(label)), frappe.ValidationError)
	if len(value) > max_items:
		frappe.throw(
			_("{0} has too many entries (at most {1}).").format(_(label), max_items), frappe.ValidationError
		)
	return value


def user(value, label: str) -> str | None:
	"""A User id, enabled or not (a filter may name someone who has left); empty means none."""
	if value in (None, ""):
		return None
	if not isinstance(value, str) or len(value) > 140 or not frappe.db.exists("User", value):
		frappe.throw(_("{0}: {1} is not a user.").format(_(label), bold(value)), frappe.ValidationError)
	return value


def active_user(value, label: str) -> str:
	if not isinstance(value, str) or not frappe.db.get_value("User", {"name": value, "enabled": 1}):
		frappe.throw(
			_("{0}: {1} is not an active user.").format(_(label), bold(value)), frappe.ValidationError
		)
	return value

"""User-supplied values inside server messages. Frappe's dialogs render a message as HTML, so a customer name
like `<img src=x onerror=...>` echoed as-is runs in whoever reads the message: escape first, then style."""

from __future__ import annotations

import frappe
from frappe.utils import cstr, escape_html

# A value echoed back is cut here: a message is no place for a 10 kB argument.
ECHO_LENGTH = 140


def bold(value) -> str:
	"""An echoed value, escaped and bold."""
	return frappe.bold(plain(value))


def plain(value) -> str:
	"""An echoed value, escaped (and shortened)."""
	text = cstr(value)
	if len(text) > ECHO_LENGTH:
		text = text[: ECHO_LENGTH - 1] + "…"
	return escape_html(text)

"""Next-step settings, read from Customer 360 Settings (section "Next Steps" and "Assistant")."""

from __future__ import annotations

from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import cint
from frappe.utils.password import get_decrypted_password

from customer_360.core import next_steps as core

SETTINGS = "Customer 360 Settings"
# settings field -> core threshold
FIELDS = {f"ns_{key}": key for key in core.THRESHOLD_KEYS}
DEFAULT_TIMEOUT = 20


@dataclass(frozen=True)
class Assistant:
	url: str
	model: str
	api_key: str | None
	timeout: int

	@property
	def configured(self) -> bool:
		return bool(self.url and self.model)


def thresholds() -> core.Thresholds:
	# Uncast: a field never saved is absent, so its default applies (a cast Int would read 0 = "rule off").
	raw = frappe.db.get_singles_dict(SETTINGS)
	try:
		return core.resolve_thresholds({key: raw.get(field) for field, key in FIELDS.items()})
	except core.NextStepError as e:
		frappe.throw(_("Customer 360 Settings, Next Steps: {0}").format(str(e)), frappe.ValidationError)


def validate_settings(doc) -> None:
	"""For Customer360Settings.validate: an unusable rule setting fails on save, not when the 360 opens."""
	try:
		core.resolve_thresholds({key: doc.get(field) for field, key in FIELDS.items()})
	except core.NextStepError as e:
		frappe.throw(_("Customer 360 Settings, Next Steps: {0}").format(str(e)), frappe.ValidationError)


def digest_enabled() -> bool:
	raw = frappe.db.get_singles_dict(SETTINGS).get("weekly_digest")
	return True if raw in (None, "") else bool(cint(raw))  # on unless switched off


def assistant() -> Assistant:
	raw = frappe.db.get_singles_dict(SETTINGS)
	key = get_decrypted_password(SETTINGS, SETTINGS, "assistant_api_key", raise_exception=False)
	timeout = raw.get("assistant_timeout")
	return Assistant(
		url=(raw.get("assistant_url") or "").strip(),
		model=(raw.get("assistant_model") or "").strip(),
		api_key=key or None,
		timeout=max(1, cint(timeout)) if timeout not in (None, "") else DEFAULT_TIMEOUT,
	)

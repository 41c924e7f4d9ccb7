from urllib.parse import urlparse

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

from customer_360.core import capabilities
from customer_360.messages import plain

ASSISTANT_TIMEOUT_DEFAULT = 20
# A page waits for the assistant: a longer wait is a hung request, not a slow model.
ASSISTANT_TIMEOUT_MAX = 60


class Customer360Settings(Document):
	def validate(self):
		seen = set()
		for row in self.role_capabilities:
			if row.role in seen:
				frappe.throw(_("Row {0}: role {1} is listed twice.").format(row.idx, plain(row.role)))
			seen.add(row.role)
			try:
				row.note_scopes = capabilities.format_scopes(capabilities.parse_scopes(row.note_scopes))
			except ValueError as e:
				frappe.throw(_("Row {0}: {1}").format(row.idx, plain(e)))
		# Thresholds, weights and bands of risk & health: bad JSON or numbers are refused here, not at night.
		from customer_360.next_steps import config as next_steps_config
		from customer_360.risk_health import config as risk_health_config

		risk_health_config.validate_settings(self)
		next_steps_config.validate_settings(self)
		self.validate_assistant()

	def validate_assistant(self):
		"""The key is sent to the URL: only http(s), and a new URL never inherits the old URL's key."""
		url = (self.assistant_url or "").strip()
		parsed = urlparse(url)
		if url and (parsed.scheme not in ("http", "https") or not parsed.netloc):
			frappe.throw(_("The assistant URL must be an http or https address."), frappe.ValidationError)
		self.assistant_url = url
		before = self.get_doc_before_save()
		key = self.assistant_api_key or ""
		key_unchanged = not key or self.is_dummy_password(key)
		if before and (before.assistant_url or "") != url and key_unchanged:
			self.assistant_api_key = ""  # an empty Password field removes the stored key on save
		timeout = cint(self.assistant_timeout) or ASSISTANT_TIMEOUT_DEFAULT
		if not 1 <= timeout <= ASSISTANT_TIMEOUT_MAX:
			frappe.throw(
				_("The assistant timeout must be between 1 and {0} seconds.").format(ASSISTANT_TIMEOUT_MAX),
				frappe.ValidationError,
			)
		self.assistant_timeout = timeout

	def on_update(self):
		# Capabilities are cached per site; a change here must apply to the next request.
		from customer_360.permissions import clear_capability_cache

		clear_capability_cache()

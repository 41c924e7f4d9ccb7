import frappe
from frappe import _
from frappe.model.document import Document

from customer_360.core import capabilities


class Customer360Settings(Document):
	def validate(self):
		seen = set()
		for row in self.role_capabilities:
			if row.role in seen:
				frappe.throw(_("Row {0}: role {1} is listed twice.").format(row.idx, row.role))
			seen.add(row.role)
			try:
				row.note_scopes = capabilities.format_scopes(capabilities.parse_scopes(row.note_scopes))
			except ValueError as e:
				frappe.throw(_("Row {0}: {1}").format(row.idx, str(e)))
		# Thresholds, weights and bands of risk & health: bad JSON or numbers are refused here, not at night.
		from customer_360.next_steps import config as next_steps_config
		from customer_360.risk_health import config as risk_health_config

		risk_health_config.validate_settings(self)
		next_steps_config.validate_settings(self)

	def on_update(self):
		# Capabilities are cached per site; a change here must apply to the next request.
		from customer_360.permissions import clear_capability_cache

		clear_capability_cache()

"""Customer 360 Assistant Log: one row per call to the language model (who, which customer, what for, the
model, tokens when the endpoint reports them, latency, outcome). Never the prompt or the reply: they carry what
the asking user may see, which the log's readers (System Manager) may not be meant to.

Written only by customer_360.assistant.log, with ignore_permissions; read-only for its readers."""

from frappe.model.document import Document


class Customer360AssistantLog(Document):
	pass

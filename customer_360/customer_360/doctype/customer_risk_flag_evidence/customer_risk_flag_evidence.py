from frappe.model.document import Document


class CustomerRiskFlagEvidence(Document):
	pass

from frappe.model.document import Document


class Customer360RoleCapability(Document):
	pass

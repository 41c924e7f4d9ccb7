from frappe.model.document import Document


class CustomerMergeLogRow(Document):
	pass

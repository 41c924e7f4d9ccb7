from frappe.model.document import Document


class CustomerMergeLogLoser(Document):
	pass

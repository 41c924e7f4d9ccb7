"""Customer Suggestion Decision: who accepted or dismissed a suggested next step, when, and why.

Written only by customer_360.next_steps (after the customer-read check); the evidence fingerprint keeps a
dismissed suggestion away until the facts behind it change."""

from frappe.model.document import Document


class CustomerSuggestionDecision(Document):
	pass

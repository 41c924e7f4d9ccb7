"""Portal page /customer-notes: a customer's own website users read the notes written for them."""

import frappe
from frappe import _

from customer_360.notes import portal_notes

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to read your notes."), frappe.PermissionError)
	context.title = _("Notes from us")
	context.notes = portal_notes(frappe.session.user)
	return context

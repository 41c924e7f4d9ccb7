"""The manifest of one customer merge. Written only by customer_360.merge.job (as the merging user, with
ignore_permissions); read through customer_360.api.merge or, for System Manager and Customer 360 Manager, the
desk. Either way only by a holder of the merge capability who may read every customer the log names (hooks.py:
customer_360.merge.access). Nothing here is edited by hand: every field is read-only."""

import frappe
from frappe import _
from frappe.model.document import Document

BUSY = ("Queued", "Running", "Undoing")


class CustomerMergeLog(Document):
	def on_trash(self):
		# The manifest is the only way back: never delete it while a job is using it.
		if self.status in BUSY:
			frappe.throw(_("This merge is still running; wait until it finishes."))

"""Administration: rebuild the timeline index (the Settings form button)."""

import frappe
from frappe import _

from customer_360 import indexer


@frappe.whitelist(methods=["POST"])
def start_backfill(restart: bool = False) -> dict:
	# frappe.only_for is a no-op in tests; check the role explicitly so the tests prove the rule.
	if "System Manager" not in frappe.get_roles():
		frappe.throw(_("Only a System Manager can rebuild the timeline index."), frappe.PermissionError)
	indexer.enqueue_backfill(restart=bool(frappe.utils.cint(restart)))
	return {"job_id": indexer.BACKFILL_JOB, "message": _("Timeline backfill queued.")}

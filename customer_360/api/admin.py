"""Administration: rebuild the timeline index (the Settings form button)."""

import frappe
from frappe import _

from customer_360 import indexer


@frappe.whitelist(methods=["POST"])
def start_backfill(restart: bool = False) -> dict:
	frappe.only_for("System Manager")
	indexer.enqueue_backfill(restart=bool(frappe.utils.cint(restart)))
	return {"job_id": indexer.BACKFILL_JOB, "message": _("Timeline backfill queued.")}

"""Health API: the health panel (customer_360.risk_health.panel, masked for the reader) and a recompute."""

from __future__ import annotations

import frappe
from frappe import _

from customer_360.customer_360.doctype.customer_risk_flag.customer_risk_flag import may_manage
from customer_360.permissions import check_customer_read
from customer_360.risk_health import job
from customer_360.risk_health.panel import health_panel


@frappe.whitelist()
@frappe.read_only()
def get_health(customer: str) -> dict:
	check_customer_read(customer)
	return health_panel(customer)


@frappe.whitelist(methods=["POST"])
def recompute(customer: str) -> dict:
	check_customer_read(customer)
	if not may_manage():
		frappe.throw(_("You are not permitted to recompute health scores."), frappe.PermissionError)
	job.recompute_customer(customer)
	return health_panel(customer)  # not get_health: its read_only() could read a replica that lags this write

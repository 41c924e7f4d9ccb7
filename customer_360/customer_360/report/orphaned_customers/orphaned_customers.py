"""Enabled customers without an account owner (nobody receives their alerts). Logic: customer_360.risk_health.reports."""

from customer_360.risk_health import reports


def execute(filters=None):
	return reports.orphaned(filters or {})

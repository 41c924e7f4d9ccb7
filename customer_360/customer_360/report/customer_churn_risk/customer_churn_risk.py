"""Customers by risk amount: annual revenue times the churn probability read off the health score. Logic: customer_360.risk_health.reports."""

from customer_360.risk_health import reports


def execute(filters=None):
	return reports.churn_risk(filters or {})

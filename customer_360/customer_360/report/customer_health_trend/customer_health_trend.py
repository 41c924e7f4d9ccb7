"""Weekly average health score by customer group or territory. Logic: customer_360.risk_health.reports."""

from customer_360.risk_health import reports


def execute(filters=None):
	return reports.trend(filters or {})

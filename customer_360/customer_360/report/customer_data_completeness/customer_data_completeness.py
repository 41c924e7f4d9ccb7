"""Share of customers with an email, a phone, an account owner and an address, by customer group. Logic: customer_360.risk_health.reports."""

from customer_360.risk_health import reports


def execute(filters=None):
	return reports.completeness(filters or {})

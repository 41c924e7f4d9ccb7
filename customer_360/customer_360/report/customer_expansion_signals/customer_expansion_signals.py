"""Items that customers buying the same things usually also buy, which this customer has not. Logic: customer_360.risk_health.reports."""

from customer_360.risk_health import reports


def execute(filters=None):
	return reports.expansion(filters or {})

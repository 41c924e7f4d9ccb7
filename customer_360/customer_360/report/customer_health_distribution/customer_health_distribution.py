"""Green, yellow and red counts of each customer's latest health score, with a histogram. Logic: customer_360.risk_health.reports."""

from customer_360.risk_health import reports


def execute(filters=None):
	return reports.distribution(filters or {})

"""Customers by segment: VIP tier, industry and health band, with their 12-month revenue (finance readers only).
Logic: customer_360.risk_health.segments."""

from customer_360.risk_health import segments


def execute(filters=None):
	return segments.segments(filters or {})

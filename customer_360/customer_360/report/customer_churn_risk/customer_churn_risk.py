"""Customers by risk amount: annual revenue times a churn probability read off the health score, its trend over the
last weeks, open escalations and renewals due. Logic: customer_360.risk_health.churn."""

from customer_360.risk_health import churn


def execute(filters=None):
	return churn.churn_risk(filters or {})

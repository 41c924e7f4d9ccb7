"""The payment factor calibrated on four customers a finance person recognises (README, "Payment behaviour").
Everything else about each customer is healthy, so the overall band shows what payment alone does."""

from datetime import date, timedelta

import pytest

from customer_360.core import health
from customer_360.core.health import CustomerFacts

TODAY = date(2024, 6, 30)


def customer(**payment):
	days_ago = lambda n: TODAY - timedelta(days=n)  # noqa: E731
	return CustomerFacts(
		order_dates=(days_ago(60), days_ago(40), days_ago(20), days_ago(5)),
		revenue_90=30000.0, revenue_prior_90=30000.0, issues_open=0, issues_90=0, returns_365=0.0,
		active_flags=(), last_activity=days_ago(2), interactions_90=6, **payment,
	)  # fmt: skip


CASES = {
	# Pays on time, a normal balance not yet due.
	"on_time": dict(
		outstanding=10000.0,
		overdue=0.0,
		overdue_90=0.0,
		largest_overdue=0.0,
		billed_365=120000.0,
		avg_days_late=-1.0,
	),
	# Pays everything, three weeks late on average; a part of the balance a few weeks overdue.
	"slow_but_paying": dict(
		outstanding=30000.0,
		overdue=9000.0,
		overdue_90=0.0,
		largest_overdue=3000.0,
		billed_365=120000.0,
		avg_days_late=25.0,
	),
	# The seed-scale whale of issue 20: 3,157,521 overdue of 3,238,194, most of it for years; the invoices it
	# did pay it paid early.
	"chronically_overdue": dict(
		outstanding=3238194.0,
		overdue=3157521.0,
		overdue_90=2900000.0,
		largest_overdue=9000.0,
		billed_365=12000000.0,
		avg_days_late=-1.7,
	),
	# Pays on time, except one large invoice in dispute for four months.
	"one_big_dispute": dict(
		outstanding=50000.0,
		overdue=40000.0,
		overdue_90=40000.0,
		largest_overdue=40000.0,
		billed_365=200000.0,
		avg_days_late=-2.0,
	),
}
# (payment factor band, overall band with everything else healthy)
EXPECTED = {
	"on_time": ("green", "green"),
	"slow_but_paying": ("yellow", "green"),
	"chronically_overdue": ("red", "yellow"),
	"one_big_dispute": ("yellow", "yellow"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_calibrated_cases_land_in_their_bands(case):
	result = health.score(customer(**CASES[case]), TODAY)
	payment = result.factor("payment")
	assert (health.band(payment.score), result.band) == EXPECTED[case], (payment.score, result.score)


def test_most_of_the_balance_over_90_days_overdue_is_never_green():
	# Even at the lowest green threshold an administrator may set, and with every other factor perfect.
	for bands in ((70, 40), (50, 20), (1, 0)):
		result = health.score(customer(**CASES["chronically_overdue"]), TODAY, bands=bands)
		assert result.band != "green"


def test_paying_early_does_not_read_as_good_news_over_an_aged_balance():
	payment = health.score(customer(**CASES["chronically_overdue"]), TODAY).factor("payment")
	assert payment.detail.code == "payment_aged"
	assert payment.detail.params["aged_pct"] == pytest.approx(0.9, abs=0.01)
	assert payment.score <= 30


def test_a_dispute_costs_less_than_the_same_age_spread_over_many_invoices():
	dispute = health.score(customer(**CASES["one_big_dispute"]), TODAY).factor("payment").score
	spread = health.score(customer(**{**CASES["one_big_dispute"], "largest_overdue": 2000.0}), TODAY)
	assert dispute > spread.factor("payment").score


def test_without_age_figures_the_factor_works_as_before():
	# An adapter that does not know the ages (overdue_90 None) scores on the share overdue and lateness only.
	facts = {**CASES["slow_but_paying"], "overdue_90": None, "largest_overdue": None}
	payment = health.score(customer(**facts), TODAY).factor("payment")
	assert payment.detail.code == "payment_late"
	assert "overdue_90" not in payment.values

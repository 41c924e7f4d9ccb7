"""The relative VIP rule (core/signals.py): the top N % of customers by 12-month revenue."""

import pytest

from customer_360.core.signals import VipRule, is_vip, top_percent_threshold


def test_top_five_percent_of_forty_customers_is_the_top_two():
	revenues = [float(i) for i in range(1, 41)]
	assert top_percent_threshold(revenues, 5) == 39.0


def test_at_least_one_customer_qualifies_and_zero_revenue_does_not_count():
	assert top_percent_threshold([0.0, 0.0, 10.0, 3.0], 5) == 10.0
	assert top_percent_threshold([0.0, None], 5) is None
	assert top_percent_threshold([], 5) is None


@pytest.mark.parametrize("percent", [None, 0, -3])
def test_no_percentage_no_rule(percent):
	assert top_percent_threshold([5.0, 4.0], percent) is None


def test_over_a_hundred_percent_is_everyone_who_bought():
	assert top_percent_threshold([5.0, 4.0, 1.0], 250) == 1.0


def test_is_vip_by_revenue_or_by_the_absolute_rules():
	rule = VipRule(min_orders_365=12, top_percent=5, min_revenue_365=1000.0)
	assert is_vip(0.0, 0, rule, revenue_365=1000.0)
	assert not is_vip(0.0, 0, rule, revenue_365=999.0)
	assert is_vip(0.0, 12, rule, revenue_365=0.0)
	assert not is_vip(0.0, 0, rule)  # revenue unknown
	# A threshold of 0 (nobody bought) never makes a customer without revenue a VIP.
	assert not is_vip(0.0, 0, VipRule(top_percent=5, min_revenue_365=0.0), revenue_365=0.0)

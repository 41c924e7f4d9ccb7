"""The shared definitions: settled balance, closed issues, activity and dormancy mean one thing everywhere."""

from datetime import date, timedelta

import pytest

from customer_360.core import definitions as d
from customer_360.core import money
from customer_360.core import next_steps as ns
from customer_360.core.next_steps import rules

TODAY = date(2025, 6, 30)


def test_settled_threshold_is_one_unit_of_the_last_decimal():
	assert d.settled_below(2) == 0.01
	assert d.SETTLED_BELOW == d.settled_below(2)
	assert money.settled_below is d.settled_below
	assert rules.SETTLED_BELOW == d.SETTLED_BELOW


def test_activity_is_customer_facing_and_engagement_is_part_of_it():
	assert set(d.ENGAGEMENT_EVENT_TYPES) <= set(d.ACTIVITY_EVENT_TYPES)
	for ours in ("task", "note", "file"):
		assert ours not in d.ACTIVITY_EVENT_TYPES
	assert d.CLOSED_ISSUE_STATUSES == ("Resolved", "Closed")


@pytest.mark.parametrize("idle, dormant", [(89, False), (90, True), (400, True)])
def test_dormancy_boundary(idle, dormant):
	assert d.is_dormant(TODAY - timedelta(days=idle), TODAY) is dormant


def test_quiet_since_falls_back_to_creation():
	created = TODAY - timedelta(days=10)
	assert d.quiet_since(None, created) == created
	assert d.quiet_since(TODAY, created) == TODAY
	assert not d.is_dormant(d.quiet_since(None, created), TODAY)


@pytest.mark.parametrize("idle", [89, 90, 91])
def test_win_back_rule_and_dormancy_agree(idle):
	facts = ns.Facts("C", created=TODAY - timedelta(days=800), last_activity=TODAY - timedelta(days=idle))
	t = ns.Thresholds()
	won = any(s.rule == ns.WIN_BACK for s in rules.suggest(facts, TODAY, t))
	assert won is d.is_dormant(facts.last_activity, TODAY, t.quiet_days)

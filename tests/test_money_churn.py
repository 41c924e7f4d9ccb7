"""The churn report's probability (core/churn.py): today's score, raised by a falling trend, open escalations
and a renewal due."""

import pytest

from customer_360.core import churn
from customer_360.core.alerts import churn_probability


def test_without_other_evidence_it_is_the_score_curve():
	assert churn.probability(70, 0, 0, False) == (churn_probability(70), [])
	assert churn.probability(70, None) == (churn_probability(70), [])
	assert churn.probability(None, -30, 3, True) == (None, [])


def test_a_falling_score_adds_a_point_per_point_lost_up_to_a_cap():
	base = churn_probability(70)
	assert churn.probability(70, -10)[0] == pytest.approx(base + 0.10)
	assert churn.probability(70, -60)[0] == pytest.approx(base + churn.FALL_MAX)
	assert churn.probability(70, +15)[0] == pytest.approx(base)  # rising is not a churn signal
	assert churn.probability(70, -10)[1] == ["falling"]


def test_escalations_and_renewals_add_and_everything_is_capped():
	base = churn_probability(80)
	p, reasons = churn.probability(80, None, escalations=2, renewal_due=True)
	assert p == pytest.approx(base + 0.10 + churn.RENEWAL_DUE)
	assert reasons == ["escalations", "renewal"]
	assert churn.probability(80, None, escalations=10)[0] == pytest.approx(base + churn.ESCALATION_MAX)
	assert churn.probability(0, -100, 10, True)[0] == churn.CEILING


def test_the_same_score_sliding_ranks_above_the_same_score_steady():
	steady, _ = churn.probability(65, 0)
	sliding, _ = churn.probability(65, -25)
	assert sliding > steady

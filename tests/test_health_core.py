from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_360.core import health, messages
from customer_360.core.health import CustomerFacts, HealthResult, VipRule
from customer_360.core.health_explain import explain_change

TODAY = date(2026, 11, 23)
MINUS = "\u2212"


def days_ago(n):
	return TODAY - timedelta(days=n)


def healthy(**changes):
	"""A customer who scores 100 on every factor; tests change one thing at a time."""
	facts = dict(
		outstanding=1000.0,
		overdue=0.0,
		billed_365=12000.0,
		avg_days_late=0.0,
		order_dates=(days_ago(60), days_ago(40), days_ago(20), days_ago(5)),
		revenue_90=3000.0,
		revenue_prior_90=3000.0,
		issues_open=0,
		issues_90=0,
		returns_365=0.0,
		active_flags=(),
		last_activity=days_ago(2),
		interactions_90=6,
	)
	facts.update(changes)
	return CustomerFacts(**facts)


def factor(result, name):
	return next(f for f in result.factors if f.name == name)


def detail(f, see_finance=True):
	"""A factor's detail as a reader sees it (details are codes + parameters)."""
	return messages.render(f.detail, see_finance=see_finance)


def explain(before, after, see_finance=True):
	return messages.render_all(explain_change(before, after), see_finance=see_finance)


# --- constants and validation ---


def test_default_weights_cover_every_factor_and_sum_to_100():
	assert set(health.DEFAULT_WEIGHTS) == set(health.FACTORS) == set(health.FACTOR_LABELS)
	assert sum(health.DEFAULT_WEIGHTS.values()) == 100


@pytest.mark.parametrize(
	"weights, message",
	[({"loyalty": 5}, "unknown health factor"), ({"payment": -1}, "negative"), ({"payment": "x"}, "number")],
)
def test_bad_weights_are_refused_with_a_clear_message(weights, message):
	with pytest.raises(ValueError, match=message):
		health.score(healthy(), TODAY, weights=weights)


def test_all_zero_weights_are_refused():
	with pytest.raises(ValueError, match="above 0"):
		health.score(healthy(), TODAY, weights=dict.fromkeys(health.FACTORS, 0))


# --- bands ---


@pytest.mark.parametrize(
	"value, expected",
	[(100, "green"), (70, "green"), (69, "yellow"), (40, "yellow"), (39, "red"), (0, "red")],
)
def test_default_bands_at_their_boundaries(value, expected):
	assert health.band(value) == expected


def test_configurable_bands_and_no_score_has_no_band():
	assert health.band(79, (80, 50)) == "yellow"
	assert health.band(80, (80, 50)) == "green"
	assert health.band(None) is None
	with pytest.raises(ValueError):
		health.band(50, (40, 70))


# --- score and renormalisation ---


def test_healthy_customer_scores_100_green_on_every_factor():
	result = health.score(healthy(), TODAY)
	assert result.score == 100 and result.band == "green"
	assert [f.name for f in result.factors] == list(health.FACTORS)
	assert all(f.score == 100 for f in result.factors)
	assert [f.effective_weight for f in result.factors] == [health.DEFAULT_WEIGHTS[n] for n in health.FACTORS]


def test_score_is_the_weighted_mean_of_factor_scores():
	# Payment 0 (weight 25), everything else 100 -> 75.
	result = health.score(healthy(overdue=6000.0, avg_days_late=45.0), TODAY)
	assert factor(result, "payment").score == 0
	assert result.score == 75 and result.band == "green"


def test_missing_factors_are_no_data_and_weights_renormalise():
	facts = CustomerFacts(
		outstanding=1000.0, overdue=0.0, billed_365=4000.0, avg_days_late=45.0, issues_open=0, issues_90=0
	)
	result = health.score(facts, TODAY)
	pay, support = factor(result, "payment"), factor(result, "support")
	assert pay.score == 60 and support.score == 100  # 40 days' lateness cap
	assert pay.effective_weight == pytest.approx(25 * 100 / 35, abs=0.01)
	assert support.effective_weight == pytest.approx(10 * 100 / 35, abs=0.01)
	assert result.score == 71  # (60*25 + 100*10) / 35 = 71.4
	for name in ("recency", "revenue_trend", "returns", "risk_flags", "engagement"):
		f = factor(result, name)
		assert f.score is None and detail(f) == "no data" and f.effective_weight == 0
		assert f.weight == health.DEFAULT_WEIGHTS[name]


def test_no_data_at_all_gives_no_score_and_no_band():
	result = health.score(CustomerFacts(), TODAY)
	assert result.score is None and result.band is None
	assert all(detail(f) == "no data" for f in result.factors)


def test_zero_weight_factor_is_shown_but_does_not_count():
	result = health.score(healthy(overdue=6000.0, avg_days_late=45.0), TODAY, weights={"payment": 0})
	assert factor(result, "payment").score == 0 and factor(result, "payment").effective_weight == 0
	assert result.score == 100


def test_partial_weights_override_defaults_only_for_named_factors():
	result = health.score(healthy(overdue=6000.0, avg_days_late=45.0), TODAY, weights={"payment": 50})
	# 0 * 50 + 100 * 75 over 125
	assert result.score == 60 and result.band == "yellow"


def test_none_versus_zero_for_support_and_flags():
	assert factor(health.score(healthy(issues_open=None, issues_90=None), TODAY), "support").score is None
	assert factor(health.score(healthy(active_flags=None), TODAY), "risk_flags").score is None
	r = health.score(healthy(issues_open=1, issues_90=3, active_flags=("overdue_payment",)), TODAY)
	assert factor(r, "support").score == 100 - 15 - 15
	assert detail(factor(r, "support")) == "1 open issue; 3 issues in the last 90 days"
	assert factor(r, "risk_flags").score == 60
	assert detail(factor(r, "risk_flags")) == "1 active flag: overdue payment"


def test_never_invoiced_customer_has_no_payment_data():
	facts = healthy(outstanding=None, overdue=None, billed_365=None, avg_days_late=None, returns_365=None)
	result = health.score(facts, TODAY)
	assert factor(result, "payment").score is None
	assert factor(result, "returns").score is None


def test_payment_detail_uses_plain_thousands_numbers():
	result = health.score(healthy(outstanding=3000.0, overdue=1200.0, avg_days_late=12.5), TODAY)
	assert (
		detail(factor(result, "payment"))
		== "1,200 overdue of 3,000 outstanding; pays 12.50 days late on average"
	)
	assert detail(factor(health.score(healthy(avg_days_late=-3.0), TODAY), "payment")).endswith(
		"3 days early on average"
	)


def test_recency_against_own_rhythm():
	# Every 20 days; last order 50 days ago = 2.5 intervals -> 25.
	dates = (days_ago(110), days_ago(90), days_ago(70), days_ago(50))
	f = factor(health.score(healthy(order_dates=dates), TODAY), "recency")
	assert f.score == 25
	assert detail(f) == "usually orders every 20 days; last order 50 days ago"


def test_recency_without_a_rhythm_uses_the_reference_interval():
	f = factor(health.score(healthy(order_dates=(days_ago(135),)), TODAY), "recency")
	assert f.score == 75  # 1.5 reference intervals
	assert "too few orders" in detail(f)
	assert factor(health.score(healthy(order_dates=()), TODAY), "recency").score is None


def test_revenue_trend_drop_and_growth():
	drop = factor(health.score(healthy(revenue_90=1500.0, revenue_prior_90=3000.0), TODAY), "revenue_trend")
	assert drop.score == 50
	assert detail(drop) == f"1,500 revenue in the last 90 days vs 3,000 in the 90 before ({MINUS}50%)"
	assert factor(health.score(healthy(revenue_90=9000.0), TODAY), "revenue_trend").score == 100
	assert factor(health.score(healthy(revenue_prior_90=0.0), TODAY), "revenue_trend").score == 100
	both_zero = healthy(revenue_90=0.0, revenue_prior_90=0.0)
	assert factor(health.score(both_zero, TODAY), "revenue_trend").score is None


def test_returns_share_of_billing():
	assert factor(health.score(healthy(returns_365=1200.0), TODAY), "returns").score == 75  # 10 %
	assert factor(health.score(healthy(returns_365=4800.0), TODAY), "returns").score == 0  # 40 %


def test_engagement_blends_activity_and_interactions():
	f = factor(health.score(healthy(last_activity=days_ago(105), interactions_90=1), TODAY), "engagement")
	assert f.score == 35  # (50 + 20) / 2
	assert detail(f) == "last activity 105 days ago; 1 interaction in the last 90 days"


def test_result_round_trips_through_a_json_friendly_dict():
	import json

	result = health.score(healthy(overdue=500.0, active_flags=("frequent_refunds",)), TODAY)
	data = json.loads(json.dumps(result.as_dict()))
	assert HealthResult.from_dict(data) == result


# --- explanations ---


def test_explanation_names_the_cause_with_a_real_minus_sign():
	before = health.score(healthy(outstanding=2000.0, overdue=400.0), TODAY)
	after = health.score(healthy(outstanding=2000.0, overdue=1200.0), TODAY)
	# payment 92 -> 76 (40 points x the share of the balance overdue) at weight 25 -> -4
	assert factor(before, "payment").score == 92 and factor(after, "payment").score == 76
	assert explain(before, after) == [f"{MINUS}4: overdue amount tripled"]
	assert explain(after, before) == ["+4: overdue amount fell from 1,200 to 400"]


def test_explanation_lines_are_sorted_by_impact_and_skip_zero_points():
	before = health.score(healthy(), TODAY)
	after = health.score(
		healthy(overdue=6000.0, avg_days_late=45.0, active_flags=("overdue_payment",), interactions_90=5),
		TODAY,
	)
	lines = explain(before, after)
	assert lines == [f"{MINUS}25: 6,000 became overdue", f"{MINUS}4: new risk flag: overdue payment"]


def test_explanation_when_a_factor_loses_or_gains_its_data():
	with_support = health.score(healthy(issues_open=4, issues_90=4), TODAY)  # support 20
	without = health.score(healthy(issues_open=None, issues_90=None), TODAY)
	assert with_support.score == 92 and without.score == 100
	assert explain(with_support, without) == ["+8: support load: no data any more (was 20)"]
	assert explain(without, with_support) == [f"{MINUS}8: support load: data available again (now 20)"]


def test_explanation_without_stored_values_falls_back_to_general_words():
	before = health.score(healthy(), TODAY).as_dict()
	after = health.score(healthy(issues_open=2, issues_90=2), TODAY).as_dict()
	for data in (before, after):
		for f in data["factors"]:
			f.pop("values")
	lines = explain(HealthResult.from_dict(before), HealthResult.from_dict(after))
	assert lines == [f"{MINUS}4: support load worsened (2 open issues; 2 issues in the last 90 days)"]


def test_no_previous_score_or_no_change_explains_nothing():
	current = health.score(healthy(), TODAY)
	assert explain(None, current) == []
	assert explain(current, health.score(healthy(), TODAY)) == []


def test_resolved_flag_and_new_order_are_explained():
	before = health.score(
		healthy(active_flags=("frequent_refunds",), order_dates=(days_ago(90), days_ago(70), days_ago(50))),
		TODAY,
	)
	after = health.score(healthy(order_dates=(days_ago(90), days_ago(70), days_ago(50), days_ago(1))), TODAY)
	lines = explain(before, after)
	# recency 25 -> 100 at weight 20; flags 60 -> 100 at weight 10
	assert lines == ["+15: ordered again 1 day ago", "+4: risk flag resolved: frequent refunds"]


# --- signals ---


def test_rhythm_text_and_lateness():
	dates = [days_ago(80 + 34 * k) for k in range(4)]
	rhythm = health.repurchase_rhythm(dates, TODAY)
	assert rhythm.text == "usually orders every 34 days; last order 80 days ago"
	assert (rhythm.median_interval_days, rhythm.days_since_last, rhythm.orders, rhythm.late) == (
		34,
		80,
		4,
		True,
	)


def test_rhythm_late_only_past_one_and_a_half_intervals():
	at_limit = health.repurchase_rhythm([days_ago(30), days_ago(50), days_ago(70)], TODAY)
	assert at_limit.median_interval_days == 20 and at_limit.days_since_last == 30 and not at_limit.late
	assert health.repurchase_rhythm([days_ago(31), days_ago(51), days_ago(71)], TODAY).late


def test_rhythm_needs_three_order_days_and_uses_the_median():
	assert health.repurchase_rhythm([days_ago(10), days_ago(40)], TODAY) is None
	assert health.repurchase_rhythm([days_ago(10), days_ago(10), days_ago(40)], TODAY) is None  # same day
	assert health.repurchase_rhythm(None, TODAY) is None
	skewed = [days_ago(0), days_ago(10), days_ago(20), days_ago(300)]  # one long gap does not count
	rhythm = health.repurchase_rhythm(skewed, TODAY)
	assert rhythm.median_interval_days == 10
	assert rhythm.text == "usually orders every 10 days; last order today"


@pytest.mark.parametrize("idle, expected", [(89, False), (90, True), (400, True)])
def test_dormant_at_the_threshold(idle, expected):
	assert health.is_dormant(days_ago(idle), TODAY) is expected


def test_dormant_custom_period_and_never_active():
	assert health.is_dormant(days_ago(30), TODAY, days=30)
	assert not health.is_dormant(days_ago(29), TODAY, days=30)
	assert health.is_dormant(None, TODAY)
	with pytest.raises(ValueError):
		health.is_dormant(TODAY, TODAY, days=0)


def test_vip_any_threshold_is_enough():
	rule = VipRule(min_lifetime_value=100000, min_orders_365=12)
	assert health.is_vip(100000, 0, rule)
	assert health.is_vip(5, 12, rule)
	assert not health.is_vip(99999.99, 11, rule)
	assert not health.is_vip(None, None, rule)
	assert not health.is_vip(10**9, 1000, VipRule())
	assert health.is_vip(None, 12, VipRule(min_orders_365=12))


def test_expansion_items_from_peers():
	peers = {
		"C1": {"tea", "cups"},
		"C2": {"tea", "cups", "sugar"},
		"C3": {"tea", "cups", "sugar"},
		"C4": {"tea", "honey"},
		"C5": {"coffee", "filters"},  # shares nothing: not a peer
		"C6": {"tea", "cups"},
	}
	result = health.expansion_items({"tea"}, peers, min_peers=2, min_share=0.3)
	assert result == [("cups", 0.8, 4), ("sugar", 0.4, 2)]
	assert health.expansion_items({"tea"}, peers, min_peers=3) == [("cups", 0.8, 4)]
	assert health.expansion_items({"tea"}, peers, min_peers=2, limit=1) == [("cups", 0.8, 4)]
	assert health.expansion_items(set(), peers) == []


def test_expansion_min_share_boundary_is_inclusive():
	peers = {f"C{i}": {"a", "b"} if i < 3 else {"a"} for i in range(10)}
	assert health.expansion_items({"a"}, peers, min_peers=1, min_share=0.3) == [("b", 0.3, 3)]
	assert health.expansion_items({"a"}, peers, min_peers=1, min_share=0.31) == []


def _reference_expansion(own, baskets, min_peers, min_share):
	peers = [b for b in baskets.values() if b & own]
	items = {i for b in peers for i in b} - own
	rows = []
	for item in items:
		n = sum(1 for b in peers if item in b)
		if n >= min_peers and n / len(peers) >= min_share - 1e-9:
			rows.append((item, n / len(peers), n))
	return sorted(rows, key=lambda r: (-r[1], r[0]))


items = st.sampled_from("abcdefghij")
baskets = st.dictionaries(st.text("xyz", min_size=1, max_size=4), st.sets(items, max_size=6), max_size=30)


@given(
	own=st.sets(items, max_size=4), baskets=baskets, min_peers=st.integers(1, 4), min_share=st.floats(0.05, 1)
)
def test_expansion_matches_a_brute_force_reference(own, baskets, min_peers, min_share):
	result = health.expansion_items(own, baskets, min_peers=min_peers, min_share=min_share, limit=100)
	assert result == _reference_expansion(own, baskets, min_peers, min_share)


@given(own=st.sets(items, min_size=1, max_size=4), baskets=baskets, limit=st.integers(0, 5))
def test_expansion_never_suggests_owned_items_and_respects_limits(own, baskets, limit):
	result = health.expansion_items(own, baskets, limit=limit)
	assert len(result) <= limit
	for item, share, n in result:
		assert item not in own and n >= 3 and 0.3 - 1e-9 <= share <= 1
	# Customers sharing nothing with this one change nothing.
	unrelated = {**baskets, "zz-outsider-1": {"k"}, "zz-outsider-2": {"k"}, "zz-outsider-3": {"k"}}
	assert health.expansion_items(own, unrelated, limit=limit) == result

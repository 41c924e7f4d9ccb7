from datetime import date, timedelta

from customer_360.core.lifecycle import LifecycleFacts, derive, visible_history, visible_stage

TODAY = date(2026, 6, 30)


def ago(days):
	return TODAY - timedelta(days=days)


def buyer(**kw):
	base = dict(
		created=ago(800), first_purchase=ago(500), last_purchase=ago(10), purchases=5, last_activity=ago(10)
	)
	return LifecycleFacts(**{**base, **kw})


def test_before_the_first_purchase():
	assert derive(LifecycleFacts(created=ago(5)), TODAY) == "lead"
	assert derive(LifecycleFacts(created=ago(5), quoted=True), TODAY) == "prospect"


def test_first_purchase_then_active():
	f = buyer(first_purchase=ago(20), last_purchase=ago(20), purchases=1, last_activity=ago(20))
	assert derive(f, TODAY) == "first_purchase"
	assert derive(buyer(first_purchase=ago(120), last_purchase=ago(20), purchases=1), TODAY) == "active"
	assert derive(buyer(), TODAY) == "active"


def test_at_risk_dormant_churned():
	assert derive(buyer(red=True), TODAY) == "at_risk"
	assert derive(buyer(flagged=True), TODAY) == "at_risk"
	assert derive(buyer(last_purchase=ago(100), last_activity=ago(95)), TODAY, dormant_days=90) == "dormant"
	assert derive(buyer(last_purchase=ago(100), last_activity=ago(95)), TODAY, dormant_days=120) == "active"
	assert derive(buyer(last_purchase=ago(400), last_activity=ago(2)), TODAY) == "churned"


def test_won_back_after_churn_for_a_while():
	f = buyer(last_purchase=ago(3), last_activity=ago(3))
	assert derive(f, TODAY, previous=("churned", ago(30))) == "won_back"
	assert derive(f, TODAY, previous=("dormant", ago(30))) == "won_back"
	assert derive(f, TODAY, previous=("active", ago(30))) == "active"
	assert derive(f, TODAY, previous=("won_back", ago(10))) == "won_back"
	assert derive(f, TODAY, previous=("won_back", ago(120))) == "active"
	# Churned, no purchase since it was recorded: still churned, not won back.
	assert derive(buyer(last_purchase=ago(400)), TODAY, previous=("churned", ago(30))) == "churned"


def test_risk_stage_hidden_without_the_capability():
	assert visible_stage("at_risk", see_risk=False) == "active"
	assert visible_stage("at_risk", see_risk=True) == "at_risk"
	assert visible_stage("dormant", see_risk=False) == "dormant"
	rows = [
		{"stage": "first_purchase", "since": ago(200), "previous": None},
		{"stage": "active", "since": ago(150), "previous": "first_purchase"},
		{"stage": "at_risk", "since": ago(60), "previous": "active"},
		{"stage": "active", "since": ago(20), "previous": "at_risk"},
		{"stage": "dormant", "since": ago(5), "previous": "active"},
	]
	seen = visible_history(rows, see_risk=False)
	assert [(r["stage"], r["since"], r["previous"]) for r in seen] == [
		("first_purchase", ago(200), None),
		("active", ago(150), "first_purchase"),
		("dormant", ago(5), "active"),
	]
	assert len(visible_history(rows, see_risk=True)) == 5

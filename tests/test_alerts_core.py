from hypothesis import given
from hypothesis import strategies as st

from customer_360.core import alerts
from customer_360.core.risk import FLAG_TYPES


def test_a_drop_is_more_than_twenty_points():
	assert alerts.is_drop(80, 59)
	assert not alerts.is_drop(80, 60)  # exactly 20 is not "more than 20"
	assert not alerts.is_drop(None, 10)
	assert not alerts.is_drop(90, None)
	assert alerts.is_drop(50, 39, points=10)


def test_every_flag_type_has_a_next_step():
	assert set(alerts.NEXT_STEPS) == set(FLAG_TYPES)


def test_the_neutral_texts_name_no_score_flag_or_reason():
	a = alerts.flag_alert("CUST-1", "Acme", "overdue_payment", "2 invoices 45 days overdue (1,200.00)")
	assert "Overdue payment" in a.subject and "1,200.00" in a.detail and "payment reminder" in a.detail
	d = alerts.drop_alert("CUST-1", "Acme", 82, 51, ["\u221215: overdue amount tripled", ""])
	assert d.subject == "Health of Acme fell from 82 to 51 within 7 days"
	assert d.detail.splitlines() == [
		f"Suggested next step: {alerts.DROP_NEXT_STEP}",
		"\u221215: overdue amount tripled",
	]
	for text in (a.neutral_subject, d.neutral_subject, alerts.todo_text("Acme")):
		assert "Acme" in text
		for secret in ("82", "51", "overdue", "Overdue", "1,200", "flag", "health", "Health"):
			assert secret not in text


def test_churn_probability_follows_the_curve():
	assert alerts.churn_probability(None) is None
	assert alerts.churn_probability(100) == 0.05
	assert alerts.churn_probability(70) == 0.2
	assert alerts.churn_probability(40) == 0.45
	assert alerts.churn_probability(0) == 0.9
	assert alerts.churn_probability(55) == 0.325
	assert alerts.churn_probability(150) == 0.05 and alerts.churn_probability(-5) == 0.9


@given(st.integers(0, 99))
def test_churn_probability_falls_as_the_score_rises(score):
	assert alerts.churn_probability(score) > alerts.churn_probability(score + 1)

from hypothesis import given
from hypothesis import strategies as st

from customer_360.core import alerts
from customer_360.core.messages import Message
from customer_360.core.risk import FLAG_TYPES

OVERDUE = Message("overdue_invoices", {"count": 2, "days": 45, "owed": 1200.0, "oldest": 50})


def test_a_drop_is_more_than_twenty_points():
	assert alerts.is_drop(80, 59)
	assert not alerts.is_drop(80, 60)  # exactly 20 is not "more than 20"
	assert not alerts.is_drop(None, 10)
	assert not alerts.is_drop(90, None)
	assert alerts.is_drop(50, 39, points=10)


def test_every_flag_type_has_a_next_step():
	assert set(alerts.NEXT_STEPS) == set(FLAG_TYPES)


def test_the_neutral_texts_name_no_score_flag_or_reason():
	a = alerts.flag_alert("CUST-1", "Acme", "overdue_payment", OVERDUE)
	detail = a.detail_for(see_finance=True)
	assert "Overdue payment" in a.subject and "1,200" in detail and "payment reminder" in detail
	d = alerts.drop_alert(
		"CUST-1", "Acme", 82, 51, [Message("explain_overdue_tripled", {"points": -15}), None]
	)
	assert d.subject == "Health of Acme fell from 82 to 51 within 7 days"
	assert d.detail_for().splitlines() == [
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


def test_the_detail_carries_amounts_only_for_an_owner_who_may_see_finance():
	a = alerts.flag_alert("CUST-1", "Acme", "overdue_payment", OVERDUE)
	assert a.detail_for(see_finance=True).splitlines()[0] == (
		"2 invoices overdue more than 45 days (1,200 owed, oldest 50 days)"
	)
	without = a.detail_for(see_finance=False)
	assert without.splitlines()[0] == "2 invoices overdue more than 45 days (oldest 50 days)"
	assert "1,200" not in without and "payment reminder" in without
	drop = alerts.drop_alert(
		"CUST-1", "Acme", 82, 51, [Message("explain_overdue_new", {"points": -25, "amount": 6000.0})]
	)
	assert "6,000" in drop.detail_for(see_finance=True)
	assert "6,000" not in drop.detail_for(see_finance=False)
	assert "\u221225: an amount became overdue" in drop.detail_for(see_finance=False)
	# A person's words in a manual flag are theirs: passed through as written.
	assert "call me" in alerts.flag_alert("C", "Acme", "manual_flag", "call me").detail_for()

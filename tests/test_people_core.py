from datetime import date, datetime

from customer_360.core.people import ACCOUNT_ROLES, days_since, is_quiet, order_people, role_rank

TODAY = date(2026, 6, 30)


def test_quiet_after_n_days_and_never_contacted_is_quiet():
	assert is_quiet(None, TODAY, 60)
	assert is_quiet(date(2026, 5, 1), TODAY, 60)  # 60 days
	assert not is_quiet(date(2026, 5, 2), TODAY, 60)
	assert not is_quiet(datetime(2026, 6, 29, 23, 0), TODAY, 60)
	assert not is_quiet(None, TODAY, 0)  # 0 = off


def test_days_since():
	assert days_since(None, TODAY) is None
	assert days_since(datetime(2026, 6, 20, 8), TODAY) == 10
	assert days_since(date(2026, 7, 2), TODAY) == 0  # a future date is not negative


def test_order_primary_then_role_then_recency():
	people = [
		{"name": "a", "account_role": "Billing", "last_contact": date(2026, 6, 1)},
		{"name": "b", "account_role": None, "last_contact": date(2026, 6, 29)},
		{"name": "c", "account_role": "Executive Sponsor", "last_contact": None},
		{"name": "d", "account_role": "Billing", "last_contact": date(2026, 6, 20)},
		{"name": "e", "account_role": "Other", "is_primary": 1, "last_contact": None},
	]
	assert [p["name"] for p in order_people(people)] == ["e", "c", "d", "a", "b"]
	assert role_rank("Nonsense") == len(ACCOUNT_ROLES)

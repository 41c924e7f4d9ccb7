from datetime import date, timedelta

from customer_360.core import money
from customer_360.core.money import VoucherBalance as V

TODAY = date(2026, 11, 23)


def days_ago(n):
	return TODAY - timedelta(days=n)


def test_buckets_follow_the_report_ranges():
	assert money.bucket(days_ago(-1), TODAY) == "not_due"
	assert money.bucket(TODAY, TODAY) == "0_30"
	assert money.bucket(days_ago(30), TODAY) == "0_30"
	assert money.bucket(days_ago(31), TODAY) == "31_60"
	assert money.bucket(days_ago(60), TODAY) == "31_60"
	assert money.bucket(days_ago(61), TODAY) == "61_90"
	assert money.bucket(days_ago(90), TODAY) == "61_90"
	assert money.bucket(days_ago(91), TODAY) == "90_plus"
	assert money.bucket(None, TODAY) is None


def test_receivables_with_part_payment_advance_and_settled_vouchers():
	r = money.receivables(
		[
			V("Sales Invoice", "A", 700, days_ago(70)),
			V("Sales Invoice", "B", 500, days_ago(20)),
			V("Sales Invoice", "C", 200, days_ago(-30)),
			V("Sales Invoice", "D", 0.001, days_ago(200)),  # rounding dust: settled
			V("Payment Entry", "P", -150, TODAY),
		],
		TODAY,
	)
	assert r["outstanding"] == 1250
	assert r["overdue"] == 1200
	assert r["unallocated_advances"] == 150
	assert r["ageing"] == {"not_due": 200, "0_30": 350, "31_60": 0, "61_90": 700, "90_plus": 0}
	assert sum(r["ageing"].values()) == r["outstanding"]


def test_due_today_is_not_overdue_and_credit_notes_are_not_advances():
	r = money.receivables(
		[V("Sales Invoice", "A", 100, TODAY), V("Sales Invoice", "CN", -40, days_ago(3))], TODAY
	)
	assert r["overdue"] == 0
	assert r["unallocated_advances"] == 0
	assert r["outstanding"] == 60


def test_empty_has_zeros_not_negative_zero():
	r = money.receivables([], TODAY)
	assert r["outstanding"] == 0 and str(r["outstanding"]) == "0.0"
	assert set(r["ageing"]) == set(money.BUCKETS)


def test_average_days_to_pay():
	assert money.average_days_to_pay([]) is None
	assert money.average_days_to_pay([(days_ago(30), days_ago(10)), (days_ago(5), TODAY)]) == 12.5


def test_overdue_counts_owed_rows_past_their_date_only():
	r = money.receivables(
		[
			V("Sales Invoice", "A", 100, days_ago(10)),
			V("Sales Invoice", "CN-A", -100, days_ago(10)),
			V("Sales Invoice", "B", 50, days_ago(40)),
		],
		TODAY,
	)
	assert r["overdue"] == 150

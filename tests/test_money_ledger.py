"""The ledger's pure parts (core/money.py): the cursor that carries the running balance, the balance itself,
and dues over every open voucher."""

from datetime import date

import pytest

from customer_360.core import money

TODAY = date(2024, 6, 30)


def test_cursor_round_trip_keeps_the_balance():
	cursor = money.encode_ledger_cursor(date(2024, 3, 1), "ACC-GLE-0001", 1234.5)
	assert money.decode_ledger_cursor(cursor) == (date(2024, 3, 1), "ACC-GLE-0001", 1234.5)
	assert money.decode_ledger_cursor(money.encode_ledger_cursor(date(2024, 3, 1), "X", None))[2] is None


@pytest.mark.parametrize("bad", ["", "x", "W10", "WyIyMDI0LTAzLTAxIiwiIiwxXQ", "WyJub3QgYSBkYXRlIiwiWCIsMV0"])
def test_malformed_cursor_is_a_ledger_error(bad):
	with pytest.raises(money.LedgerError):
		money.decode_ledger_cursor(bad)


def test_running_balance_newest_first_continues_on_the_next_page():
	rows = [{"debit": 100, "credit": 0}, {"debit": 0, "credit": 30}, {"debit": 50, "credit": 0}]
	below = money.with_running_balance(rows, 120.0)
	assert [r["balance"] for r in rows] == [120.0, 20.0, 50.0]
	assert below == 0.0
	page2 = [{"debit": 0, "credit": 10}]
	money.with_running_balance(page2, below)
	assert page2[0]["balance"] == 0.0


def test_filtered_view_has_no_balance():
	rows = [{"debit": 1, "credit": 0}]
	assert money.with_running_balance(rows, None) is None
	assert rows[0]["balance"] is None


def v(outstanding, due, vt="Sales Invoice"):
	return money.VoucherBalance(vt, f"V-{outstanding}-{due}", outstanding, due)


def test_dues_over_every_open_voucher():
	balances = [v(100 + i, date(2023, 1, 1 + i)) for i in range(15)]  # more than any list shows
	balances += [v(40, date(2024, 7, 10)), v(5, TODAY), v(60, date(2024, 8, 30))]  # soon, today, later
	balances += [v(-80, date(2024, 1, 1), "Payment Entry"), v(0.001, date(2023, 1, 1))]  # advance, settled
	out = money.due_summary(balances, TODAY)
	assert out["overdue_count"] == 15
	assert out["overdue_total"] == sum(100 + i for i in range(15))
	assert out["largest_overdue"] == 114
	assert out["oldest_overdue_days"] == (TODAY - date(2023, 1, 1)).days
	assert (out["due_soon_count"], out["due_soon_total"]) == (2, 45)


def test_no_dues():
	out = money.due_summary([], TODAY)
	assert out["overdue_count"] == out["due_soon_count"] == 0
	assert out["overdue_total"] == out["largest_overdue"] == 0.0

from customer_360.core import product_mix as mix
from customer_360.core.product_mix import Amount as A


def test_the_group_with_the_largest_net_revenue_wins_returns_netted():
	amounts = [
		A("C1", "EUR", "Hardware", 500.0),
		A("C1", "EUR", "Services", 300.0),
		A("C1", "EUR", "Hardware", -400.0),  # a credit note: Hardware nets to 100
		A("C2", "EUR", "Hardware", 50.0),
	]
	assert mix.dominant_groups(amounts, {}) == {"C1": "Services", "C2": "Hardware"}


def test_nothing_positive_means_no_segment():
	amounts = [
		A("C1", "EUR", "Hardware", 100.0),
		A("C1", "EUR", "Hardware", -100.0),
		A("C2", "EUR", "X", -5.0),
	]
	assert mix.dominant_groups(amounts, {}) == {}


def test_ties_go_to_the_first_group_by_name():
	amounts = [A("C1", "EUR", "Zeta", 10.0), A("C1", "EUR", "Alpha", 10.0)]
	assert mix.dominant_groups(amounts, {}) == {"C1": "Alpha"}


def test_one_currency_needs_no_rate_several_are_ranked_converted():
	# One currency: no rate at all is needed.
	assert mix.dominant_groups([A("C1", "JPY", "A", 1.0), A("C1", "JPY", "B", 2.0)], {}) == {"C1": "B"}
	# 1,000 JPY of B is less than 10 EUR of A once converted; unconverted it would win.
	amounts = [A("C1", "EUR", "A", 10.0), A("C1", "JPY", "B", 1000.0)]
	assert mix.dominant_groups(amounts, {"EUR": 1.0, "JPY": 0.006}) == {"C1": "A"}
	# A currency without a rate is left out of the ranking, not compared unconverted.
	assert mix.dominant_groups(amounts, {"EUR": 1.0}) == {"C1": "A"}
	assert mix.dominant_groups(amounts, {"EUR": 1.0, "JPY": 0.02}) == {"C1": "B"}


def test_rows_per_segment_and_currency_with_shares_of_that_currency():
	amounts = [
		A("C1", "EUR", "Hardware", 600.0),
		A("C1", "EUR", "Services", 200.0),
		A("C2", "EUR", "Services", 200.0),
		A("C2", "USD", "Services", 50.0),
		A("C3", "USD", "Hardware", 150.0),
		A("OTHER", "EUR", "Hardware", 10**6),  # not among the customers asked about
	]
	dominant = mix.dominant_groups(amounts, {"EUR": 1.0, "USD": 1.0})
	rows = mix.segment_rows(["C1", "C2", "C3", "C4"], amounts, dominant)
	got = {(r.segment, r.currency): r for r in rows}
	assert set(got) == {
		("Hardware", "EUR"),
		("Hardware", "USD"),
		("Services", "EUR"),
		("Services", "USD"),
		(None, ""),
	}
	hw_eur = got[("Hardware", "EUR")]
	assert (hw_eur.customers, hw_eur.revenue, hw_eur.group_revenue, hw_eur.share) == (1, 800.0, 600.0, 80.0)
	assert got[("Services", "EUR")].share == 20.0
	assert got[("Hardware", "USD")].share == 75.0  # of the USD total (200), never of EUR + USD
	assert got[("Services", "USD")].revenue == 50.0
	nothing = got[(None, "")]
	assert (nothing.customers, nothing.revenue, nothing.share) == (1, 0.0, None)
	# Per currency the shares add up to 100: nothing from another currency crept in.
	for currency in ("EUR", "USD"):
		assert sum(r.share for r in rows if r.currency == currency) == 100.0
	# Bigger segments first, the customers without purchases last.
	assert rows[-1].segment is None
	assert [r.segment for r in rows[:2]] == ["Hardware", "Hardware"]


def test_a_negative_currency_total_has_no_share():
	amounts = [A("C1", "EUR", "A", 100.0), A("C2", "USD", "A", 20.0), A("C2", "USD", "A", -50.0)]
	dominant = mix.dominant_groups(amounts, {"EUR": 1.0, "USD": 1.0})
	assert dominant == {"C1": "A"}
	rows = {(r.segment, r.currency): r for r in mix.segment_rows(["C1", "C2"], amounts, dominant)}
	assert rows[(None, "USD")].revenue == -30.0
	assert rows[(None, "USD")].share is None
	assert rows[("A", "EUR")].share == 100.0


def test_counts_without_figures():
	dominant = {"C1": "Hardware", "C2": "Hardware", "C3": ""}
	assert mix.segment_counts(["C1", "C2", "C3", "C4"], dominant) == [
		("Hardware", 2, 50.0),
		("", 1, 25.0),
		(None, 1, 25.0),
	]


def test_a_tiny_negative_share_is_zero_not_minus_zero():
	amounts = [A("C1", "EUR", "A", 1000.0), A("C2", "EUR", "A", 0.1), A("C2", "EUR", "A", -0.2)]
	rows = {r.segment: r for r in mix.segment_rows(["C1", "C2"], amounts, mix.dominant_groups(amounts, {}))}
	assert str(rows[None].share) == "0.0"
	assert rows["A"].share == 100.0


def test_without_any_rate_a_buyer_is_ranked_in_its_first_currency_not_dropped():
	amounts = [A("C1", "JPY", "B", 1000.0), A("C1", "EUR", "A", 10.0), A("C1", "JPY", "C", 5.0)]
	assert mix.dominant_groups(amounts, {}) == {"C1": "A"}  # EUR comes first; JPY is not compared unconverted
	assert mix.dominant_groups(amounts, {"JPY": 0.006}) == {"C1": "B"}  # the one rate known ranks JPY alone

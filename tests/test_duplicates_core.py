from dataclasses import FrozenInstanceError
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_360.core import duplicates as dup
from customer_360.core.duplicates import CustomerRecord as R


def test_emails_are_trimmed_and_lowercased_but_dots_and_tags_kept():
	assert dup.normalize_email("  Buyer@ACME.com ") == "buyer@acme.com"
	# Business addresses: a.b@ and ab@ are usually two people, so no gmail-style folding.
	assert dup.normalize_email("First.Last+orders@acme.com") == "first.last+orders@acme.com"


@pytest.mark.parametrize(
	"bad", [None, "", "   ", "no-at-sign", "@acme.com", "buyer@", "a b@acme.com", "a@b@c"]
)
def test_invalid_emails_are_none(bad):
	assert dup.normalize_email(bad) is None


def test_one_phone_number_written_three_ways_agrees():
	forms = ["+44 20 7946 0958", "020 7946 0958", "0044-20-79460958", "(020) 7946-0958"]
	assert {dup.normalize_phone(f) for f in forms} == {"79460958"}
	assert dup.normalize_phone("+1 415 555 0132") == dup.normalize_phone("(415) 555-0132") == "155550132"


def test_short_and_empty_phones_are_none_but_local_numbers_are_kept():
	assert dup.normalize_phone("123-456") == "123456"
	assert dup.normalize_phone("ext. 12345") is None
	assert dup.normalize_phone("0000000012") is None  # leading zeros are not significant digits
	assert dup.normalize_phone(None) is None
	assert dup.normalize_phone("n/a") is None


@given(st.text(alphabet="0123456789+-() x", max_size=24))
def test_normalize_phone_is_a_fixed_point_on_its_output(raw):
	out = dup.normalize_phone(raw)
	if out is not None:
		assert out.isdigit() and 6 <= len(out) <= 9
		assert dup.normalize_phone(out) == out


def test_tax_ids_keep_uppercase_alphanumerics_and_reject_placeholders():
	assert dup.normalize_tax_id(" gb 123-456 789 ") == "GB123456789"
	for placeholder in ["N/A", "abc", "0000000", "XXXX", "none", "Not Applicable", "", None]:
		assert dup.normalize_tax_id(placeholder) is None, placeholder


def test_names_lose_case_accents_punctuation_and_legal_forms():
	assert dup.normalize_name("The Acme Co., Ltd.") == "acme"
	assert dup.normalize_name("ACME  Limited") == "acme"
	assert dup.normalize_name("Acme S.A.") == dup.normalize_name("Acme SA") == "acme"
	assert dup.normalize_name("Müller & Söhne GmbH") == "muller sohne"
	assert dup.normalize_name("Smith and Sons") == dup.normalize_name("Smith & Sons") == "smith sons"
	assert dup.normalize_name("Große-Bau AG") == "grosse bau"


def test_a_name_made_only_of_legal_words_is_kept_and_empty_names_are_empty():
	assert dup.normalize_name("The Company") == "the company"
	assert dup.normalize_name("") == dup.normalize_name(None) == ""


def test_addresses_unify_abbreviations_and_drop_punctuation():
	assert dup.normalize_address("12, Main Street, London") == dup.normalize_address("12 main st. london")
	assert dup.normalize_address("5 Park Avenue, Zürich, 8001") == "5 park ave zurich 8001"
	assert dup.normalize_address("Rd. 9, Pune") == "rd 9 pune"


def test_one_word_or_empty_addresses_identify_nobody():
	assert dup.normalize_address("London") is None
	assert dup.normalize_address(" , ") is None
	assert dup.normalize_address(None) is None


def test_blocking_keys_of_a_full_record():
	record = R(
		"C1",
		"Acme Widgets Europe Ltd",
		emails=("B@acme.com", "not-an-email"),
		phones=("+44 20 7946 0958",),
		tax_id="gb123456789",
		addresses=("1 Main Street, London",),
	)
	assert dup.blocking_keys(record) == {
		"e:b@acme.com",
		"p:79460958",
		"t:GB123456789",
		"a:1 main st london",
		"n:acme widgets",
		"ns:acme europe widgets",
		"np:acmewi",
	}


def test_a_bare_short_name_has_only_its_name_key():
	assert dup.blocking_keys(R("C1", "Ace")) == {"n:ace"}
	assert dup.blocking_keys(R("C1", "")) == set()


def test_candidates_found_through_a_phone_written_differently():
	records = [
		R("A", "Acme Widgets", phones=("+44 20 7946 0958",)),
		R("B", "Zenith Tools", phones=("020 7946 0958",)),
		R("C", "Other Things", phones=("020 7946 0000",)),
	]
	assert dup.candidate_pairs(records) == {("A", "B")}


def test_candidates_found_through_names_typo_reordered_or_respaced():
	records = [
		R("A", "Acme Widgets Ltd"),
		R("B", "ACME Widgetz"),  # typo late in the name: prefix key
		R("C", "Widgets Acme Europe"),  # first two words swapped: n key
		R("D", "AcmeWidgets"),  # spacing: prefix key
		R("E", "Zenith"),
	]
	pairs = dup.candidate_pairs(records)
	assert {("A", "B"), ("A", "C"), ("A", "D")} <= pairs
	assert not any("E" in p for p in pairs)


def test_oversized_blocks_are_skipped_and_reported():
	crowd = [R(f"C{i}", f"Firm{i}", emails=("info@acme.com",)) for i in range(5)]
	skipped = {}
	assert dup.candidate_pairs(crowd, max_block=4, skipped=skipped) == set()
	assert skipped == {"e:info@acme.com": 5}
	# A block of exactly max_block is still used.
	assert len(dup.candidate_pairs(crowd, max_block=5)) == 10


def test_candidate_pairs_are_sorted_and_unique_even_with_repeated_records():
	a, b = R("B", "Acme", emails=("x@acme.com",)), R("A", "Acme", emails=("x@acme.com",))
	assert dup.candidate_pairs([a, b, a]) == {("A", "B")}


def test_same_email_and_same_name_score_with_reasons():
	m = dup.score_pair(
		R("B", "ACME Limited", emails=("buyer@acme.com",)), R("A", "Acme Ltd", emails=("Buyer@Acme.com",))
	)
	assert (m.a, m.b, m.score) == ("A", "B", 85)
	assert m.reasons == ["same email buyer@acme.com", "same name"]


def test_same_phone_reason_shows_only_the_last_digits_and_names_give_partial_points():
	m = dup.score_pair(
		R("A", "Acme Widgets", phones=("+44 20 7946 0958",)),
		R("B", "Acme Widgetz", phones=("020 7946 0958",)),
	)
	# 35 for the phone + 29 for names 91.7% alike (20 at 85%, 40 at 100%).
	assert m.score == 64
	assert m.reasons == ["same phone …0958", "names 91% alike"]


def test_a_tax_id_alone_reaches_the_threshold_and_address_alone_does_not():
	tax = dup.score_pair(R("A", "Alpha", tax_id="GB123456789"), R("B", "Omega", tax_id="gb 123 456 789"))
	assert (tax.score, tax.reasons) == (60, ["same tax id"])
	assert tax.score >= dup.DEFAULT_THRESHOLD
	place = dup.score_pair(
		R("A", "Alpha", addresses=("1 Main St, Pune",)), R("B", "Omega", addresses=("1 main street pune",))
	)
	assert (place.score, place.reasons) == (25, ["same address"])


def test_a_name_alone_even_identical_stays_below_the_threshold():
	m = dup.score_pair(R("A", "John Smith"), R("B", "John Smith"))
	assert m.score == 40 < dup.DEFAULT_THRESHOLD
	weak = dup.score_pair(R("A", "Acme Widgets"), R("B", "Acme Wodgets Intl"))
	assert weak.score < dup.DEFAULT_THRESHOLD


def test_dissimilar_names_add_nothing():
	m = dup.score_pair(R("A", "Acme", emails=("x@y.com",)), R("B", "Apex", emails=("x@y.com",)))
	assert (m.score, m.reasons) == (45, ["same email x@y.com"])


def test_different_tax_ids_count_against_a_match_and_the_score_stays_in_range():
	m = dup.score_pair(
		R("A", "Acme", emails=("books@accountant.com",), tax_id="GB111111119"),
		R("B", "Acme", emails=("books@accountant.com",), tax_id="GB222222229"),
	)
	assert (m.score, m.reasons) == (65, ["same email books@accountant.com", "same name", "different tax ids"])
	assert dup.score_pair(R("A", "X", tax_id="GB111111119"), R("B", "Y", tax_id="GB222222229")).score == 0


def test_the_score_is_capped_at_100():
	kw = dict(
		emails=("a@acme.com",),
		phones=("020 7946 0958",),
		tax_id="GB123456789",
		addresses=("1 Main St, Pune",),
	)
	m = dup.score_pair(R("A", "Acme", **kw), R("B", "Acme Ltd", **kw))
	assert m.score == 100
	assert m.reasons == [
		"same tax id",
		"same email a@acme.com",
		"same phone …0958",
		"same address",
		"same name",
	]


names = st.sampled_from(
	["Acme Ltd", "ACME", "Acme Widgets", "Acme Widgetz", "Zenith", "John Smith", "Jon Smith", ""]
)
emails = st.lists(st.sampled_from(["a@acme.com", "b@acme.com", "info@x.com"]), max_size=2).map(tuple)
phones = st.lists(
	st.sampled_from(["+44 20 7946 0958", "020 7946 0958", "020 7946 0000", "555 1234"]), max_size=2
).map(tuple)
taxes = st.sampled_from([None, "GB123456789", "gb 123456789", "GB999999999"])
addresses = st.lists(
	st.sampled_from(["1 Main Street, Pune", "1 main st pune", "2 High Rd, Lyon"]), max_size=1
).map(tuple)


def records(name):
	return st.builds(R, st.just(name), names, emails, phones, taxes, addresses)


@given(records("A"), records("B"))
def test_score_pair_is_symmetric(a, b):
	assert dup.score_pair(a, b) == dup.score_pair(b, a)


@given(st.integers(0, 7).flatmap(lambda n: st.tuples(*(records(f"C{i}") for i in range(n)))))
def test_blocking_loses_no_pair_that_brute_force_finds(recs):
	# The module's claim: any pair scoring above the name's 40 points shares an exact key, so find_matches
	# (which then uses exact keys only) equals scoring every pair; at low thresholds name keys join in.
	for threshold in (dup.DEFAULT_THRESHOLD, 45, 1):
		brute = [dup.score_pair(a, b) for a, b in combinations(recs, 2)]
		if threshold == 1:
			# Names too different to share a name key may still be 85% alike; blocking knowingly drops those.
			brute = [m for m in brute if {(m.a, m.b)} <= dup.candidate_pairs(recs)]
		expected = sorted((m for m in brute if m.score >= threshold), key=lambda m: (-m.score, m.a, m.b))
		assert dup.find_matches(recs, threshold) == expected


def test_find_matches_sorts_best_first_and_applies_the_threshold():
	records = [
		R("A", "Acme", emails=("a@acme.com",), tax_id="GB123456789"),
		R("B", "Acme Ltd", emails=("a@acme.com",), tax_id="GB123456789"),
		R("C", "Acme Widgets", phones=("020 7946 0958",)),
		R("D", "Acme Widgetz", phones=("+44 20 7946 0958",)),
		R("E", "Zenith", phones=("+44 20 7946 0958",)),
	]
	found = dup.find_matches(records)
	assert [(m.a, m.b, m.score) for m in found] == [("A", "B", 100), ("C", "D", 64)]
	assert [(m.a, m.b) for m in dup.find_matches(records, threshold=35)][-2:] == [("C", "E"), ("D", "E")]


def test_values_of_skipped_blocks_stop_counting_as_evidence():
	crowd = [R(f"C{i}", f"Person{i} Name{i}", emails=("info@gmail.com",)) for i in range(4)]
	crowd += [
		R("X", "Acme", emails=("info@gmail.com",), phones=("020 7946 0958",)),
		R("Y", "Acme Ltd", emails=("info@gmail.com",), phones=("020 7946 0958",)),
	]
	skipped = {}
	found = dup.find_matches(crowd, max_block=5, skipped=skipped)
	assert skipped == {"e:info@gmail.com": 6}
	assert [(m.a, m.b, m.score, m.reasons) for m in found] == [
		("X", "Y", 75, ["same phone …0958", "same name"])
	]


def test_disabled_customers_are_matched_like_any_other():
	a = R("A", "Acme", emails=("a@acme.com",), disabled=True)
	assert [m.b for m in dup.find_matches([a, R("B", "Acme", emails=("a@acme.com",))])] == ["B"]


def match(a, b, score):
	return dup.Match(a, b, score, [])


def test_groups_are_transitive_and_sorted():
	groups = dup.group_matches(
		[match("A", "B", 70), match("D", "E", 90), match("B", "C", 95), match("F", "G", 60)]
	)
	assert [(g.names, g.score) for g in groups] == [(["A", "B", "C"], 95), (["D", "E"], 90), (["F", "G"], 60)]
	assert [(m.a, m.b) for m in groups[0].matches] == [("B", "C"), ("A", "B")]


def test_groups_merge_when_a_late_match_joins_two_chains():
	groups = dup.group_matches(
		[match("A", "B", 70), match("C", "D", 70), match("B", "C", 65), match("X", "Y", 70)]
	)
	assert [g.names for g in groups] == [["A", "B", "C", "D"], ["X", "Y"]]
	assert len(groups[0].matches) == 3
	assert dup.group_matches([]) == []


def test_duplicates_of_one_customer_for_the_form_warning():
	me = R("ME", "Acme Ltd", emails=("a@acme.com",), phones=("020 7946 0958",))
	others = [
		me,
		R("P", "ACME", emails=("a@acme.com",)),  # 45 + 40
		R("Q", "Acme Widgets", phones=("+44 20 7946 0958",), emails=("a@acme.com",)),  # 45 + 35
		R("R", "Acme", phones=("0000 123",)),  # name only: 40
		R("S", "Zenith"),
	]
	found = dup.duplicates_of(me, others, dup.DEFAULT_THRESHOLD)
	assert [(m.other("ME"), m.score) for m in found] == [("P", 85), ("Q", 80)]
	assert [m.other("ME") for m in dup.duplicates_of(me, others, threshold=40)] == ["P", "Q", "R"]


def test_records_are_immutable():
	with pytest.raises(FrozenInstanceError):
		R("A", "Acme").name = "B"

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_360.core import merge_plan as mp
from customer_360.core.merge_plan import DELETED, MergeError
from customer_360.core.merge_plan import ManifestRow as Row

EXISTS = {"A": True, "B": True, "C": True, "OLD": True}
NONE_DISABLED = {}


def validate(survivor, losers, exists=EXISTS, disabled=NONE_DISABLED, locked=frozenset()):
	return mp.validate_request(survivor, losers, exists, disabled, set(locked))


def test_valid_request_returns_trimmed_unique_losers_in_order():
	assert validate("A", [" C ", "B", "C", "", None]) == ["C", "B"]


@pytest.mark.parametrize(
	"survivor, losers, kwargs, message",
	[
		("", ["B"], {}, "choose the customer that survives the merge"),
		("A", [], {}, "choose at least one duplicate to merge into the survivor"),
		("A", ["  ", ""], {}, "choose at least one duplicate to merge into the survivor"),
		("A", ["B", " A"], {}, "cannot merge a customer into itself: A"),
		("A", ["Y", "B", "X"], {}, "unknown customer(s): X, Y"),
		("Z", ["B"], {}, "unknown customer(s): Z"),
		("A", ["B"], {"exists": {**EXISTS, "B": False}}, "unknown customer(s): B"),
		(
			"A",
			["B"],
			{"disabled": {"A": True}},
			"the surviving customer A is disabled; enable it or choose another survivor",
		),
		(
			"A",
			["B", "C"],
			{"locked": {"C", "A", "OTHER"}},
			"already being merged or unmerged: A, C; try again when that finishes",
		),
	],
)
def test_bad_requests_are_refused_with_a_clear_message(survivor, losers, kwargs, message):
	with pytest.raises(MergeError) as e:
		validate(survivor, losers, **kwargs)
	assert str(e.value) == message


def test_a_disabled_duplicate_may_be_merged_and_merge_error_is_a_value_error():
	assert validate("A", ["OLD"], disabled={"OLD": True}) == ["OLD"]
	assert issubclass(MergeError, ValueError)


FIELDS = {
	"customer_group": "Customer Group",
	"tax_id": "Tax ID",
	"website": "Website",
	"territory": "Territory",
}


def test_conflicts_list_only_fields_with_different_non_empty_values():
	survivor = {
		"name": "A",
		"customer_group": "Retail",
		"tax_id": "",
		"website": "acme.com",
		"territory": "UK",
	}
	losers = [
		{
			"name": "B",
			"customer_group": "Wholesale",
			"tax_id": "GB1",
			"website": "acme.com ",
			"territory": None,
		},
		{"name": "C", "customer_group": None, "tax_id": "GB2", "website": "acme.com"},
	]
	conflicts = mp.field_conflicts(survivor, losers, FIELDS)
	assert [(c.field, c.label, c.values) for c in conflicts] == [
		("customer_group", "Customer Group", {"A": "Retail", "B": "Wholesale"}),
		("tax_id", "Tax ID", {"B": "GB1", "C": "GB2"}),
	]
	assert list(conflicts[0].values) == ["A", "B"]  # survivor first, as the default choice


def test_no_conflicts_when_losers_only_fill_gaps_or_agree():
	survivor = {"name": "A", "customer_group": "Retail", "tax_id": None}
	assert (
		mp.field_conflicts(survivor, [{"name": "B", "customer_group": "Retail", "tax_id": "GB1"}], FIELDS)
		== []
	)
	assert mp.field_conflicts(survivor, [], FIELDS) == []


SURVIVOR = {"name": "A", "customer_group": "Retail", "tax_id": "", "website": None, "territory": "UK"}
LOSERS = [
	{"name": "B", "customer_group": "Wholesale", "tax_id": "", "website": "b.com", "territory": "India"},
	{"name": "C", "customer_group": "Export", "tax_id": "GB2", "website": "c.com", "territory": ""},
]


def test_resolve_keeps_the_survivor_by_default_and_fills_its_gaps_from_the_first_loser_with_a_value():
	# tax_id: B is empty too, so C's value fills the gap; website: B comes first.
	assert mp.resolve_fields(SURVIVOR, LOSERS, FIELDS, {}) == {"tax_id": "GB2", "website": "b.com"}


def test_resolve_applies_chosen_values_and_skips_no_op_choices():
	updates = mp.resolve_fields(
		SURVIVOR, LOSERS, FIELDS, {"customer_group": "C", "territory": "A", "website": "C"}
	)
	assert updates == {"customer_group": "Export", "tax_id": "GB2", "website": "c.com"}


def test_an_explicit_choice_of_an_empty_value_is_honoured():
	assert mp.resolve_fields(SURVIVOR, LOSERS, FIELDS, {"territory": "C"})["territory"] == ""


def test_resolve_refuses_choices_outside_the_merge():
	with pytest.raises(MergeError, match=r"^customer_group: Z is not one of the customers being merged$"):
		mp.resolve_fields(SURVIVOR, LOSERS, FIELDS, {"customer_group": "Z"})
	with pytest.raises(MergeError, match=r"^no such field to choose: credit_limit, name$"):
		mp.resolve_fields(SURVIVOR, LOSERS, FIELDS, {"name": "B", "credit_limit": "B"})


def test_manifest_rows_check_their_kind_and_serialise():
	row = Row("Sales Invoice", "SINV-1", "customer", "B", "A")
	assert row.kind == "link" and row.key == ("Sales Invoice", "SINV-1", "customer")
	assert row.as_dict() == {
		"doctype": "Sales Invoice",
		"name": "SINV-1",
		"field": "customer",
		"old_value": "B",
		"new_value": "A",
		"kind": "link",
	}
	assert Row(**row.as_dict()) == row
	with pytest.raises(ValueError, match="unknown manifest row kind: table"):
		Row("Sales Invoice", "SINV-1", "customer", "B", "A", "table")


ROWS = [
	Row("Sales Invoice", "SINV-2", "customer", "B", "A"),
	Row("Address", "ADDR-1", "link_name", "B", "A", "child"),
	Row("Sales Invoice", "SINV-1", "customer", "B", "A"),
	Row("Payment Entry", "PE-1", "party", "C", "A", "party"),
	Row("ToDo", "TD-1", "reference_name", "B", "A", "dynamic"),
]


def current_values(**changes):
	values = {row.key: row.new_value for row in ROWS}
	values.update(changes)
	return values


def test_undo_is_safe_when_every_row_still_points_at_the_survivor():
	assert mp.undo_blockers(ROWS, current_values(), True, {"B": False, "C": False}) == []


def test_every_kind_of_undo_blocker_is_listed():
	current = current_values()
	current[("Sales Invoice", "SINV-2", "customer")] = "OTHER"  # re-pointed by someone since
	current[("ToDo", "TD-1", "reference_name")] = DELETED  # document deleted
	del current[("Address", "ADDR-1", "link_name")]  # not found at all: deleted too
	current[("Payment Entry", "PE-1", "party")] = None  # link cleared
	blockers = mp.undo_blockers(ROWS, current, False, {"B": True, "C": False}, survivor="A")
	assert [str(b) for b in blockers] == [
		"Customer A: the surviving customer no longer exists",
		"Customer B: the name is used by another customer now; rename that one before undoing",
		"Address ADDR-1 (link_name): deleted since the merge; cannot restore its link",
		"Payment Entry PE-1 (party): changed since the merge: expected 'A', found ''",
		"Sales Invoice SINV-2 (customer): changed since the merge: expected 'A', found 'OTHER'",
		"ToDo TD-1 (reference_name): deleted since the merge; cannot restore its link",
	]
	changed = blockers[4]
	assert (changed.doctype, changed.name, changed.field, changed.expected, changed.found) == (
		"Sales Invoice",
		"SINV-2",
		"customer",
		"A",
		"OTHER",
	)
	assert blockers[2].found == "deleted"


def test_current_values_are_compared_as_text():
	rows = [Row("Sales Order", "SO-1", "idx", "1", "2")]
	assert mp.undo_blockers(rows, {("Sales Order", "SO-1", "idx"): 2}, True, {}) == []


def test_undo_plan_swaps_values_in_a_deterministic_order():
	plan = mp.undo_plan(ROWS)
	assert [(r.doctype, r.name, r.old_value, r.new_value, r.kind) for r in plan] == [
		("Address", "ADDR-1", "A", "B", "child"),
		("Payment Entry", "PE-1", "A", "C", "party"),
		("Sales Invoice", "SINV-1", "A", "B", "link"),
		("Sales Invoice", "SINV-2", "A", "B", "link"),
		("ToDo", "TD-1", "A", "B", "dynamic"),
	]
	assert mp.undo_plan(reversed(ROWS)) == plan


def test_a_field_listed_twice_is_restored_once_to_its_first_recorded_value():
	rows = [Row("Issue", "I-1", "customer", "B", "A"), Row("Issue", "I-1", "customer", "C", "A")]
	assert mp.undo_plan(rows) == [Row("Issue", "I-1", "customer", "A", "B")]


keys = st.tuples(
	st.sampled_from(["Issue", "Quotation", "ToDo"]), st.sampled_from(["1", "2", "3"]), st.just("f")
)
manifest = st.dictionaries(keys, st.tuples(st.sampled_from("BCD"), st.sampled_from("AE")), max_size=9).map(
	lambda d: [Row(*k, old, new) for k, (old, new) in d.items()]
)


@given(manifest)
def test_undoing_an_undo_plan_gives_back_the_manifest(rows):
	assert mp.undo_plan(mp.undo_plan(rows)) == sorted(rows, key=lambda r: r.key)


@given(manifest)
def test_after_applying_the_merge_nothing_blocks_and_the_plan_restores_old_values(rows):
	after_merge = {r.key: r.new_value for r in rows}
	assert mp.undo_blockers(rows, after_merge, True, {}) == []
	restored = {**after_merge, **{r.key: r.new_value for r in mp.undo_plan(rows)}}
	assert restored == {r.key: r.old_value for r in rows}


def test_preview_counts_documents_per_doctype_most_first():
	rows = [
		*ROWS,
		Row("Payment Entry", "PE-1", "party_name", "C", "A"),  # same document, second field: counted once
		Row("Payment Entry", "PE-2", "party", "B", "A", "party"),
		Row("Payment Entry", "PE-3", "party", "B", "A", "party"),
	]
	counts = mp.preview_counts(rows)
	assert counts == {"Payment Entry": 3, "Sales Invoice": 2, "Address": 1, "ToDo": 1}
	assert list(counts) == ["Payment Entry", "Sales Invoice", "Address", "ToDo"]
	assert mp.preview_counts([]) == {}


def test_lock_keys_collide_whatever_the_order():
	assert mp.lock_keys(["B", "A", " B", ""]) == ["customer_360:merge_lock:A", "customer_360:merge_lock:B"]
	assert mp.lock_keys(["A", "B"]) == mp.lock_keys(["B", "A"])
	assert set(mp.lock_keys(["C", "B"])) & set(mp.lock_keys(["A", "B"])) == {"customer_360:merge_lock:B"}


def test_request_shape_needs_no_database_and_caps_the_duplicates():
	assert mp.request_shape(" A ", ["B", "B ", "C"]) == ("A", ["B", "C"])
	with pytest.raises(MergeError) as e:
		mp.request_shape("A", [f"L{i}" for i in range(21)], max_losers=20)
	assert (e.value.code, e.value.params) == ("too_many", {"limit": 20})


@pytest.mark.parametrize(
	"kwargs, code, params",
	[
		({"survivor": "", "losers": ["B"]}, "no_survivor", {}),
		({"survivor": "A", "losers": ["A"]}, "itself", {"customer": "A"}),
		({"survivor": "A", "losers": ["Y", "X"]}, "unknown", {"customers": ["X", "Y"]}),
		({"survivor": "A", "losers": ["B"], "disabled": {"A": True}}, "disabled", {"customer": "A"}),
		({"survivor": "A", "losers": ["B", "C"], "locked": {"C", "A"}}, "busy", {"customers": ["A", "C"]}),
	],
)
def test_merge_errors_carry_a_code_and_the_values_for_the_adapter_to_render(kwargs, code, params):
	with pytest.raises(MergeError) as e:
		validate(**kwargs)
	assert (e.value.code, e.value.params) == (code, params)


def test_field_choice_errors_carry_a_code():
	with pytest.raises(MergeError) as e:
		mp.resolve_fields(SURVIVOR, LOSERS, FIELDS, {"customer_group": "Z"})
	assert (e.value.code, e.value.params) == ("not_merged", {"field": "customer_group", "customer": "Z"})


@pytest.mark.parametrize(
	"status, kwargs, dead",
	[
		(None, {"seconds_in_state": 5}, False),  # enqueued after commit: not in Redis yet
		(None, {"seconds_in_state": 600}, True),  # never enqueued, or expired: nobody will run it
		("queued", {"seconds_in_state": 86400}, False),  # a long queue is not a death
		("deferred", {"seconds_in_state": 86400}, False),
		("started", {"seconds_in_state": 3600, "worker_alive": True, "heartbeat_age": 20}, False),
		("started", {"seconds_in_state": 60, "worker_alive": False, "heartbeat_age": 20}, True),
		("started", {"seconds_in_state": 600, "worker_alive": None, "heartbeat_age": 900}, True),
		("started", {"seconds_in_state": 600, "worker_alive": None, "heartbeat_age": None}, False),
		("failed", {"seconds_in_state": 1}, True),
		("stopped", {"seconds_in_state": 1}, True),
		("finished", {"seconds_in_state": 1}, True),
	],
)
def test_a_job_is_dead_when_nothing_will_finish_its_log(status, kwargs, dead):
	assert mp.job_is_dead(status, **kwargs) is dead

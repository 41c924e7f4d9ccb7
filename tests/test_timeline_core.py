import base64
import json
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_360.core import timeline as core


def b64(raw: bytes) -> str:
	return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def make_event(**kwargs):
	values = {
		"customer": "CUST-0001",
		"event_time": datetime(2024, 3, 5, 10, 0),
		"event_type": "money",
		"kind": "invoice_submitted",
		"source_doctype": "Sales Invoice",
		"source_name": "ACC-SINV-2024-00001",
		"title": "Invoice ACC-SINV-2024-00001",
	}
	values.update(kwargs)
	return core.Event(**values)


# ---------------------------------------------------------------- event identity

KEY = ("Sales Invoice", "ACC-SINV-2024-00001", "invoice_submitted", "CUST-0001")


def test_event_name_is_deterministic_and_prefixed():
	name = core.event_name(*KEY)
	assert name == core.event_name(*KEY)
	assert name.startswith("TE-")
	assert len(name) == 23
	int(name[3:], 16)  # hex digest


@pytest.mark.parametrize("position", range(4))
def test_event_name_differs_when_any_key_part_differs(position):
	other = list(KEY)
	other[position] = other[position] + "x"
	assert core.event_name(*other) != core.event_name(*KEY)


def test_event_name_does_not_collide_when_parts_shift_across_boundaries():
	assert core.event_name("Sales", "Invoice X", "k", "c") != core.event_name("Sales Invoice", "X", "k", "c")


def test_event_defaults_its_name_from_identity_and_keeps_explicit_name():
	assert make_event().name == core.event_name(*KEY)
	assert make_event(name="TE-custom").name == "TE-custom"


# ---------------------------------------------------------------- event validation


def test_unknown_event_type_raises_value_error():
	with pytest.raises(ValueError, match="bogus"):
		make_event(event_type="bogus")


@pytest.mark.parametrize("event_type", core.EVENT_TYPES)
def test_every_known_event_type_is_accepted(event_type):
	assert make_event(event_type=event_type).event_type == event_type


def test_long_title_is_clipped_to_140_with_ellipsis():
	event = make_event(title="x" * 500)
	assert len(event.title) == core.TITLE_LENGTH == 140
	assert event.title == "x" * 139 + "…"


def test_title_of_exactly_140_is_kept_whole():
	assert make_event(title="y" * 140).title == "y" * 140


def test_summary_is_whitespace_folded_and_clipped_to_280():
	assert make_event(summary="  Due \n\t 2024-04-04  ").summary == "Due 2024-04-04"
	event = make_event(summary="word " * 200)
	assert len(event.summary) <= core.SUMMARY_LENGTH == 280
	assert event.summary.endswith("…")
	assert "  " not in event.summary
	assert make_event().summary is None


@pytest.mark.parametrize("title", ["", "   \n\t", None])
def test_empty_title_falls_back_to_source_name(title):
	assert make_event(title=title).title == "ACC-SINV-2024-00001"


@pytest.mark.parametrize(
	("given", "expected"), [(True, 1), (False, 0), (2, 1), (0, 0), (None, 0), ("yes", 1)]
)
def test_cancelled_is_coerced_to_zero_or_one(given, expected):
	value = make_event(cancelled=given).cancelled
	assert value == expected
	assert type(value) is int


# ---------------------------------------------------------------- combine

DAY = date(2024, 3, 5)
FALLBACK = datetime(2020, 1, 1, 8, 0)


@pytest.mark.parametrize(
	("day", "at", "expected"),
	[
		(DAY, "14:30:15", datetime(2024, 3, 5, 14, 30, 15)),
		(DAY, "14:30:15.123456", datetime(2024, 3, 5, 14, 30, 15)),
		(DAY, timedelta(hours=9, minutes=5, seconds=7), datetime(2024, 3, 5, 9, 5, 7)),
		(DAY, time(23, 59, 59), datetime(2024, 3, 5, 23, 59, 59)),
		(DAY, None, datetime(2024, 3, 5, 0, 0)),
		("2024-03-05", "07:45:00", datetime(2024, 3, 5, 7, 45)),
		("2024-03-05", None, datetime(2024, 3, 5)),
		("2024-03-05 11:12:13", "07:45:00", datetime(2024, 3, 5, 11, 12, 13)),
		(datetime(2024, 3, 5, 16, 1, 2), "07:45:00", datetime(2024, 3, 5, 16, 1, 2)),
	],
)
def test_combine(day, at, expected):
	result = core.combine(day, at, fallback=FALLBACK)
	assert type(result) is datetime
	assert result == expected


@pytest.mark.parametrize("day", [None, ""])
def test_combine_without_a_day_returns_fallback(day):
	assert core.combine(day, "10:00:00", fallback=FALLBACK) is FALLBACK
	assert core.combine(day) is None


# ---------------------------------------------------------------- cursors


def test_cursor_round_trip_keeps_microseconds_and_unicode_names():
	when = datetime(2024, 3, 5, 14, 30, 15, 123456)
	cursor = core.encode_cursor(when, "TE-Ünïcødé 客户 ✓")
	assert "=" not in cursor and "/" not in cursor and "+" not in cursor
	assert core.decode_cursor(cursor) == (when, "TE-Ünïcødé 客户 ✓")


@given(
	when=st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)),
	name=st.text(min_size=1, max_size=140),
)
def test_cursor_round_trip_property(when, name):
	assert core.decode_cursor(core.encode_cursor(when, name)) == (when, name)


@given(st.text(max_size=60))
def test_decoding_arbitrary_text_never_raises_anything_but_query_error(text):
	try:
		when, name = core.decode_cursor(text)
	except core.QueryError:
		return
	assert isinstance(when, datetime) and isinstance(name, str) and name


@pytest.mark.parametrize(
	"cursor",
	[
		"not a cursor!!",
		"a",
		"",
		b64(b"hello world, not json"),
		b64(b"\xff\xfe\x00garbage"),
		b64(json.dumps({"when": "2024-01-01"}).encode()),
		b64(json.dumps({"a": 1, "b": 2}).encode()),
		b64(json.dumps(["2024-01-01T00:00:00"]).encode()),
		b64(json.dumps(["2024-01-01T00:00:00", "TE-1", "extra"]).encode()),
		b64(json.dumps([12345, "TE-1"]).encode()),
		b64(json.dumps(["yesterday", "TE-1"]).encode()),
		b64(json.dumps(["2024-01-01T00:00:00", 7]).encode()),
		b64(json.dumps(["2024-01-01T00:00:00", ""]).encode()),
		b64(json.dumps(42).encode()),
	],
)
def test_malformed_cursors_raise_query_error(cursor):
	with pytest.raises(core.QueryError):
		core.decode_cursor(cursor)


# ---------------------------------------------------------------- parse_query


def test_parse_query_defaults():
	q = core.parse_query("CUST-0001")
	assert q.customer == "CUST-0001"
	assert q.limit == core.DEFAULT_LIMIT == 50
	assert q.event_types == ()
	assert q.from_time is q.to_time is q.search is q.after is None


@pytest.mark.parametrize("limit", [0, -1, 201, 10000, "abc", None, "", "1.5"])
def test_parse_query_rejects_bad_limits(limit):
	with pytest.raises(core.QueryError, match="limit"):
		core.parse_query("C", limit=limit)


@pytest.mark.parametrize(("limit", "expected"), [(1, 1), (200, 200), ("25", 25)])
def test_parse_query_accepts_limits_in_range(limit, expected):
	assert core.parse_query("C", limit=limit).limit == expected


@pytest.mark.parametrize(
	"event_types",
	[
		["money", "support"],
		"money,support",
		" money , support ,",
		'["money", "support"]',
		["Money", "SUPPORT", "money"],
		("money", "support", "Support"),
	],
)
def test_parse_query_event_types_forms(event_types):
	assert core.parse_query("C", event_types=event_types).event_types == ("money", "support")


@pytest.mark.parametrize("event_types", [None, "", [], "[]"])
def test_parse_query_no_event_types_means_all(event_types):
	assert core.parse_query("C", event_types=event_types).event_types == ()


@pytest.mark.parametrize("event_types", [["money", "gossip"], "money,gossip", '["gossip"]'])
def test_parse_query_unknown_event_type_is_named_in_error(event_types):
	with pytest.raises(core.QueryError, match="gossip"):
		core.parse_query("C", event_types=event_types)


@pytest.mark.parametrize("event_types", ["[not json", 42, '{"a": 1}'])
def test_parse_query_rejects_malformed_event_types(event_types):
	with pytest.raises(core.QueryError):
		core.parse_query("C", event_types=event_types)


def test_parse_query_date_range_is_inclusive_start_exclusive_next_midnight():
	q = core.parse_query("C", from_date="2024-03-01", to_date="2024-03-31")
	assert q.from_time == datetime(2024, 3, 1, 0, 0)
	assert q.to_time == datetime(2024, 4, 1, 0, 0)
	same_day = core.parse_query("C", from_date=date(2024, 2, 29), to_date=datetime(2024, 2, 29, 18, 30))
	assert (same_day.from_time, same_day.to_time) == (datetime(2024, 2, 29), datetime(2024, 3, 1))


def test_parse_query_from_after_to_is_rejected():
	with pytest.raises(core.QueryError):
		core.parse_query("C", from_date="2024-03-02", to_date="2024-03-01")


@pytest.mark.parametrize("bad", ["yesterday", "2024-02-30", "05/03/2024"])
def test_parse_query_bad_date_string_is_rejected(bad):
	with pytest.raises(core.QueryError, match="from_date"):
		core.parse_query("C", from_date=bad)
	with pytest.raises(core.QueryError, match="to_date"):
		core.parse_query("C", to_date=bad)


def test_parse_query_search_is_folded_and_capped():
	assert core.parse_query("C", search="  late \n  payment\t").search == "late payment"
	assert core.parse_query("C", search="a" * 300).search == "a" * 100
	assert core.parse_query("C", search=" \n\t ").search is None


def test_parse_query_decodes_cursor_into_after():
	when = datetime(2024, 3, 5, 14, 30, 15, 500)
	q = core.parse_query("C", cursor=core.encode_cursor(when, "TE-abc"))
	assert q.after == (when, "TE-abc")
	with pytest.raises(core.QueryError, match="cursor"):
		core.parse_query("C", cursor="garbage!!")

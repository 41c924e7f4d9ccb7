"""Timeline search and actor filter, pure parts: the long text kept for search, how a search becomes a
MATCH ... AGAINST expression plus LIKE words, and the actor in a query."""

from datetime import datetime

import pytest

from customer_360.core import timeline as core
from customer_360.sources import communication as communication_source
from customer_360.sources import customer_interaction, customer_note, sql


def _row(**kw):
	base = {
		"name": "COMM-1",
		"customer": "C",
		"creation": datetime(2026, 1, 2, 3, 4, 5),
		"modified": datetime(2026, 1, 2, 3, 4, 5),
		"owner": "a@example.com",
	}
	return base | kw


# ---------------------------------------------------------------- search_body


def test_search_body_strips_tags_and_folds_whitespace():
	html = "<p>Hello\n\n  <b>world</b></p><br/>second\tline"
	assert core.search_body(html) == "Hello world second line"


def test_search_body_drops_style_and_script_blocks_whole():
	html = '<style type="text/css">p { color: red }</style><p>Kept</p><SCRIPT>alert(1)</script >after'
	assert core.search_body(html) == "Kept after"


def test_search_body_plain_text_keeps_angle_brackets():
	assert core.search_body("a <b and c> d", html=False) == "a <b and c> d"
	assert core.search_body("a <b and c> d") == "a d"


def test_search_body_nothing_left_is_none():
	assert core.search_body(None) is None
	assert core.search_body("") is None
	assert core.search_body("<p> </p>\n<br>") is None


def test_search_body_is_capped_without_ellipsis():
	text = core.search_body("word " * 40_000)
	assert len(text) == core.SEARCH_TEXT_LENGTH
	assert "…" not in text


def test_search_body_cuts_raw_text_before_stripping():
	# A huge inline image must not cost its size: only the first SEARCH_SOURCE_LENGTH characters are read.
	huge = "start " + "x" * (core.SEARCH_SOURCE_LENGTH * 2) + " tail"
	assert "tail" not in core.search_body(huge, html=False)


def test_event_caps_search_text_from_any_source():
	e = core.Event(
		customer="C",
		event_time=datetime(2026, 1, 1),
		event_type="message",
		kind="email_received",
		source_doctype="Communication",
		source_name="X",
		title="t",
		search_text="y" * (core.SEARCH_TEXT_LENGTH + 10),
	)
	assert len(e.search_text) == core.SEARCH_TEXT_LENGTH
	assert core.Event(**{**e.__dict__, "name": "", "search_text": ""}).search_text is None


# ---------------------------------------------------------------- sources keep the long text


def test_email_event_carries_its_body_beyond_the_summary():
	body = "<p>" + "filler " * 100 + "zanzibar</p>"
	(event,) = communication_source.to_events(
		_row(subject="Hi", sent_or_received="Received", sender="x@example.com", content=body)
	)
	assert "zanzibar" in event.search_text
	assert "zanzibar" not in (event.summary or "")
	assert "content" in communication_source.SOURCE.fields


def test_note_and_interaction_events_carry_their_full_text():
	long_note = "<p>" + "a " * 300 + "<i>kumquat</i></p>"
	(note,) = customer_note.to_events(
		_row(name="N-1", scope="sales", content=long_note, author="a@example.com")
	)
	assert note.search_text.endswith("kumquat")
	assert "kumquat" not in note.summary
	(touch,) = customer_interaction.to_events(
		_row(name="I-1", interaction_type="call", summary="x " * 200 + "1 < 2 quokka")
	)
	assert touch.search_text.endswith("1 < 2 quokka")


def test_set_based_mappings_write_the_same_text_columns():
	for source in (communication_source.SOURCE, customer_note.SOURCE, customer_interaction.SOURCE):
		(ev,) = source.sql_events
		assert ev.search_text.startswith("nullif(left(trim(regexp_replace(")
		assert f"{core.SEARCH_TEXT_LENGTH})" in ev.search_text
	assert "'<[^<>]+>'" in communication_source.SOURCE.sql_events[0].search_text
	assert "'<[^<>]+>'" not in customer_interaction.SOURCE.sql_events[0].search_text


def test_insert_statement_writes_search_text_column():
	(statement,) = sql.insert_statements(
		"Customer Note",
		"1 = 1",
		"customer",
		None,
		None,
		customer_note.SOURCE.sql_events,
		lambda c: f"{c} in %(names)s",
	)
	columns = statement.split("(", 1)[1].split(")", 1)[0]
	assert "`search_text`" in columns
	assert "`search_text` = values(`search_text`)" in statement


def test_sources_without_long_text_write_null():
	assert sql.SqlEvent(
		kind="'k'", event_type="note", event_time="t.creation", title="t.name"
	).search_text == ("NULL")


# ---------------------------------------------------------------- search_plan


def test_plan_requires_every_indexed_word_as_a_prefix():
	plan = core.search_plan("Late Payment")
	assert plan.fulltext == "+late* +payment*"
	assert plan.like == ()


def test_plan_short_words_and_stopwords_fall_back_to_like():
	plan = core.search_plan("printer on the fire")
	assert plan.fulltext == "+printer* +fire*"
	assert plan.like == ("on", "the")


def test_plan_without_indexed_words_likes_the_whole_text():
	assert core.search_plan("A-1") == core.SearchPlan(fulltext=None, like=("A-1",))
	assert core.search_plan("the") == core.SearchPlan(fulltext=None, like=("the",))


@pytest.mark.parametrize(
	"hostile",
	['+zebra -"x" (y) ~z <w >v *', "zebra') against ('x", 'zebra" @8 +', "zebra\\' OR 1=1 --"],
)
def test_plan_never_passes_boolean_syntax_through(hostile):
	plan = core.search_plan(hostile)
	for term in plan.fulltext.split():
		assert term.startswith("+") and term.endswith("*")
		assert term[1:-1].replace("_", "").isalnum(), term


def test_plan_honours_the_server_token_sizes_and_stopword_switch():
	assert core.search_plan("abc defgh", min_token=4).fulltext == "+defgh*"
	assert core.search_plan("abc defgh", min_token=4).like == ("abc",)
	assert core.search_plan("the invoice", stopwords=frozenset()).fulltext == "+the* +invoice*"
	assert core.search_plan("x" * 90 + " invoice").like == ("x" * 90,)


def test_plan_of_nothing_is_none():
	assert core.search_plan(None) is None
	assert core.search_plan("") is None


def test_plan_dedupes_and_lowercases():
	assert core.search_plan("Invoice invoice INVOICE").fulltext == "+invoice*"


# ---------------------------------------------------------------- actor in the query


def test_parse_query_keeps_the_actor():
	assert core.parse_query("C", actor=" someone@example.com ").actor == "someone@example.com"
	assert core.parse_query("C").actor is None
	assert core.parse_query("C", actor="").actor is None


def test_parse_query_rejects_an_overlong_actor():
	with pytest.raises(core.QueryError):
		core.parse_query("C", actor="x" * 200)


# ---------------------------------------------------------------- facets


def test_parse_query_takes_a_known_facet_only():
	assert core.parse_query("C", facet="forms_bookings").facet == "forms_bookings"
	assert core.parse_query("C").facet is None
	with pytest.raises(core.QueryError, match="unknown facet"):
		core.parse_query("C", facet="gossip")


def test_facets_name_source_doctypes():
	assert set(core.FACETS["forms_bookings"]) == {"Lead", "Appointment"}
	for doctypes in core.FACETS.values():
		assert doctypes and all(isinstance(d, str) and d[:1].isupper() for d in doctypes)


def test_every_facet_has_a_literal_label_for_the_chips():
	from test_boot_labels import PACKAGE, _function_dict

	labels = _function_dict(PACKAGE / "boot.py", "facet_labels")
	assert set(labels) == set(core.FACETS)
	assert all(labels.values())


@pytest.mark.parametrize(
	"hostile",
	["<" * core.SEARCH_SOURCE_LENGTH, "<style>" * 40_000, "<style " * 40_000, "<script><!--" * 25_000],
)
def test_search_body_stays_linear_on_hostile_markup(hostile):
	import time

	started = time.perf_counter()
	core.search_body(hostile)
	assert time.perf_counter() - started < 1.0


def test_search_body_keeps_a_style_block_that_holds_a_tag_as_text():
	# The block rule never looks past another tag (that keeps it linear): such a block's words stay searchable.
	assert core.search_body("<style>a<b>c</style>d") == "a c d"
	assert core.search_body("<STYLE><!-- p{} --></Style >kept") == "kept"

"""Shape of the set-based statements (sources/sql.py). That they write exactly what the Python mappers
write is proven on a real database by customer_360/tests/test_set_based.py."""

import re

import pytest

from customer_360.core.timeline import EVENT_TYPES
from customer_360.sources import sql
from tests.test_sources import SOURCES

NAMES_IN = lambda column: f"{column} in %(names)s"  # noqa: E731
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def statements(source, names=NAMES_IN):
	return sql.insert_statements(
		source.doctype, source.where, source.customer_column, source.sql_direct, source.sql_links,
		source.sql_events, names,
	)  # fmt: skip


@pytest.mark.parametrize("doctype", sorted(SOURCES))
def test_every_builtin_source_has_sql_events_of_known_types(doctype):
	source = SOURCES[doctype]
	assert source.sql_events
	assert {e.event_type for e in source.sql_events} <= set(EVENT_TYPES)
	if not source.customer_column:
		assert source.sql_direct or source.sql_links


@pytest.mark.parametrize("doctype", sorted(SOURCES))
def test_statements_only_carry_named_placeholders(doctype):
	# frappe.db.sql %-formats the statement: a stray % would break it or, worse, be read as a parameter.
	for statement in statements(SOURCES[doctype]):
		assert set(PLACEHOLDER.findall(statement)) == {"now", "user", "names"}
		assert "%" not in PLACEHOLDER.sub("", statement)


@pytest.mark.parametrize("doctype", sorted(SOURCES))
def test_one_statement_per_customer_path(doctype):
	source = SOURCES[doctype]
	got = statements(source)
	expected = 1 if source.customer_column else bool(source.sql_direct) + bool(source.sql_links)
	assert len(got) == expected
	for statement in got:
		assert statement.startswith(f"insert into `{sql.TABLE}`")
		assert "on duplicate key update" in statement
		assert f"'{doctype}'" in statement


def test_linked_customers_run_last_so_their_contact_wins():
	got = statements(SOURCES["Communication"])
	assert "x.contact" not in got[0] and "x.contact" in got[1]


def test_several_kinds_share_one_scan():
	(statement,) = statements(SOURCES["Sales Invoice"])
	assert statement.count("from `tabSales Invoice` t") == 1
	assert "select 0 as k union all select 1 as k union all select 2 as k" in statement


def test_names_condition_is_applied_to_the_source_rows():
	rng = lambda c: f"{c} > %(after)s and {c} <= %(upto)s"  # noqa: E731
	(statement,) = sql.insert_statements(
		"ToDo", "1", "reference_name", None, None, SOURCES["ToDo"].sql_events, rng
	)
	assert "t.name > %(after)s and t.name <= %(upto)s" in statement


@pytest.mark.parametrize("bad", ["it's", "a\\b", "100%"])
def test_literals_refuse_anything_but_plain_words(bad):
	with pytest.raises(ValueError):
		sql.lit(bad)


def test_clip_and_day_time_expressions():
	assert sql.clip("t.x", 140).count("regexp_replace") == 3
	assert "'…'" in sql.clip("t.x", 140) and "left(" in sql.clip("t.x", 140)
	assert sql.day_time("t.d") == "if(t.d is null, t.creation, timestamp(t.d, time(t.creation)))"
	assert "floor(time_to_sec(t.tm))" in sql.day_time("t.d", "t.tm")

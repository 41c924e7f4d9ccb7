from datetime import datetime, timedelta

import pytest

from customer_360.core.audit import KIND_LABELS, KINDS, entry, page

T0 = datetime(2026, 6, 1, 12, 0)


def entries():
	# Two sources interleaved in time, with a tie on `at`.
	a = [entry("field_changed", T0 - timedelta(minutes=i), "a@x", f"v{i}") for i in range(5)]
	b = [entry("tag_added", T0 - timedelta(minutes=i), "b@x", f"t{i}") for i in (0, 2, 7)]
	return a + b


def test_pages_walk_every_entry_once_newest_first():
	seen, cursor = [], None
	while True:
		rows, more = page(entries(), cursor, 3)
		seen += rows
		if not more:
			break
		cursor = (rows[-1]["at"], rows[-1]["key"])
	assert len(seen) == 8 and len({e["key"] for e in seen}) == 8
	assert [e["at"] for e in seen] == sorted((e["at"] for e in seen), reverse=True)


def test_unknown_kind_is_refused():
	with pytest.raises(ValueError):
		entry("hacked", T0, None, "x")


def test_every_kind_has_a_label():
	assert set(KIND_LABELS) == set(KINDS)

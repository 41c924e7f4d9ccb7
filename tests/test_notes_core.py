import pytest

from customer_360.core import notes
from customer_360.core.capabilities import NOTE_SCOPES

SALES = ("internal", "sales", "customer")


@pytest.mark.parametrize("scope", NOTE_SCOPES)
def test_reading_follows_scope(scope):
	assert notes.may_read(scope, "someone@x.com", "me@x.com", SALES) == (scope in SALES)


def test_authors_always_read_their_own_notes():
	assert notes.may_read("restricted", "me@x.com", "me@x.com", ())
	assert not notes.may_read("restricted", None, "me@x.com", ())
	assert not notes.may_read("restricted", "", "", ())


def test_scope_defaults_to_internal_and_is_normalised():
	assert notes.check_scope(None, SALES) == "internal"
	assert notes.check_scope(" Sales ", SALES) == "sales"


def test_unknown_scope_is_refused_with_the_choices():
	with pytest.raises(notes.NoteError, match=r"unknown scope 'secret'.*internal, sales"):
		notes.check_scope("secret", SALES)


def test_a_scope_the_user_lacks_cannot_be_written_or_widened_to():
	with pytest.raises(notes.NoteError, match="'finance'"):
		notes.check_scope("finance", SALES)
	with pytest.raises(notes.NoteError, match="'customer'"):
		notes.check_scope("customer", ("internal",), previous="internal")


def test_keeping_an_existing_scope_needs_no_grant():
	# An author who lost the finance grant can still fix a typo in their finance note.
	assert notes.check_scope("finance", SALES, previous="finance") == "finance"


@pytest.mark.parametrize("empty", [None, "", "   ", "<p><br></p>", "<p></p>"])
def test_empty_content_is_refused(empty):
	with pytest.raises(notes.NoteError):
		notes.check_content(empty)


def test_content_is_kept():
	assert notes.check_content("  <p>Called</p> ") == "<p>Called</p>"


def test_note_kinds_carry_the_scope():
	assert notes.note_kind("sales") == "note_sales"
	assert notes.readable_note_kinds(SALES) == ["note_internal", "note_sales", "note_customer"]
	assert notes.readable_note_kinds(()) == []


def test_interaction_types():
	assert notes.check_interaction_type(" Showroom Visit ") == "showroom visit"
	with pytest.raises(notes.NoteError, match="unknown interaction type 'fax'"):
		notes.check_interaction_type("fax")

import pytest

from customer_360.core import capabilities as caps


def rows():
	return caps.default_rows()


def test_finance_roles_see_finance_and_sales_user_does_not():
	for role in ("System Manager", "Sales Manager", "Accounts Manager", "Accounts User", "Support Team"):
		c = caps.resolve([role], rows())
		assert c.see_finance and c.see_risk, role
	for role in ("Sales User", "Stock User", "Delivery User"):
		c = caps.resolve([role], rows())
		assert not c.see_finance and not c.see_risk, role


def test_default_note_scopes_match_the_issue():
	assert caps.resolve(["Sales User"], rows()).note_scopes == {"internal", "sales", "customer"}
	assert caps.resolve(["Support Team"], rows()).note_scopes == {"internal", "support", "customer"}
	assert caps.resolve(["Accounts User"], rows()).note_scopes == {"internal", "finance", "customer"}
	assert caps.resolve(["Stock User"], rows()).note_scopes == {"internal", "fulfillment", "customer"}
	manager = caps.resolve(["Sales Manager"], rows()).note_scopes
	assert "restricted" not in manager and "branch" in manager
	assert caps.resolve(["System Manager"], rows()).note_scopes == set(caps.NOTE_SCOPES)


def test_union_of_roles_and_unknown_roles_grant_nothing():
	c = caps.resolve(["Sales User", "Stock User"], rows())
	assert c.note_scopes == {"internal", "sales", "fulfillment", "customer"}
	assert caps.resolve(["Guest", "Website Manager"], rows()) == caps.Capabilities()


def test_only_merge_roles_can_merge():
	assert caps.resolve(["System Manager"], rows()).can_merge
	assert caps.resolve([caps.MANAGER_ROLE], rows()).can_merge
	assert not caps.resolve(["Sales Manager", "Accounts Manager"], rows()).can_merge


def test_administrator_has_everything():
	assert caps.resolve([], [], is_administrator=True) == caps.EVERYTHING


def test_parse_and_format_scopes():
	assert caps.parse_scopes(" Sales,internal\ncustomer ") == {"sales", "internal", "customer"}
	assert caps.format_scopes({"customer", "internal", "sales"}) == "internal, sales, customer"
	assert caps.parse_scopes(None) == frozenset()
	with pytest.raises(ValueError, match="gossip"):
		caps.parse_scopes("internal, gossip")


def test_bad_scope_in_a_row_is_ignored_not_fatal():
	c = caps.resolve(["X"], [{"role": "X", "note_scopes": "internal, gossip", "see_finance": "1"}])
	assert c.note_scopes == {"internal"} and c.see_finance


def test_has_rejects_unknown_capability():
	with pytest.raises(ValueError):
		caps.Capabilities().has("fly")


def test_as_dict_is_ordered_and_complete():
	d = caps.resolve(["Sales User"], rows()).as_dict()
	assert d["note_scopes"] == ["internal", "sales", "customer"]
	assert set(d) == {*caps.CAPABILITIES, "note_scopes"}

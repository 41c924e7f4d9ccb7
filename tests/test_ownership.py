from customer_360.core.capabilities import EVERYTHING, Capabilities
from customer_360.core.ownership import apply, owners

SALES = Capabilities(note_scopes=frozenset({"internal", "sales"}))


def test_owners_are_account_manager_and_team_without_blanks_or_system_users():
	assert owners("am@x.com", ["rep@x.com", None, "", "am@x.com"]) == {"am@x.com", "rep@x.com"}
	assert owners(None, []) == frozenset()
	assert owners("Administrator", ["Guest"]) == frozenset()


def test_owner_gains_finance_and_risk_only_when_enabled():
	got = apply(SALES, "am@x.com", {"am@x.com"}, enabled=True)
	assert got.see_finance and got.see_risk
	assert not got.can_merge and not got.manage_flags  # owning never grants merge or flag management
	assert got.note_scopes == SALES.note_scopes
	assert apply(SALES, "am@x.com", {"am@x.com"}, enabled=False) == SALES


def test_non_owner_keeps_role_capabilities():
	assert apply(SALES, "other@x.com", {"am@x.com"}, enabled=True) == SALES
	assert apply(SALES, "", {""}, enabled=True) == SALES
	assert apply(EVERYTHING, "other@x.com", set(), enabled=True) == EVERYTHING

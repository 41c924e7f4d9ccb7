"""The ownership rule: who owns a customer, and what owning it grants.

When the rule is switched on in Customer 360 Settings, the account manager of a customer and the users on its
Sales Team (Sales Person → Employee → user) see its finance and risk panels even when no role grants them;
everyone else keeps what their roles give (the summary for front-line sales). Pure Python: the Frappe adapter
(`customer_360.permissions.capabilities_for`) looks up the owners and feeds them in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from customer_360.core.capabilities import Capabilities

# What owning a customer adds: the two read capabilities. Never merge or flag management — those change data
# for everyone and stay with the roles.
OWNER_GRANTS = ("see_finance", "see_risk")


def owners(account_manager: str | None, sales_team_users: Iterable[str | None]) -> frozenset[str]:
	"""The users who own a customer: its account manager and its sales team's users (blanks dropped)."""
	found = {u for u in (account_manager, *sales_team_users) if u}
	# Guest and Administrator are never "owners": Guest must not gain anything, Administrator has it all.
	return frozenset(found - {"Guest", "Administrator"})


def apply(base: Capabilities, user: str, customer_owners: Iterable[str], enabled: bool) -> Capabilities:
	"""The user's capabilities on one customer: `base` (from roles), plus OWNER_GRANTS when the rule is on and
	the user owns the customer."""
	if not enabled or not user or user not in set(customer_owners):
		return base
	return replace(base, **dict.fromkeys(OWNER_GRANTS, True))

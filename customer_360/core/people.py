"""The people of an account: their role on it, and how recently anyone spoke with them. Pure Python.

Roles are stored on the Contact (custom field c360_account_role, a Select whose values are these English
labels, translated for display as Frappe does with every Select). A stakeholder is "quiet" after
`quiet_days` without a message or interaction indexed against them.
"""

from __future__ import annotations

from datetime import date, datetime

# Leaders first: the panel lists the people who decide before the people who process.
ACCOUNT_ROLES = (
	"Executive Sponsor",
	"Decision Maker",
	"Champion",
	"Buyer",
	"Billing",
	"Technical",
	"Other",
)
DEFAULT_QUIET_DAYS = 60
# What counts as speaking with a person: emails and messages, and logged calls, visits and meetings.
CONTACT_EVENT_TYPES = ("message", "interaction")


def role_rank(role: str | None) -> int:
	return ACCOUNT_ROLES.index(role) if role in ACCOUNT_ROLES else len(ACCOUNT_ROLES)


def days_since(last: date | datetime | None, today: date) -> int | None:
	if last is None:
		return None
	day = last.date() if isinstance(last, datetime) else last
	return max(0, (today - day).days)


def is_quiet(last: date | datetime | None, today: date, quiet_days: int = DEFAULT_QUIET_DAYS) -> bool:
	"""No contact in `quiet_days` (never contacted counts as quiet); 0 switches the warning off."""
	if quiet_days <= 0:
		return False
	days = days_since(last, today)
	return days is None or days >= quiet_days


def order_people(people: list[dict]) -> list[dict]:
	"""Primary contact first, then by role (leaders first), then the most recently contacted, then by name."""
	return sorted(
		people,
		key=lambda p: (
			not p.get("is_primary"),
			role_rank(p.get("account_role")),
			-(p["last_contact"].toordinal() if p.get("last_contact") else 0),
			(p.get("full_name") or p.get("name") or "").lower(),
		),
	)

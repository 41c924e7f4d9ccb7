"""Who may see what: capabilities resolved from roles.

Pure Python (no frappe import) so the rules are unit-tested in the pure tier. The Frappe adapter
(`customer_360.permissions`) feeds it the user's roles and the rows of Customer 360 Settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# A capability is a yes/no right that the API checks before returning a class of data.
SEE_FINANCE = "see_finance"
SEE_RISK = "see_risk"
CAN_MERGE = "can_merge"
MANAGE_FLAGS = "manage_flags"
CAPABILITIES = (SEE_FINANCE, SEE_RISK, CAN_MERGE, MANAGE_FLAGS)

NOTE_SCOPES = ("internal", "sales", "branch", "support", "finance", "fulfillment", "restricted", "customer")
ALL_BUT_RESTRICTED = tuple(s for s in NOTE_SCOPES if s != "restricted")

# The app's own role: full access to the 360 including merge and restricted notes.
MANAGER_ROLE = "Customer 360 Manager"
APP_ROLES = (MANAGER_ROLE,)

# Defaults written into Customer 360 Settings on install. Administrators edit them there.
# Finance figures and risk data: management, finance and support; never front-line sales or field roles.
DEFAULT_ROLE_CAPABILITIES: dict[str, dict] = {
	"System Manager": {"caps": CAPABILITIES, "scopes": NOTE_SCOPES},
	MANAGER_ROLE: {"caps": CAPABILITIES, "scopes": NOTE_SCOPES},
	"Sales Manager": {"caps": (SEE_FINANCE, SEE_RISK, MANAGE_FLAGS), "scopes": ALL_BUT_RESTRICTED},
	"Accounts Manager": {"caps": (SEE_FINANCE, SEE_RISK, MANAGE_FLAGS), "scopes": ALL_BUT_RESTRICTED},
	"Stock Manager": {"caps": (), "scopes": ALL_BUT_RESTRICTED},
	"Accounts User": {"caps": (SEE_FINANCE, SEE_RISK), "scopes": ("internal", "finance", "customer")},
	"Support Team": {"caps": (SEE_FINANCE, SEE_RISK), "scopes": ("internal", "support", "customer")},
	"Sales User": {"caps": (), "scopes": ("internal", "sales", "customer")},
	"Stock User": {"caps": (), "scopes": ("internal", "fulfillment", "customer")},
	"Delivery User": {"caps": (), "scopes": ("internal", "fulfillment", "customer")},
}


@dataclass(frozen=True)
class Capabilities:
	see_finance: bool = False
	see_risk: bool = False
	can_merge: bool = False
	manage_flags: bool = False
	note_scopes: frozenset[str] = field(default_factory=frozenset)

	def has(self, capability: str) -> bool:
		if capability not in CAPABILITIES:
			raise ValueError(f"unknown capability: {capability}")
		return bool(getattr(self, capability))

	def as_dict(self) -> dict:
		out = {c: getattr(self, c) for c in CAPABILITIES}
		out["note_scopes"] = sorted(self.note_scopes, key=NOTE_SCOPES.index)
		return out


EVERYTHING = Capabilities(True, True, True, True, frozenset(NOTE_SCOPES))


def parse_scopes(text: str | Iterable[str] | None) -> frozenset[str]:
	"""'internal, sales' -> {'internal', 'sales'}; raises ValueError on an unknown scope."""
	if not text:
		return frozenset()
	items = text.replace("\n", ",").split(",") if isinstance(text, str) else list(text)
	scopes = {s.strip().lower() for s in items if s and s.strip()}
	unknown = scopes - set(NOTE_SCOPES)
	if unknown:
		raise ValueError("unknown note scope(s): " + ", ".join(sorted(unknown)))
	return frozenset(scopes)


def format_scopes(scopes: Iterable[str]) -> str:
	return ", ".join(sorted(set(scopes), key=NOTE_SCOPES.index))


def default_rows() -> list[dict]:
	"""Rows for the settings' role table, in the shape of `resolve`'s input."""
	rows = []
	for role, spec in DEFAULT_ROLE_CAPABILITIES.items():
		row = {"role": role, "note_scopes": format_scopes(spec["scopes"])}
		row.update({c: int(c in spec["caps"]) for c in CAPABILITIES})
		rows.append(row)
	return rows


def resolve(roles: Iterable[str], rows: Iterable[Mapping], *, is_administrator: bool = False) -> Capabilities:
	"""Union of the capabilities granted to any of `roles` by the settings rows."""
	if is_administrator:
		return EVERYTHING
	role_set = set(roles)
	granted = dict.fromkeys(CAPABILITIES, False)
	scopes: set[str] = set()
	for row in rows:
		if row.get("role") not in role_set:
			continue
		for c in CAPABILITIES:
			granted[c] = granted[c] or bool(int(row.get(c) or 0))
		# A bad scope typed into settings must not lock everyone out: ignore unknown words here,
		# the settings form validates them on save.
		scopes.update(s for s in (row.get("note_scopes") or "").replace("\n", ",").split(","))
	scopes = {s.strip().lower() for s in scopes} & set(NOTE_SCOPES)
	return Capabilities(note_scopes=frozenset(scopes), **granted)

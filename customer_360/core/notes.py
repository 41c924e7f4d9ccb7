"""Who reads which customer note. Pure Python: the Frappe adapter (permission hooks, APIs, timeline, portal)
asks these questions so every path gives the same answer.

A note's audience is its scope. A user reads a note when its scope is among the scopes their roles grant
(Customer 360 Settings), or when they wrote it. Writing a note in a scope, or moving a note to a scope,
needs that scope too: nobody can publish into, or widen to, an audience they are not part of.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from customer_360.core.capabilities import NOTE_SCOPES, SEE_FINANCE, SEE_RISK, resolve

PORTAL_SCOPE = "customer"  # the only scope a customer's own portal users ever see
DEFAULT_SCOPE = "internal"
INTERACTION_TYPES = (
	"call", "visit", "email", "sms", "showroom visit", "meeting", "demo", "follow up", "other",
)  # fmt: skip
NOTE_KIND_PREFIX = "note_"


class NoteError(ValueError):
	"""Bad note input; the API turns it into a translated message."""


def may_read(scope: str | None, author: str | None, user: str, scopes: Iterable[str]) -> bool:
	"""The one rule: a note (or its timeline event) is read by its scope's audience and by its author."""
	return (scope is not None and scope in set(scopes)) or (bool(author) and author == user)


def scope_of_kind(kind: str | None) -> str | None:
	"""The note scope a timeline event's kind carries (None: not a note kind)."""
	if kind and kind.startswith(NOTE_KIND_PREFIX):
		return kind[len(NOTE_KIND_PREFIX) :]
	return None


def audience_sees(scope: str, rows: Iterable[Mapping]) -> dict[str, bool]:
	"""Whether everyone who reads a note of `scope` holds each capability: true only when every role that
	grants the scope (in the Customer 360 Settings rows) also grants the capability. A role that grants the
	scope without the capability makes the whole audience "may not see it"."""
	audience = [r for r in rows if scope in resolve([r.get("role")], [r]).note_scopes]
	return {
		cap: bool(audience) and all(int(r.get(cap) or 0) for r in audience) for cap in (SEE_FINANCE, SEE_RISK)
	}


def check_scope(scope: str | None, scopes: Iterable[str], previous: str | None = None) -> str:
	"""The scope a user may give a note (new, or changed from `previous`); NoteError otherwise."""
	scope = (scope or DEFAULT_SCOPE).strip().lower()
	if scope not in NOTE_SCOPES:
		raise NoteError(f"unknown scope {scope!r}; use one of: {', '.join(NOTE_SCOPES)}")
	if scope != previous and scope not in set(scopes):
		raise NoteError(f"you may not write notes in the {scope!r} scope")
	return scope


def check_content(content: str | None) -> str:
	text = (content or "").strip()
	# Rich-text editors send "<p><br></p>" for an empty box.
	stripped = text.replace("<p>", "").replace("</p>", "").replace("<br>", "").strip()
	if not stripped:
		raise NoteError("a note needs some content")
	return text


def note_kind(scope: str) -> str:
	"""Timeline kind of a note event: carries the scope so the timeline can filter notes by audience."""
	return NOTE_KIND_PREFIX + scope


def readable_note_kinds(scopes: Iterable[str]) -> list[str]:
	return [note_kind(s) for s in NOTE_SCOPES if s in set(scopes)]


def check_interaction_type(value: str | None) -> str:
	kind = (value or "").strip().lower()
	if kind not in INTERACTION_TYPES:
		raise NoteError(f"unknown interaction type {value!r}; use one of: {', '.join(INTERACTION_TYPES)}")
	return kind

"""Timeline vocabulary, event identity, keyset cursors and query validation. Pure Python.

An event is one row of the Customer Timeline Event index. Its name is derived from what it describes, so
writing the same event twice is an upsert (idempotent indexing), never a duplicate.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

EVENT_TYPES = (
	"money",
	"sales",
	"support",
	"service",
	"commitment",
	"message",
	"note",
	"interaction",
	"task",
	"file",
	"system",
)

# Chips across the event types: a named slice of the timeline by source doctype (the counts index holds the
# doctype, so counting a facet reads that index only). Forms and bookings: how a customer first came in (a Lead,
# from a web form or typed in) and the meetings they booked (Appointments).
FACETS = {"forms_bookings": ("Lead", "Appointment")}

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
SUMMARY_LENGTH = 280
TITLE_LENGTH = 140
# The long text of an event (an email's body, a note's full text) kept for full-text search only: never sent to
# a client, capped so one pasted log cannot bloat the index. The raw text is cut first (before tags are
# stripped) so a 10 MB email with inline images costs what a 256 kB one does.
SEARCH_TEXT_LENGTH = 65_536
SEARCH_SOURCE_LENGTH = 262_144
ACTOR_LENGTH = 140


class QueryError(ValueError):
	"""Bad timeline query input; the API turns it into a translated 4xx message."""


@dataclass
class Event:
	customer: str
	event_time: datetime
	event_type: str
	kind: str
	source_doctype: str
	source_name: str
	title: str
	summary: str | None = None
	amount: float | None = None
	currency: str | None = None
	company: str | None = None
	contact: str | None = None
	actor: str | None = None
	cancelled: int = 0
	# Full text for search (sources build it with search_body); not part of what the timeline returns.
	search_text: str | None = None
	name: str = field(default="")

	def __post_init__(self):
		if self.event_type not in EVENT_TYPES:
			raise ValueError(f"unknown event type {self.event_type!r}")
		self.title = clip(self.title, TITLE_LENGTH) or self.source_name
		self.summary = clip(self.summary, SUMMARY_LENGTH)
		self.cancelled = int(bool(self.cancelled))
		if self.search_text is not None:
			self.search_text = self.search_text[:SEARCH_TEXT_LENGTH] or None
		if not self.name:
			self.name = event_name(self.source_doctype, self.source_name, self.kind, self.customer)


def event_name(source_doctype: str, source_name: str, kind: str, customer: str) -> str:
	"""Deterministic row name: one row per (source doctype, source name, kind) for a customer.

	The customer is part of the key because one source can concern two customers (an email linked to both).
	"""
	raw = "\x1f".join((source_doctype, source_name, kind, customer)).encode()
	return "TE-" + hashlib.sha1(raw).hexdigest()[:20]


def clip(text: str | None, length: int) -> str | None:
	if text is None:
		return None
	text = " ".join(str(text).split())
	return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# Tags go; so does what a <style> or <script> block holds (mail clients put CSS in bodies). The same patterns run
# in MariaDB for the set-based path (sources/sql.py search_body), so both write the same text. Both stay linear on
# hostile input ("<" or "<style>" repeated 100,000 times): no part can scan past the next "<", so a failed match
# never rescans the rest of the text; possessive quantifiers keep no backtracking state (PCRE's heap limit). A block
# holding another tag (a "<" other than "<!--") is left as text.
_HIDDEN_BLOCK = re.compile(
	r"<(style|script)(?:[ \t\r\n/][^<>]*)?>(?:[^<]++|<!--)*+</\1[ \t\r\n]*>", re.IGNORECASE
)
_TAG = re.compile(r"<[^<>]+>")


def search_body(text: str | None, html: bool = True) -> str | None:
	"""The searchable long text of a document (an email's body, a note): tags removed when it is HTML,
	whitespace folded as clip() does, capped at SEARCH_TEXT_LENGTH characters, no ellipsis."""
	if not text:
		return None
	text = str(text)[:SEARCH_SOURCE_LENGTH]
	if html:
		text = _TAG.sub(" ", _HIDDEN_BLOCK.sub(" ", text))
	return " ".join(text.split())[:SEARCH_TEXT_LENGTH] or None


def combine(
	day: date | datetime | str | None, at: time | str | None = None, fallback: datetime | None = None
):
	"""ERPNext keeps posting_date and posting_time apart; the timeline needs one instant."""
	if day is None or day == "":
		return fallback
	if isinstance(day, str):
		day = datetime.fromisoformat(day) if " " in day or "T" in day else date.fromisoformat(day)
	if isinstance(day, datetime):
		return day
	if isinstance(at, str) and at:
		at = time.fromisoformat(at.split(".")[0]) if "." in at else time.fromisoformat(at)
	elif hasattr(at, "total_seconds"):  # MariaDB TIME columns arrive as timedelta
		secs = int(at.total_seconds()) % 86400
		at = time(secs // 3600, secs % 3600 // 60, secs % 60)
	return datetime.combine(day, at or time(0, 0))


# ---------------------------------------------------------------- keyset cursors


def encode_cursor(event_time: datetime, name: str) -> str:
	payload = json.dumps([event_time.isoformat(), name], separators=(",", ":")).encode()
	return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
	"""Inverse of encode_cursor; anything else is a QueryError (never a traceback)."""
	try:
		padded = cursor + "=" * (-len(cursor) % 4)
		when, name = json.loads(base64.urlsafe_b64decode(padded.encode()))
		if not isinstance(name, str) or not name:
			raise ValueError
		return datetime.fromisoformat(when), name
	except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, AttributeError):
		raise QueryError("malformed cursor")


# ---------------------------------------------------------------- query validation


@dataclass(frozen=True)
class TimelineQuery:
	customer: str
	limit: int
	event_types: tuple[str, ...]
	from_time: datetime | None
	to_time: datetime | None  # exclusive
	search: str | None
	after: tuple[datetime, str] | None
	actor: str | None = None  # only the events this user did
	facet: str | None = None  # a key of FACETS


def _as_date(value, label: str) -> date | None:
	if value in (None, ""):
		return None
	if isinstance(value, datetime):
		return value.date()
	if isinstance(value, date):
		return value
	try:
		return date.fromisoformat(str(value)[:10])
	except ValueError:
		raise QueryError(f"{label} is not a date (YYYY-MM-DD): {value}")


def parse_types(event_types) -> tuple[str, ...]:
	if event_types in (None, "", []):
		return ()
	if isinstance(event_types, str):
		text = event_types.strip()
		if text.startswith("["):
			try:
				event_types = json.loads(text)
			except ValueError:
				raise QueryError("event_types must be a list of types")
		else:
			event_types = text.split(",")
	if not isinstance(event_types, list | tuple):
		raise QueryError("event_types must be a list of types")
	types = tuple(dict.fromkeys(str(t).strip().lower() for t in event_types if str(t).strip()))
	unknown = [t for t in types if t not in EVENT_TYPES]
	if unknown:
		raise QueryError("unknown event type(s): " + ", ".join(unknown))
	return types


def parse_query(
	customer: str,
	cursor: str | None = None,
	limit=DEFAULT_LIMIT,
	event_types=None,
	from_date=None,
	to_date=None,
	search: str | None = None,
	actor: str | None = None,
	facet: str | None = None,
) -> TimelineQuery:
	try:
		limit = int(limit)
	except (TypeError, ValueError):
		raise QueryError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
	if not 1 <= limit <= MAX_LIMIT:
		raise QueryError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
	start, end = _as_date(from_date, "from_date"), _as_date(to_date, "to_date")
	if start and end and start > end:
		raise QueryError("from_date is after to_date")
	search = " ".join(str(search).split())[:100] if search else None
	actor = str(actor).strip() if actor else None
	if actor and len(actor) > ACTOR_LENGTH:
		raise QueryError("actor is not a user")
	if facet and facet not in FACETS:
		raise QueryError("unknown facet: " + str(facet)[:40])
	return TimelineQuery(
		customer=customer,
		limit=limit,
		event_types=parse_types(event_types),
		from_time=datetime.combine(start, time.min) if start else None,
		to_time=datetime.combine(end, time.min) + timedelta(days=1) if end else None,
		search=search or None,
		after=decode_cursor(cursor) if cursor else None,
		actor=actor or None,
		facet=facet or None,
	)


# ---------------------------------------------------------------- full-text search

# InnoDB's built-in stopword list (information_schema.INNODB_FT_DEFAULT_STOPWORD): the FULLTEXT index holds none
# of these words, so a required `+the*` would match nothing.
INNODB_STOPWORDS = frozenset(
	"a about an are as at be by com de en for from how i in is it la of on or that the this to was what when"
	" where who will with und www".split()
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchPlan:
	"""How a search runs: `fulltext` is a MATCH ... AGAINST expression in boolean mode (every indexed word
	required, as a prefix) over title, summary and the long text; `like` are texts each of which must appear in
	the title or the summary (words the index cannot hold, or the whole search when it has no indexed word)."""

	fulltext: str | None
	like: tuple[str, ...]


def search_plan(
	search: str | None,
	min_token: int = 3,
	max_token: int = 84,
	stopwords: frozenset[str] = INNODB_STOPWORDS,
) -> SearchPlan | None:
	"""The user's words, never their syntax: only word characters reach MATCH, so boolean operators
	(+ - < > ( ) ~ * " @) typed by the user mean nothing. Words shorter than the index's minimum token size
	(innodb_ft_min_token_size) or on its stopword list fall back to LIKE on the title and summary."""
	if not search:
		return None
	words = list(dict.fromkeys(w.lower() for w in _WORD.findall(search)))
	indexed = [w for w in words if min_token <= len(w) <= max_token and w not in stopwords]
	if not indexed:
		return SearchPlan(fulltext=None, like=(search,))
	rest = tuple(w for w in words if w not in indexed)
	return SearchPlan(fulltext=" ".join(f"+{w}*" for w in indexed), like=rest)

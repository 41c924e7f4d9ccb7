"""Timeline vocabulary, event identity, keyset cursors and query validation. Pure Python.

An event is one row of the Customer Timeline Event index. Its name is derived from what it describes, so
writing the same event twice is an upsert (idempotent indexing), never a duplicate.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

EVENT_TYPES = ("money", "sales", "support", "message", "note", "interaction", "task", "file", "system")

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
SUMMARY_LENGTH = 280
TITLE_LENGTH = 140


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
	name: str = field(default="")

	def __post_init__(self):
		if self.event_type not in EVENT_TYPES:
			raise ValueError(f"unknown event type {self.event_type!r}")
		self.title = clip(self.title, TITLE_LENGTH) or self.source_name
		self.summary = clip(self.summary, SUMMARY_LENGTH)
		self.cancelled = int(bool(self.cancelled))
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
	return TimelineQuery(
		customer=customer,
		limit=limit,
		event_types=parse_types(event_types),
		from_time=datetime.combine(start, time.min) if start else None,
		to_time=datetime.combine(end, time.min) + timedelta(days=1) if end else None,
		search=search or None,
		after=decode_cursor(cursor) if cursor else None,
	)

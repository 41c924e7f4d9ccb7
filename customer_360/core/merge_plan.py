"""Planning a customer merge and its undo. Pure Python.

The Frappe adapter checks a request with `validate_request`, shows `field_conflicts` and `preview_counts`,
takes the locks from `lock_keys`, re-points every row it finds and records each one as a `ManifestRow` next to
the loser's full snapshot. Undo reads the manifest back: `undo_blockers` says whether it is still safe and
`undo_plan` lists the updates that put every row back.

Undo is all or nothing: a row that someone re-pointed after the merge (or deleted) is not ours to move back,
and moving the others would leave the customer half restored, so any blocker refuses the whole undo.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

LOCK_PREFIX = "customer_360:merge_lock:"
ROW_KINDS = ("link", "dynamic", "party", "child")


class MergeError(ValueError):
	"""A merge or undo request that cannot go ahead. `str()` is an English sentence (logs, the pure tests);
	`code` and `params` let the adapter render the sentence for the reader, translated and escaped."""

	def __init__(self, message: str, code: str = "", **params):
		super().__init__(message)
		self.code = code
		self.params = params


def _names(names: Iterable[str]) -> str:
	return ", ".join(sorted(names))


def request_shape(
	survivor: str, losers: Iterable[str], max_losers: int | None = None
) -> tuple[str, list[str]]:
	"""(survivor, losers) trimmed and de-duplicated in the order given, or MergeError: the checks that need no
	database, so an adapter can run them before it looks anything up."""
	survivor = (survivor or "").strip()
	cleaned = list(dict.fromkeys(n.strip() for n in losers or () if n and n.strip()))
	if not survivor:
		raise MergeError("choose the customer that survives the merge", "no_survivor")
	if not cleaned:
		raise MergeError("choose at least one duplicate to merge into the survivor", "no_losers")
	if survivor in cleaned:
		raise MergeError(f"cannot merge a customer into itself: {survivor}", "itself", customer=survivor)
	if max_losers is not None and len(cleaned) > max_losers:
		raise MergeError(f"merge at most {max_losers} duplicates at a time", "too_many", limit=max_losers)
	return survivor, cleaned


def validate_request(
	survivor: str,
	losers: Iterable[str],
	exists: Mapping[str, bool],
	disabled: Mapping[str, bool],
	locked: set[str],
	max_losers: int | None = None,
) -> list[str]:
	"""The losers, trimmed and de-duplicated in the order given, or MergeError saying what is wrong.

	A disabled loser is fine (merging away an old disabled copy is the usual case); a disabled survivor is
	not, since everything would move onto a customer nobody can use. `locked`: every customer a merge or
	undo has not finished with (queued, running or undoing), whatever holds that state.
	"""
	survivor, cleaned = request_shape(survivor, losers, max_losers)
	unknown = [n for n in (survivor, *cleaned) if not exists.get(n)]
	if unknown:
		raise MergeError(f"unknown customer(s): {_names(unknown)}", "unknown", customers=sorted(unknown))
	if disabled.get(survivor):
		raise MergeError(
			f"the surviving customer {survivor} is disabled; enable it or choose another survivor",
			"disabled",
			customer=survivor,
		)
	busy = {survivor, *cleaned} & set(locked)
	if busy:
		raise MergeError(
			f"already being merged or unmerged: {_names(busy)}; try again when that finishes",
			"busy",
			customers=sorted(busy),
		)
	return cleaned


def _empty(value: object) -> bool:
	return value is None or (isinstance(value, str) and not value.strip())


def _same(a: object, b: object) -> bool:
	if isinstance(a, str) and isinstance(b, str):
		return a.strip() == b.strip()  # a stray space is not a conflict worth asking about
	return a == b


@dataclass
class FieldConflict:
	field: str
	label: str
	values: dict[str, object]  # customer name -> non-empty value, survivor first


def field_conflicts(survivor: dict, losers: list[dict], fields: Mapping[str, str]) -> list[FieldConflict]:
	"""Fields (in `fields` order, fieldname -> label) where the customers hold different non-empty values.
	Each customer dict carries its "name". An empty value never conflicts: it is filled, see resolve_fields."""
	conflicts = []
	for fieldname, label in fields.items():
		values = {c["name"]: c.get(fieldname) for c in (survivor, *losers) if not _empty(c.get(fieldname))}
		distinct = []
		for v in values.values():
			if not any(_same(v, d) for d in distinct):
				distinct.append(v)
		if len(distinct) > 1:
			conflicts.append(FieldConflict(fieldname, label, values))
	return conflicts


def resolve_fields(
	survivor: dict, losers: list[dict], fields: Mapping[str, str], choices: Mapping[str, str]
) -> dict:
	"""Updates {field: value} to apply to the survivor.

	`choices` maps a field to the customer whose value wins (the survivor or a loser); an explicit choice is
	applied as it is. A field without a choice keeps the survivor's value, or when that is empty takes the
	first loser that has one, so the merge loses nothing it could keep.
	"""
	by_name = {c["name"]: c for c in (survivor, *losers)}
	unknown_fields = sorted(set(choices) - set(fields))
	if unknown_fields:
		raise MergeError(
			f"no such field to choose: {_names(unknown_fields)}", "no_field", fields=unknown_fields
		)
	updates = {}
	for fieldname in fields:
		current = survivor.get(fieldname)
		if fieldname in choices:
			chosen = choices[fieldname]
			if chosen not in by_name:
				raise MergeError(
					f"{fieldname}: {chosen} is not one of the customers being merged",
					"not_merged",
					field=fieldname,
					customer=chosen,
				)
			value = by_name[chosen].get(fieldname)
		elif _empty(current):
			value = next((c.get(fieldname) for c in losers if not _empty(c.get(fieldname))), current)
		else:
			continue
		if value != current:
			updates[fieldname] = value
	return updates


@dataclass(frozen=True)
class ManifestRow:
	"""One field of one document re-pointed by a merge."""

	doctype: str
	name: str
	field: str
	old_value: str
	new_value: str
	kind: str = "link"  # link | dynamic (Dynamic Link) | party (party_type/party pairs) | child (table row)

	def __post_init__(self):
		if self.kind not in ROW_KINDS:
			raise ValueError(f"unknown manifest row kind: {self.kind}")

	@property
	def key(self) -> tuple[str, str, str]:
		return (self.doctype, self.name, self.field)

	def as_dict(self) -> dict:
		return asdict(self)


class _Deleted:
	def __repr__(self) -> str:
		return "DELETED"


# The current value of a row whose document no longer exists (a missing key means the same).
DELETED = _Deleted()


@dataclass
class UndoBlocker:
	doctype: str
	name: str
	field: str
	expected: str
	found: str
	reason: str

	def __str__(self) -> str:
		where = f"{self.doctype} {self.name}" + (f" ({self.field})" if self.field else "")
		return f"{where}: {self.reason}"


def _text(value: object) -> str:
	return "" if value is None else str(value)


def undo_blockers(
	rows: Iterable[ManifestRow],
	current: Mapping[tuple[str, str, str], object],
	survivor_exists: bool,
	loser_name_taken: Mapping[str, bool],
	survivor: str = "",
) -> list[UndoBlocker]:
	"""Everything that makes the undo unsafe; an empty list means it may go ahead.

	`current` holds each row's field value now, keyed by (doctype, name, field), with DELETED (or no key) for
	a document that is gone. A row blocks when its document is gone or the field no longer holds what the
	merge wrote. The customer-level blockers (survivor gone, a loser's name reused) come first.
	"""
	blockers = []
	if not survivor_exists:
		blockers.append(
			UndoBlocker(
				"Customer", survivor, "", "exists", "deleted", "the surviving customer no longer exists"
			)
		)
	for loser, taken in sorted(loser_name_taken.items()):
		if taken:
			blockers.append(
				UndoBlocker(
					"Customer",
					loser,
					"",
					"free",
					"taken",
					"the name is used by another customer now; rename that one before undoing",
				)
			)
	row_blockers = []
	for row in rows:
		found = current.get(row.key, DELETED)
		if found is DELETED:
			row_blockers.append(
				UndoBlocker(
					*row.key, row.new_value, "deleted", "deleted since the merge; cannot restore its link"
				)
			)
		elif _text(found) != row.new_value:
			row_blockers.append(
				UndoBlocker(
					*row.key,
					row.new_value,
					_text(found),
					f"changed since the merge: expected {row.new_value!r}, found {_text(found)!r}",
				)
			)
	return blockers + sorted(row_blockers, key=lambda b: (b.doctype, b.name, b.field))


def undo_plan(rows: Iterable[ManifestRow]) -> list[ManifestRow]:
	"""The updates that reverse a merge: each row with old and new swapped, by doctype, then document, then
	field, so a retried undo runs in the same order. A field listed twice is restored once, to the value
	the first row recorded: that one was there before the merge."""
	reverse: dict[tuple[str, str, str], ManifestRow] = {}
	for row in rows:
		reverse.setdefault(
			row.key, ManifestRow(row.doctype, row.name, row.field, row.new_value, row.old_value, row.kind)
		)
	return [reverse[k] for k in sorted(reverse)]


def preview_counts(rows: Iterable[ManifestRow]) -> dict[str, int]:
	"""Documents that will move, per doctype, most first. A document with several re-pointed fields counts
	once: the preview tells the user how many records move, not how many fields."""
	counts = Counter(doctype for doctype, _name in {(r.doctype, r.name) for r in rows})
	return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def lock_keys(customers: Iterable[str]) -> list[str]:
	"""One lock per customer, sorted, so a merge of A into B and an undo touching B collide on B and two
	operations always take their locks in the same order (no deadlock)."""
	return [LOCK_PREFIX + n for n in sorted({c.strip() for c in customers if c and c.strip()})]


# ---------------------------------------------------------------- watchdog

# RQ job states in which the job has not run yet: alive, however long the queue takes.
WAITING = frozenset({"queued", "deferred", "scheduled"})


def job_is_dead(
	status: str | None,
	*,
	seconds_in_state: float,
	worker_alive: bool | None = None,
	heartbeat_age: float | None = None,
	grace: float = 120,
	stale: float = 180,
) -> bool:
	"""Whether the job behind a queued, running or undoing merge log is gone for good.

	`status` is the RQ job's status, None when Redis has no such job. A job not in Redis yet is alive during
	`grace` seconds (it is enqueued after the request commits); a waiting job is alive whatever the queue
	delay; a started job is dead when its worker is gone or has not sent a heartbeat for `stale` seconds (a
	killed worker leaves its job "started" for hours); any other state (finished, failed, stopped, canceled)
	means the job ended without finishing the log.
	"""
	if status is None:
		return seconds_in_state > grace
	if status in WAITING:
		return False
	if status == "started":
		if worker_alive is False:
			return True
		return heartbeat_age is not None and heartbeat_age > stale
	return True

"""The audit trail's paging: entries from several sources merged newest first, keyset-paged on (at, key).
Pure Python.

Each source returns its newest `limit + 1` entries at or before the cursor's time; merging them, dropping what
is not strictly after the cursor in (at desc, key desc) order and keeping `limit` gives the same page however
the sources interleave, so page 50 costs what page 1 costs.
"""

from __future__ import annotations

from datetime import datetime

from customer_360.core.wording import _lt

KINDS = (
	"customer_created",
	"field_changed",
	"record_created",
	"record_edited",
	"record_deleted",
	"note_scope_changed",
	"flag_raised",
	"flag_resolved",
	"merged",
	"merge_undone",
	"suggestion_accepted",
	"suggestion_dismissed",
	"task_created",
	"task_closed",
	"tag_added",
	"file_added",
	"exported",
)
# Marked for the translation extractor; the API translates them for each reader.
KIND_LABELS = {
	"customer_created": _lt("Customer created"),
	"field_changed": _lt("Fields changed"),
	"record_created": _lt("Created"),
	"record_edited": _lt("Edited"),
	"record_deleted": _lt("Deleted"),
	"note_scope_changed": _lt("Note scope changed"),
	"flag_raised": _lt("Risk flag raised"),
	"flag_resolved": _lt("Risk flag resolved"),
	"merged": _lt("Merged"),
	"merge_undone": _lt("Merge undone"),
	"suggestion_accepted": _lt("Suggestion accepted"),
	"suggestion_dismissed": _lt("Suggestion dismissed"),
	"task_created": _lt("Task created"),
	"task_closed": _lt("Task closed"),
	"tag_added": _lt("Tag added"),
	"file_added": _lt("File added"),
	"exported": _lt("Exported or printed"),
}
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def entry(kind: str, at: datetime, actor: str | None, key: str, **details) -> dict:
	if kind not in KINDS:
		raise ValueError(f"unknown audit kind {kind!r}")
	return {"kind": kind, "at": at, "actor": actor, "key": f"{kind}:{key}", **details}


def page(entries: list[dict], after: tuple[datetime, str] | None, limit: int) -> tuple[list[dict], bool]:
	"""The `limit` newest entries strictly after the cursor (in newest-first order), and whether more follow."""
	ordered = sorted(entries, key=lambda e: (e["at"], e["key"]), reverse=True)
	if after is not None:
		ordered = [e for e in ordered if (e["at"], e["key"]) < after]
	return ordered[:limit], len(ordered) > limit

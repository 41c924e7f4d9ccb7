"""Make the stored Customer Risk Flags match what the rules detect: raise new automatic flags, resolve those whose
condition cleared, and resolve any flag past its expiry date.

The nightly job and the per-customer jobs can run at the same time; two of them raising the same flag would
leave duplicates. So `sync` runs under one named database lock and reads the open flags after taking it
(the caller commits first, so it reads a fresh snapshot that includes what the other job just committed).
Flags are saved as documents (validation, Version history, hooks): after the first run only a handful change
per night, so this is not where the time goes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import frappe
from frappe import _

from customer_360.core import risk
from customer_360.core.risk import Detection
from customer_360.risk_health import evidence, wording
from customer_360.risk_health.common import Windows
from customer_360.risk_health.facts import active_flags

FLAG = "Customer Risk Flag"
LOCK_TIMEOUT = 120  # seconds a per-customer job waits for the nightly job's flag step


@dataclass
class FlagChanges:
	raised: int = 0
	resolved: int = 0
	expired: int = 0
	failed: int = 0

	@property
	def any(self) -> bool:
		return bool(self.raised or self.resolved or self.expired)


@contextmanager
def flag_lock() -> Iterator[None]:
	# GET_LOCK names are server-wide: include the database so two sites on one server do not wait on each other.
	name = f"{frappe.conf.db_name}:c360_risk_flags"[-64:]
	if not frappe.db.sql("select get_lock(%s, %s)", (name, LOCK_TIMEOUT))[0][0]:
		frappe.throw(_("Risk flags are being updated by another job; try again in a minute."))
	try:
		yield
	finally:
		frappe.db.sql("select release_lock(%s)", (name,))


def sync(detections: dict[str, dict[str, Detection]], scope: list[str] | None, w: Windows) -> FlagChanges:
	"""Apply the plan for every customer in `detections` (customer -> risk.detect() result). Run under
	flag_lock() on a fresh snapshot."""
	changes = FlagChanges()
	expire(scope, w, changes)
	active = active_flags(scope)
	to_raise: dict[str, list[Detection]] = {}
	to_resolve: list[str] = []
	for customer, found in detections.items():
		open_flags = active.get(customer, {})
		new, cleared = risk.plan({name: flag_type for name, (flag_type, _s) in open_flags.items()}, found)
		if new:
			to_raise[customer] = new
		# A person's flag of an automatic type prevents a duplicate, but only a person closes it.
		to_resolve += [name for name in cleared if open_flags[name][1] == "automatic"]
	evidence.fill(to_raise, w)
	for customer, new in to_raise.items():
		for detection in new:
			_guarded(changes, "raised", _raise, customer, detection)
	note = _("Resolved automatically: the condition no longer held on {0}.").format(w.today)
	for name in to_resolve:
		_guarded(changes, "resolved", _resolve, name, note)
	return changes


def expire(scope, w: Windows, changes: FlagChanges) -> None:
	# Frappe compares a missing date as 0001-01-01 ("<" is true for it): an unset expiry must be excluded.
	filters = [["status", "=", "active"], ["expires_on", "is", "set"], ["expires_on", "<", w.today]]
	if scope is not None:
		filters.append(["customer", "in", scope])
	for name, expires_on in frappe.get_all(
		FLAG, filters=filters, fields=["name", "expires_on"], as_list=True
	):
		_guarded(changes, "expired", _resolve, name, _("Expired on {0}.").format(expires_on))


def _guarded(changes: FlagChanges, counter: str, fn, *args) -> None:
	"""One bad flag (say, evidence pointing at a document deleted meanwhile) must not stop the night's run."""
	frappe.db.savepoint("c360_flag")
	try:
		fn(*args)
		setattr(changes, counter, getattr(changes, counter) + 1)
	except Exception:
		frappe.db.rollback(save_point="c360_flag")
		changes.failed += 1
		frappe.log_error(f"customer_360: could not update risk flag ({counter}: {args[0]})")


def _raise(customer: str, detection: Detection) -> None:
	# Every reader of the flag sees `reason`: it is written without amounts; the API renders per reader.
	stored = wording.for_storage(detection.reason)
	doc = frappe.get_doc(
		{
			"doctype": FLAG,
			"customer": customer,
			"flag_type": detection.flag_type,
			"status": "active",
			"source": "automatic",
			"reason": stored["text"],
			"reason_code": stored["code"],
			"reason_params": stored["params"],
			"reason_figures": stored["figures"],
			"evidence": [
				{"reference_doctype": dt, "reference_name": name} for dt, name in detection.evidence
			],
		}
	)
	doc.flags.c360_automatic = True  # only the rules may write an automatic flag (see the controller)
	doc.insert(ignore_permissions=True)


def _resolve(name: str, resolution: str) -> None:
	doc = frappe.get_doc(FLAG, name)
	doc.status = "resolved"
	doc.resolution = resolution
	doc.flags.c360_automatic = True
	doc.flags.ignore_links = True  # evidence may name a document deleted since; that must not block resolving
	doc.save(ignore_permissions=True)

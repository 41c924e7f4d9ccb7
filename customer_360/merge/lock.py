"""One Redis lock per customer, so no two requests take the same customers at once.

Taken by the request (so a second request is refused at once, with a clear message) and released by the job
when it ends, whatever the outcome. Each key holds the merge log's name as owner; it expires after TTL seconds
so a killed worker cannot lock a customer forever, and the job refreshes it while it runs.

The lock is the fast, atomic half of "busy". The other half is the log itself: a Queued, Running or Undoing log
keeps its customers busy however long the queue takes, after its lock expired too (customer_360.merge.state).
"""

from __future__ import annotations

from collections.abc import Iterable

import frappe
from frappe import _
from frappe.utils import escape_html

from customer_360.core.merge_plan import LOCK_PREFIX, lock_keys
from customer_360.messages import bold

TTL = 3600


def _key(lock_key: str) -> str:
	return frappe.cache.make_key(lock_key)


def _customer(lock_key: str) -> str:
	return lock_key[len(LOCK_PREFIX) :]


def locked(customers: Iterable[str]) -> set[str]:
	"""The customers someone holds a lock on now."""
	return set(owners(customers))


def owners(customers: Iterable[str]) -> dict[str, str]:
	"""{customer: the merge log holding its lock} for the locked ones."""
	out = {}
	for k in lock_keys(customers):
		value = frappe.cache.get(_key(k))
		if value:
			out[_customer(k)] = value.decode() if isinstance(value, bytes) else str(value)
	return out


def acquire(customers: Iterable[str], owner: str, ttl: int = TTL) -> None:
	"""All the customers' locks or none: keys are taken in sorted order (no deadlock between two callers)."""
	taken = []
	for k in lock_keys(customers):
		if frappe.cache.set(_key(k), owner, nx=True, ex=ttl):
			taken.append(k)
			continue
		for t in taken:
			frappe.cache.delete(_key(t))
		busy = sorted(locked(customers))
		frappe.throw(
			_("Already being merged or unmerged: {0}. Try again when that finishes.").format(
				", ".join(bold(b) for b in busy)
			),
			frappe.ValidationError,
			title=_("Customer busy"),
		)


def _owned(k: str, owner: str) -> bool:
	value = frappe.cache.get(_key(k))
	if isinstance(value, bytes):
		value = value.decode()
	return value == owner


def refresh(customers: Iterable[str], owner: str, ttl: int = TTL) -> None:
	for k in lock_keys(customers):
		if _owned(k, owner):
			frappe.cache.expire(_key(k), ttl)


def take(customers: Iterable[str], owner: str, ttl: int = TTL) -> list[str]:
	"""For a job that starts: keep the locks it owns, take the free ones (expired while it waited in the
	queue). Returns the customers locked by someone else (the job must not run), taking nothing then."""
	keys = lock_keys(customers)
	others = []
	for k in keys:
		value = frappe.cache.get(_key(k))
		if isinstance(value, bytes):
			value = value.decode()
		if value and value != owner:
			others.append(_customer(k))
	if others:
		return others
	for k in keys:
		if not frappe.cache.set(_key(k), owner, nx=True, ex=ttl) and not _owned(k, owner):
			others.append(_customer(k))  # taken between the two looks
	if others:
		release(customers, owner)
		return others
	refresh(customers, owner, ttl)
	return []


def release(customers: Iterable[str], owner: str) -> None:
	"""Drop the locks this owner holds (never another operation's)."""
	for k in lock_keys(customers):
		if _owned(k, owner):
			frappe.cache.delete(_key(k))

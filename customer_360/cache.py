"""Cached per-customer reads (the money panel's figures, the health panel's signals): the UNMASKED result of an
expensive computation, kept in Redis and shared by every reader, keyed by the customer, the arguments and the
index version.

Invalidation is the timeline counts' own: the index version (customer_360.indexer.store) is bumped by every
index write, and once by every transaction that changed a source document, when it commits (customer_360.events
calls changing / committed / rolled_back below), so a new invoice or payment is never answered from an older
entry. That transaction's own reads, while it is open, bypass the cache (neither read nor written: no entry holds
uncommitted figures, none outlives a rollback), which keeps the ERP's hooks free of Redis calls. The version is
read before computing: a write that lands meanwhile leaves the entry under a version nobody reads again. A TTL
bounds what no document event announces (a credit limit edited on the Customer, a setting).

What a reader may see is decided outside: the caller resolves the reader's rights first (which customers and
companies it may read, its capabilities), computes or fetches only what those allow, and masks after the cache
with core.masking. An entry therefore never carries one reader's rights to another. Entries are read from Redis
every time (`expires=True`: not from Frappe's per-request copy, which would also remember a miss), so each caller
gets its own unpickled object and masking it in place cannot alter the entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import frappe

from customer_360.indexer.store import bump_version, index_version

PREFIX = "customer_360:read:"
TTL_SECONDS = 600


def _key(kind: str, customer: str, args) -> str:
	raw = frappe.as_json([index_version(), args], indent=None)
	return f"{PREFIX}{kind}:{customer}:{hashlib.sha1(raw.encode()).hexdigest()}"


def get_or_compute(kind: str, customer: str, args, compute: Callable[[], object], ttl: int = TTL_SECONDS):
	"""`compute()`'s result for (kind, customer, args) at the current index version, from the cache when there.
	`args` must be JSON-serialisable and hold everything the result depends on besides the customer."""
	if getattr(frappe.local, "c360_uncached", False):
		return compute()
	key = _key(kind, customer, args)
	found = frappe.cache.get_value(key, expires=True)
	if found is None:
		found = compute()
		frappe.cache.set_value(key, found, expires_in_sec=ttl)  # pickled now: the caller may change `found`
	return found


def forget(kind: str, customer: str | None = None) -> None:
	"""Drop the entries of one kind (for one customer, or all): for changes no version bump announces."""
	frappe.cache.delete_keys(f"{PREFIX}{kind}:{customer}:" if customer else f"{PREFIX}{kind}:")


# ---------------------------------------------------------------- a transaction that changes source documents


def changing() -> None:
	"""A source document changed in the open transaction: its own reads bypass the cache until it ends."""
	frappe.local.c360_uncached = True


def committed() -> None:
	"""That transaction committed: every entry cached before is stale (one INCR, whatever it changed)."""
	frappe.local.c360_uncached = False
	bump_version()


def rolled_back() -> None:
	"""Nothing was cached while it was open, so nothing is stale."""
	frappe.local.c360_uncached = False

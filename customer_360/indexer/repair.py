"""Reconcile: the scheduled repair of whatever a hook missed (a failed job, a worker that was down, raw SQL)."""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe.utils import get_datetime, now_datetime

from customer_360.indexer.live import index_documents
from customer_360.indexer.store import (
	BATCH,
	TABLE,
	bump_version,
	get_sources,
	read_rows,
)

_RECONCILE_KEY = "customer_360:reconciled_until"
# A document's `modified` is set when its transaction writes it, not when it commits: one that committed just
# after the last run started can carry an earlier time. Each run re-reads this much before its bookmark.
RECONCILE_MARGIN = timedelta(minutes=15)


def reconcile_since(bookmark):
	"""Where a reconcile run starts reading: the last run's start, less the margin (None: from the start)."""
	return get_datetime(bookmark) - RECONCILE_MARGIN if bookmark else None


def reconcile(full: bool = False) -> dict:
	"""Scheduled repair. Re-indexes every source document modified since the last run (a failed hook, a
	worker that was down, a change made with raw SQL), and drops events whose source document is gone."""
	bookmark = None if full else frappe.cache.get_value(_RECONCILE_KEY)
	since = reconcile_since(bookmark)
	started = now_datetime()
	reindexed = 0
	for source in get_sources():
		after = ""
		while True:
			cond, values = "name > %(after)s", {"after": after}
			if since:
				cond += " and modified >= %(since)s"
				values["since"] = since
			names = [r["name"] for r in read_rows(source, cond, values, limit=BATCH)]
			if not names:
				break
			index_documents((source.doctype, n) for n in names)
			reindexed += len(names)
			after = names[-1]
	for source in get_sources():
		frappe.db.sql(
			f"delete e from `{TABLE}` e left join `tab{source.doctype}` s on s.name = e.source_name"
			" where e.source_doctype = %s and s.name is null",
			source.doctype,
		)
	frappe.db.sql(
		f"delete e from `{TABLE}` e left join `tabCustomer` c on c.name = e.customer where c.name is null"
	)
	frappe.db.commit()
	bump_version()
	frappe.cache.set_value(_RECONCILE_KEY, started)
	return {"reindexed": reindexed}

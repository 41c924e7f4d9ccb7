"""Full-text search on the timeline (issue 16): the FULLTEXT index, and the long text of the events already
indexed. New events carry their text from the indexer; this fills the rows written before the column existed,
set-based (one INSERT ... SELECT per 10,000 source documents, as the backfill does), for every source that
keeps a long text. Idempotent: running it again rewrites the same rows."""

from customer_360.customer_360.doctype.customer_timeline_event.customer_timeline_event import (
	ensure_fulltext_index,
)
from customer_360.indexer.history import reindex_sql
from customer_360.indexer.store import get_sources


def searchable_sources() -> list:
	"""Sources whose set-based mapping writes a long text (emails, notes, interactions)."""
	return [s for s in get_sources() if s.sql_events and any(e.search_text != "NULL" for e in s.sql_events)]


def execute():
	ensure_fulltext_index()
	for source in searchable_sources():
		reindex_sql(source)

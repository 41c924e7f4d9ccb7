"""Writes the timeline index from the sources, by concept:

store.py    the sources a site has, reading their rows, writing events (idempotent upserts, set-based or not)
live.py     per document, in an RQ job after commit (`index_documents`, queued by events.py, one per transaction;
            it then queues that transaction's follow-ups, such as health recomputes)
history.py  backfill: all history, resumable, in parallel lanes, with progress
repair.py   reconcile: the hourly repair of whatever a hook missed

The names below are the entry points that hooks, queued jobs and bench commands name
(`customer_360.indexer.reconcile`, `customer_360.indexer.index_documents`, `customer_360.indexer.backfill`).
"""

from customer_360.indexer.history import _STATE_KEY, BACKFILL_JOB, DEFAULT_WORKERS, backfill, enqueue_backfill
from customer_360.indexer.live import index_documents
from customer_360.indexer.repair import reconcile
from customer_360.indexer.store import bump_version

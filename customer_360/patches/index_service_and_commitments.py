"""Service, installed base and commitment sources (issue 16) on a site that had the app before them: index
their history once, set-based (one INSERT ... SELECT per 10,000 source documents, as the backfill does), so an
upgrade needs no manual backfill. A fresh install marks patches done and its install backfill covers them.
Idempotent: running it again rewrites the same rows."""

from customer_360.indexer.history import reindex_sql
from customer_360.indexer.store import get_source

DOCTYPES = (
	"Installation Note",
	"Maintenance Schedule",
	"Maintenance Visit",
	"Warranty Claim",
	"Serial No",
	"Contract",
	"Subscription",
	"Project",
	"Task",
	"Blanket Order",
)


def execute():
	for doctype in DOCTYPES:
		source = get_source(doctype)  # None when the site lacks the doctype
		if source and source.sql_events:
			reindex_sql(source)

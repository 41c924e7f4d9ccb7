"""Customer Timeline Event: the read index behind the 360 timeline.

Rows are written in bulk by customer_360.indexer (never through Document.insert: backfill must do tens of
thousands of rows a second). Read access is limited to System Manager / Customer 360 Manager here; everyone
else reads through customer_360.api.timeline, which filters by source doctype permission, Company user
permissions and finance masking.
"""

import frappe
from frappe.model.document import Document


class CustomerTimelineEvent(Document):
	pass


def on_doctype_update():
	# "customer, newest first" with a stable tie-breaker: the keyset cursor is (event_time, name).
	frappe.db.add_index("Customer Timeline Event", ["customer", "event_time", "name"], "customer_time_index")
	# Type counts for the filter chips, and one-type pages.
	frappe.db.add_index(
		"Customer Timeline Event", ["customer", "event_type", "event_time"], "customer_type_index"
	)
	# Covers the counts query (type x readable source doctypes x allowed companies) without touching rows:
	# first-page counts over 100k events read only this index.
	frappe.db.add_index(
		"Customer Timeline Event",
		["customer", "event_type", "source_doctype", "company", "event_time"],
		"customer_counts_index",
	)
	# Re-indexing one source document replaces its rows.
	frappe.db.add_index("Customer Timeline Event", ["source_doctype", "source_name"], "source_index")

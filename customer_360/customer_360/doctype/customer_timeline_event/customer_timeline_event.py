"""Customer Timeline Event: the read index behind the 360 timeline.

Rows are written in bulk by customer_360.indexer (never through Document.insert: backfill must do tens of
thousands of rows a second). Read access is limited to System Manager / Customer 360 Manager here; everyone
else reads through customer_360.api.timeline, which filters by source doctype permission, Company user
permissions and finance masking.
"""

import frappe
from frappe.model.document import Document

from customer_360.compat import NO_OBJECTION

NOTE = "Customer Note"


class CustomerTimelineEvent(Document):
	pass


def _note_condition(user: str) -> str | None:
	"""SQL that hides note events (their summary is the note's text) outside the user's readable scopes.
	None when the user reads every scope. Customer 360 Manager reads this table, and an administrator may have
	narrowed that role's scopes in the settings."""
	from customer_360.core.capabilities import NOTE_SCOPES
	from customer_360.core.notes import readable_note_kinds
	from customer_360.permissions import get_capabilities

	if user == "Administrator":
		return None
	scopes = get_capabilities(user).note_scopes
	if set(NOTE_SCOPES) <= set(scopes):
		return None
	kinds = ", ".join(frappe.db.escape(k) for k in readable_note_kinds(scopes)) or "''"
	return (
		f"(`tabCustomer Timeline Event`.source_doctype != '{NOTE}'"
		f" or `tabCustomer Timeline Event`.kind in ({kinds})"
		f" or `tabCustomer Timeline Event`.actor = {frappe.db.escape(user)})"
	)


def _party_condition(user: str) -> str | None:
	"""SQL that hides the events of Lead / Prospect records from a user who may not read them, as the timeline
	does (indexer.store.party_gate). None when nothing is hidden."""
	from customer_360.indexer.store import party_gate

	gate = party_gate(user)
	if not gate:
		return None
	doctypes = ", ".join(frappe.db.escape(d) for d in gate["doctypes"])
	patterns = [frappe.db.escape(p.replace("_", "\\_") + "%") for p in gate["prefixes"]]
	kinds = " or ".join(f"`tabCustomer Timeline Event`.kind like {p}" for p in patterns)
	return f"not (`tabCustomer Timeline Event`.source_doctype in ({doctypes}) and ({kinds}))"


def get_permission_query_conditions(user=None, doctype=None):
	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	return " and ".join(c for c in (_note_condition(user), _party_condition(user)) if c)


def has_permission(doc, ptype=None, user=None, debug=False):
	"""NO_OBJECTION leaves DocPerm in charge; False hides a note event outside the user's scopes, or a Lead /
	Prospect record's event from a user who may not read that doctype."""
	user = user or frappe.session.user
	if user != "Administrator" and doc.source_doctype != NOTE:
		from customer_360.indexer.store import party_gate

		gate = party_gate(user)
		hidden = gate and doc.source_doctype in gate["doctypes"]
		if hidden and (doc.kind or "").startswith(tuple(gate["prefixes"])):
			return False
	if doc.source_doctype != NOTE or _note_condition(user) is None:
		return NO_OBJECTION
	from customer_360.core.notes import scope_of_kind
	from customer_360.permissions import may_read_note

	return NO_OBJECTION if may_read_note(scope_of_kind(doc.kind), doc.actor, user) else False


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
	# The People panel: messages and interactions per contact of one customer, from this index alone.
	frappe.db.add_index(
		"Customer Timeline Event",
		["customer", "contact", "event_type", "source_doctype", "company", "event_time"],
		"contact_activity_index",
	)
	# Re-indexing one source document replaces its rows.
	frappe.db.add_index("Customer Timeline Event", ["source_doctype", "source_name"], "source_index")
	# The actor filter ("what did this user do here"): one customer's events by one user, newest first.
	frappe.db.add_index(
		"Customer Timeline Event", ["customer", "actor", "event_time", "name"], "customer_actor_index"
	)
	ensure_fulltext_index()


TABLE = "tabCustomer Timeline Event"
FULLTEXT_INDEX = "search_fulltext"
# MATCH (...) must name exactly these columns, in this order (customer_360.timeline).
FULLTEXT_COLUMNS = ("title", "summary", "search_text")
FULLTEXT_READY_KEY = "customer_360:fulltext_ready"


def ensure_fulltext_index() -> None:
	"""The timeline search's FULLTEXT index over title, summary and the long text of emails and notes.
	Frappe's doctype JSON cannot declare one; added here (install, every migrate, the search_text patch)."""
	if not frappe.db.has_column("Customer Timeline Event", "search_text"):
		return  # before the doctype sync has added the column; the sync calls on_doctype_update again
	if not frappe.db.has_index(TABLE, FULLTEXT_INDEX):
		columns = ", ".join(f"`{c}`" for c in FULLTEXT_COLUMNS)
		frappe.db.sql_ddl(f"alter table `{TABLE}` add fulltext index `{FULLTEXT_INDEX}` ({columns})")
	frappe.cache.delete_value(FULLTEXT_READY_KEY)

"""Timeline sources: how one ERP document becomes timeline events.

One module per source doctype. Each defines `SOURCE`, a `Source` whose `to_events(row)` is pure Python, so the
mapping is unit-tested without a site. The indexer (a Frappe adapter) reads the rows and writes the events.

Other apps register more sources through the hook `customer_360_timeline_sources`: a list of dotted paths
to `Source` objects (see README).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from customer_360.core.timeline import Event


@dataclass(frozen=True)
class Source:
	doctype: str
	# Columns read from the source table (besides `name`, `creation`, `modified`, `owner`, `modified_by`).
	fields: tuple[str, ...]
	# SQL condition on the source table choosing the rows that produce events.
	where: str
	# SQL expression for the customer; None when `links_sql` resolves customers (e.g. emails via contacts).
	customer_column: str | None
	to_events: Callable[[dict], list[Event]]
	# Used when customer_column is None: links_sql(names) is a query returning (source_name, customer, contact),
	# where names(column) is the SQL condition choosing source names (an IN list, or a backfill key range).
	links_sql: Callable[[Callable[[str], str]], str] | None = None
	# The same mapping as to_events, as SQL (sources/sql.py): lets backfill run set-based inside MariaDB.
	# Optional for other apps' sources, which then backfill through to_events.
	sql_events: tuple | None = None
	# Set-based customer resolution when customer_column is None: (joins from `t`, customer expression) for the
	# customer a document names directly, and sql_links(names) for further (name, customer, contact) rows.
	sql_direct: tuple[str, str] | None = None
	sql_links: Callable[[Callable[[str], str]], str] | None = None
	# Further columns links_sql returns after (name, customer, contact), merged into the row handed to
	# to_events: figures that belong to one customer of a document (its lines of a journal entry).
	link_fields: tuple[str, ...] = ()
	# Records attached to the customer itself (comments, files, tasks, emails) are readable by whoever may read
	# the customer, as on ERPNext's own form timeline; other sources need read permission on their doctype.
	follows_customer: bool = False
	# ERPNext is deprecating some doctypes (Issue, Opportunity): skip the source when its doctype is absent.
	optional: bool = False
	# Doc events that re-index this source (everything that can change what it says on the timeline).
	doc_events: tuple[str, ...] = (
		"on_update",
		"on_submit",
		"on_cancel",
		"on_update_after_submit",
		"on_trash",
	)


BUILTIN_SOURCES = (
	"customer_360.sources.sales_invoice.SOURCE",
	"customer_360.sources.payment_entry.SOURCE",
	"customer_360.sources.sales_order.SOURCE",
	"customer_360.sources.quotation.SOURCE",
	"customer_360.sources.delivery_note.SOURCE",
	"customer_360.sources.issue.SOURCE",
	"customer_360.sources.opportunity.SOURCE",
	"customer_360.sources.communication.SOURCE",
	"customer_360.sources.todo.SOURCE",
	"customer_360.sources.file.SOURCE",
	"customer_360.sources.comment.SOURCE",
	"customer_360.sources.appointment.SOURCE",
	"customer_360.sources.customer_note.SOURCE",
	"customer_360.sources.customer_interaction.SOURCE",
	"customer_360.sources.installation_note.SOURCE",
	"customer_360.sources.maintenance_schedule.SOURCE",
	"customer_360.sources.maintenance_visit.SOURCE",
	"customer_360.sources.warranty_claim.SOURCE",
	"customer_360.sources.serial_no.SOURCE",
	"customer_360.sources.contract.SOURCE",
	"customer_360.sources.subscription.SOURCE",
	"customer_360.sources.project.SOURCE",
	"customer_360.sources.task.SOURCE",
	"customer_360.sources.blanket_order.SOURCE",
	"customer_360.sources.journal_entry.SOURCE",
	"customer_360.sources.pos_invoice.SOURCE",
	"customer_360.sources.dunning.SOURCE",
	"customer_360.sources.loyalty_point_entry.SOURCE",
	"customer_360.sources.lead.SOURCE",
	"customer_360.sources.event.SOURCE",
	"customer_360.sources.call_log.SOURCE",
	"customer_360.sources.customer.SOURCE",
	"customer_360.sources.customer_lifecycle_stage.SOURCE",
	"customer_360.sources.customer_merge_log.SOURCE",
)


def day_time(row: dict, date_field: str, time_field: str | None = None):
	"""Event instant for a document dated by day: its own time field, else the time of day it was created,
	so documents of one day keep the order they were made in."""
	from customer_360.core.timeline import combine

	created = row.get("creation")
	at = row.get(time_field) if time_field else None
	if at in (None, "") and created is not None:
		at = created.time()
	return combine(row.get(date_field), at, fallback=created)


def base_event(row: dict, **kwargs) -> Event:
	"""Fields every event takes from its source row."""
	values = {
		"customer": row["customer"],
		"source_name": row["name"],
		"company": row.get("company"),
		"contact": row.get("contact"),
		"actor": row.get("owner"),
		"cancelled": row.get("docstatus") == 2,
	}
	values.update(kwargs)
	return Event(**values)


def cancellation(row: dict, source_doctype: str, kind: str, event_type: str, title: str) -> Event:
	"""The moment a submitted document was cancelled (its last modification)."""
	return base_event(
		row,
		source_doctype=source_doctype,
		kind=kind,
		event_type=event_type,
		event_time=row["modified"],
		title=title,
		actor=row.get("modified_by"),
		cancelled=True,
	)


def voucher_events(
	row: dict,
	doctype: str,
	event_type: str,
	cancelled_kind: str,
	cancelled_title: str | None = None,
	**event,
) -> list[Event]:
	"""A submitted document (most ERP vouchers): its event, and once cancelled the cancellation, titled after
	it unless `cancelled_title` says otherwise. The contact is the document's contact person unless given.
	sql.voucher() is its set-based twin."""
	event.setdefault("contact", row.get("contact_person"))
	events = [base_event(row, source_doctype=doctype, event_type=event_type, **event)]
	if row.get("docstatus") == 2:
		title = cancelled_title or f"{event['title']} cancelled"
		events.append(cancellation(row, doctype, cancelled_kind, event_type, title))
	return events


def voucher_source(
	doctype: str, fields: tuple[str, ...], customer_column: str = "customer", **kwargs
) -> Source:
	"""The Source of a submitted document with a customer column: reads its company, docstatus and contact
	person besides its own `fields`, and indexes it once submitted (cancelled ones keep their events)."""
	kwargs.setdefault("where", "docstatus > 0")
	return Source(
		doctype=doctype,
		fields=(customer_column, "company", *fields, "docstatus", "contact_person"),
		customer_column=customer_column,
		**kwargs,
	)

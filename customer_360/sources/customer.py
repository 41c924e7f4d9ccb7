"""Milestones of the customer itself (the `system` event type): when it became a customer (and from which
Lead, Prospect or Opportunity), and its first purchase (its first submitted Sales Invoice that is not a return).

Both are read from the Customer row and one indexed lookup of its first invoice (install.ERP_INDEXES holds the
customer + posting date index), so they stay a source like any other: a pure mapper, its SQL twin and the
same live, backfill and reconcile paths. The Customer is re-indexed when it is saved and when one of its
invoices is submitted or cancelled (customer_360.first_contact). Dormancy is not a row's property (it depends
on today and on the settings), so it is not indexed here.
"""

from customer_360.core.timeline import combine
from customer_360.sources import Source, base_event, sql

DOCTYPE = "Customer"
_ORIGINS = (("lead_name", "lead"), ("prospect_name", "prospect"), ("opportunity_name", "opportunity"))
ORIGIN_FIELDS = tuple(field for field, _ in _ORIGINS)
# The customer's first invoice, found through the customer + posting date index.
FIRST_INVOICE = (
	"left join `tabSales Invoice` fi on fi.name = (select s.name from `tabSales Invoice` s"
	" where s.customer = t.name and s.docstatus = 1 and s.is_return = 0"
	" order by s.posting_date, s.posting_time, s.name limit 1)"
)


def _links(names) -> str:
	return (
		"select t.name as name, t.name as customer, null as contact, fi.name, fi.posting_date, fi.posting_time,"
		f" fi.company from `tabCustomer` t {FIRST_INVOICE} where {names('t.name')}"
	)


def to_events(row: dict) -> list:
	events = []
	origin = next(((label, row[field]) for field, label in _ORIGINS if row.get(field)), None)
	if origin:
		events.append(
			base_event(
				row,
				source_doctype=DOCTYPE,
				kind="became_customer",
				event_type="system",
				event_time=row["creation"],
				title="Became a customer",
				summary=f"From {origin[0]} {origin[1]}",
				company=None,
			)
		)
	if row.get("first_invoice"):
		events.append(
			base_event(
				row,
				source_doctype=DOCTYPE,
				kind="first_purchase",
				event_type="system",
				event_time=combine(row["first_invoice_date"], row.get("first_invoice_time")),
				title="First purchase",
				# No invoice number: this milestone shows to every reader of the customer, the invoice only to
				# readers of Sales Invoice (its own event on the timeline names it).
				summary=None,
				company=row.get("first_invoice_company"),
				actor=None,
			)
		)
	return events


_ORIGIN_SQL = " ".join(
	f"when {sql.given(f't.{field}')} then concat('From {label} ', t.{field})" for field, label in _ORIGINS
)
SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("became_customer"),
		event_type="system",
		event_time="t.creation",
		title=sql.lit("Became a customer"),
		summary=f"case {_ORIGIN_SQL} end",
		when=" or ".join(sql.given(f"t.{field}") for field, _ in _ORIGINS),
	),
	sql.SqlEvent(
		kind=sql.lit("first_purchase"),
		event_type="system",
		# combine(): the posting date at the posting time in whole seconds, midnight without one
		event_time="timestamp(fi.posting_date, coalesce(sec_to_time(floor(time_to_sec(fi.posting_time)) mod 86400), '00:00:00'))",
		title=sql.lit("First purchase"),
		company="fi.company",
		actor="NULL",
		when="fi.name is not null",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=("lead_name", "prospect_name", "opportunity_name"),
	where="1",
	customer_column=None,
	links_sql=_links,
	link_fields=("first_invoice", "first_invoice_date", "first_invoice_time", "first_invoice_company"),
	sql_direct=(FIRST_INVOICE, "t.name"),
	sql_events=SQL_EVENTS,
	to_events=to_events,
	follows_customer=True,
)

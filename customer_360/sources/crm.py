"""Frappe CRM (the optional app): deals, CRM leads, and the notes and calls logged on them.

Four sources, registered through the `customer_360_timeline_sources` hook and `optional`: on a site without
Frappe CRM their doctypes are absent and the registry skips them. CRM names organizations, not ERPNext customers:
a deal or CRM lead reaches the Customer named like its organization (CRM's ERPNext integration creates the
Customer under that name) and through its contact (a deal's contact; a CRM lead's email on a Contact) linked to
the Customer. A note or a call reaches the customers of the deal or CRM lead it was logged on."""

from customer_360.sources import Source, base_event, day_time, sql

DEAL, LEAD, NOTE, CALL = "CRM Deal", "CRM Lead", "FCRM Note", "CRM Call Log"
CLOSED = ("Won", "Lost")


def _links(doctype: str, names, deal_on: str | None, lead_on: str | None) -> str:
	"""(document, customer, contact) through the deal `d` and/or the CRM lead `l` the document belongs to."""
	head = f"select t.name as name, {{}} as customer, {{}} as contact from `tab{doctype}` t"
	where = f" where {names('t.name')}"
	contact_of = " join `tabDynamic Link` k on k.parenttype = 'Contact' and k.parent = {} and k.link_doctype = 'Customer'"
	parts = []
	if deal_on:
		deal = f" join `tab{DEAL}` d on {deal_on}"
		parts.append(
			head.format("c.name", "d.contact")
			+ deal
			+ " join `tabCustomer` c on c.name = d.organization"
			+ where
		)
		parts.append(head.format("k.link_name", "d.contact") + deal + contact_of.format("d.contact") + where)
	if lead_on:
		lead = f" join `tab{LEAD}` l on {lead_on}"
		parts.append(
			head.format("c.name", "null") + lead + " join `tabCustomer` c on c.name = l.organization" + where
		)
		parts.append(
			head.format("k.link_name", "e.parent")
			+ lead
			+ " join `tabContact Email` e on e.email_id = l.email and e.parenttype = 'Contact'"
			+ contact_of.format("e.parent")
			+ where
		)
	return "\nunion all\n".join(parts)


def _on(doctype: str, alias: str) -> str:
	return f"t.reference_doctype = '{doctype}' and {alias}.name = t.reference_docname"


def _event(row, doctype, kind, event_type, at, title, **extra):
	return base_event(
		row,
		source_doctype=doctype,
		kind=kind,
		event_type=event_type,
		event_time=at,
		title=title,
		cancelled=False,
		**extra,
	)


# ---------------------------------------------------------------- deals


def deal_events(row: dict) -> list:
	money = {"amount": row.get("deal_value"), "currency": row.get("currency")}
	label = row.get("organization") or row["name"]
	events = [
		_event(
			row,
			DEAL,
			"deal_created",
			"sales",
			row["creation"],
			f"Deal {label}",
			summary=row.get("status"),
			**money,
		)
	]
	if row.get("status") in CLOSED:
		at = day_time(row, "closed_date") if row.get("closed_date") else row["modified"]
		kind = "deal_won" if row["status"] == "Won" else "deal_lost"
		events.append(
			_event(
				row,
				DEAL,
				kind,
				"sales",
				at,
				f"Deal {row['status'].lower()}: {label}",
				actor=row.get("modified_by"),
				**money,
			)
		)
	return events


_DEAL_LABEL = "coalesce(nullif(t.organization, ''), t.name)"
DEAL_SOURCE = Source(
	doctype=DEAL,
	fields=("organization", "status", "deal_value", "currency", "closed_date", "contact"),
	where="1",
	customer_column=None,
	links_sql=lambda names: _links(DEAL, names, "d.name = t.name", None),
	sql_links=lambda names: _links(DEAL, names, "d.name = t.name", None),
	to_events=deal_events,
	optional=True,
	sql_events=(
		sql.SqlEvent(
			kind=sql.lit("deal_created"),
			event_type="sales",
			event_time="t.creation",
			title=f"concat('Deal ', {_DEAL_LABEL})",
			summary="t.status",
			amount="t.deal_value",
			currency="t.currency",
		),
		sql.SqlEvent(
			kind="if(t.status = 'Won', 'deal_won', 'deal_lost')",
			event_type="sales",
			event_time=f"if(t.closed_date is null, t.modified, {sql.day_time('t.closed_date')})",
			title=f"concat('Deal ', lower(t.status), ': ', {_DEAL_LABEL})",
			amount="t.deal_value",
			currency="t.currency",
			actor="t.modified_by",
			when="t.status in ('Won', 'Lost')",
		),
	),
)


# ---------------------------------------------------------------- CRM leads


def lead_events(row: dict) -> list:
	who = row.get("lead_name") or row["name"]
	return [
		_event(
			row,
			LEAD,
			"crm_lead_created",
			"sales",
			row["creation"],
			f"CRM lead {who}",
			summary=row.get("status"),
		)
	]


LEAD_SOURCE = Source(
	doctype=LEAD,
	fields=("lead_name", "organization", "email", "status"),
	where="1",
	customer_column=None,
	links_sql=lambda names: _links(LEAD, names, None, "l.name = t.name"),
	sql_links=lambda names: _links(LEAD, names, None, "l.name = t.name"),
	to_events=lead_events,
	optional=True,
	sql_events=(
		sql.SqlEvent(
			kind=sql.lit("crm_lead_created"),
			event_type="sales",
			event_time="t.creation",
			title="concat('CRM lead ', coalesce(nullif(t.lead_name, ''), t.name))",
			summary="t.status",
		),
	),
)


# ---------------------------------------------------------------- notes and calls on deals and CRM leads


def note_events(row: dict) -> list:
	return [_event(row, NOTE, "crm_note", "sales", row["creation"], row.get("title") or "CRM note")]


def call_events(row: dict) -> list:
	kind = "call_received" if row.get("type") == "Incoming" else "call_made"
	what = "Incoming call" if kind == "call_received" else "Outgoing call"
	return [
		_event(
			row,
			CALL,
			kind,
			"interaction",
			row.get("start_time") or row["creation"],
			what,
			summary=row.get("status"),
		)
	]


def _attached(doctype: str, to_events, events: tuple) -> Source:
	def links(names):
		return _links(doctype, names, _on(DEAL, "d"), _on(LEAD, "l"))

	return Source(
		doctype=doctype,
		fields=(
			"reference_doctype",
			"reference_docname",
			*(("title",) if doctype == NOTE else ("type", "status", "start_time")),
		),
		# Unqualified: the indexer reads the table bare, the set-based path as `t`.
		where=f"reference_doctype in ('{DEAL}', '{LEAD}')",
		customer_column=None,
		links_sql=links,
		sql_links=links,
		to_events=to_events,
		optional=True,
		sql_events=events,
	)


NOTE_SOURCE = _attached(
	NOTE,
	note_events,
	(
		sql.SqlEvent(
			kind=sql.lit("crm_note"),
			event_type="sales",
			event_time="t.creation",
			title="coalesce(nullif(t.title, ''), 'CRM note')",
		),
	),
)
CALL_SOURCE = _attached(
	CALL,
	call_events,
	(
		sql.SqlEvent(
			kind="if(t.type = 'Incoming', 'call_received', 'call_made')",
			event_type="interaction",
			event_time="coalesce(t.start_time, t.creation)",
			title="if(t.type = 'Incoming', 'Incoming call', 'Outgoing call')",
			summary="t.status",
		),
	),
)

"""First contact: a Lead, and the one place that says which customers a Lead (or a Prospect) became.

A Lead's history is its customer's. A Lead belongs to a customer when the customer was made from it
(`Customer.lead_name`, ERPNext's conversion), when the Lead names the customer (`Lead.customer`, "From
Customer"), or when the Lead's email address is an address of one of the customer's contacts. A Prospect
belongs to the customer made from it (`Customer.prospect_name`) and to the customers of its Leads.

Every source whose documents can point at a Lead or a Prospect (opportunities, quotations, appointments,
messages, comments, tasks, calendar events, calls) resolves them through `lead_rows` / `party_rows` below, so
a new way of linking a Lead to a customer is added here once. The resolution happens when a document is
indexed: converting a Lead later re-indexes its documents (customer_360.first_contact), no backfill needed.
"""

from customer_360.sources import Source, base_event, sql

DOCTYPE = "Lead"
# Lead-linked documents are found through these aliases; unusual names so they never meet a caller's own.
_C, _L, _E, _K, _P = "c360_lc", "c360_ll", "c360_le", "c360_lk", "c360_lp"


# Records attached to a Lead or a Prospect (comments, tasks, messages) are readable in Frappe only by who may read
# that Lead / Prospect, not by every reader of the customer it became (Comment, ToDo, Communication take their
# reference's permission). Their follows_customer sources prefix the kind with the party ("lead_comment_added",
# "prospect_task_due"), chosen from the document's own reference, so the timeline read can hide them from a
# reader lacking that doctype's read (indexer.store.party_gate) without a column: the kind is in every event, and
# the same document always gets the same kind for every customer it reaches (the set-based path's direct and
# linked statements must agree on the event's name).
PARTIES = ("Lead", "Prospect")


def kind_prefix(party: str) -> str:
	return f"{party.lower()}_"


def via(party: str | None, kind: str) -> str:
	"""The kind of an event of a record attached to `party` (its reference doctype)."""
	return kind_prefix(party) + kind if party in PARTIES else kind


def sql_via(party: str, kind: str) -> str:
	"""via() in SQL: `party` the reference doctype column, `kind` an SQL expression."""
	cases = " ".join(f"when {sql.lit(p)} then {sql.lit(kind_prefix(p))}" for p in PARTIES)
	return f"concat(case {party} {cases} else '' end, {kind})"


def lead_rows(source: str, name: str, lead: str, where: str) -> str:
	"""SQL rows (name, customer, contact) for the documents of `source` (a FROM clause) chosen by `where`, whose
	Lead is the SQL expression `lead`. Each branch is a key lookup from the document (the contact email index
	is the app's own, see install.ERP_INDEXES). The Lead is not a contact: contact stays null."""
	return "\nunion all\n".join(
		(
			f"select {name} as name, {_C}.name as customer, null as contact from {source}"
			f" join `tabCustomer` {_C} on {_C}.lead_name = {lead} where {where}",
			f"select {name}, {_L}.customer, null from {source} join `tabLead` {_L} on {_L}.name = {lead}"
			f" where {where} and {sql.given(f'{_L}.customer')}",
			f"select {name}, {_K}.link_name, null from {source} join `tabLead` {_L} on {_L}.name = {lead}"
			f" join `tabContact Email` {_E} on {_E}.email_id = {_L}.email_id and {_E}.parenttype = 'Contact'"
			f" join `tabDynamic Link` {_K} on {_K}.parenttype = 'Contact' and {_K}.parent = {_E}.parent"
			f" and {_K}.link_doctype = 'Customer' where {where} and {sql.given(f'{_L}.email_id')}",
		)
	)


def prospect_rows(source: str, name: str, prospect: str, where: str) -> str:
	"""lead_rows for documents of a Prospect: the customer made from it, and the customers of its Leads."""
	return (
		f"select {name} as name, {_C}.name as customer, null as contact from {source}"
		f" join `tabCustomer` {_C} on {_C}.prospect_name = {prospect} where {where}\nunion all\n"
		+ lead_rows(
			f"{source} join `tabProspect Lead` {_P} on {_P}.parent = {prospect} and {_P}.parenttype = 'Prospect'",
			name,
			f"{_P}.lead",
			where,
		)
	)


def party_rows(table: str, party_type: str, party: str):
	"""links for a document naming its party as (party_type, party) columns of `table` (aliased t): the
	customers of a Lead or a Prospect party. Returns sql_links(names)."""

	def rows(names) -> str:
		source = f"`{table}` t"
		return (
			lead_rows(source, "t.name", f"t.`{party}`", f"{names('t.name')} and t.`{party_type}` = 'Lead'")
			+ "\nunion all\n"
			+ prospect_rows(
				source, "t.name", f"t.`{party}`", f"{names('t.name')} and t.`{party_type}` = 'Prospect'"
			)
		)

	return rows


def direct_or_party(table: str, party_type: str, party: str):
	"""(sql_direct, sql_links, links_sql) of a document whose party is a Customer, a Lead or a Prospect."""
	direct = f"if(t.`{party_type}` = 'Customer', t.`{party}`, null)"
	linked = party_rows(table, party_type, party)

	def links(names) -> str:
		return (
			f"select t.name as name, {direct} as customer, null as contact from `{table}` t"
			f" where {names('t.name')}\nunion all\n{linked(names)}"
		)

	return ("", direct), linked, links


# ---------------------------------------------------------------- the Lead itself


def _label(row: dict) -> str:
	return row.get("lead_name") or row.get("company_name") or row["name"]


def web_form(row: dict) -> bool:
	"""A Lead made by a visitor through a web form is owned by Guest (Frappe inserts it as the session user);
	one typed in the desk is owned by the user who typed it."""
	return row.get("owner") == "Guest"


def to_events(row: dict) -> list:
	from_web = web_form(row)
	return [
		base_event(
			row,
			source_doctype=DOCTYPE,
			kind="lead_web_form" if from_web else "lead_created",
			event_type="sales",
			event_time=row["creation"],
			title=(f"Form submitted via the website: {_label(row)}" if from_web else f"Lead: {_label(row)}"),
			summary=" · ".join(x for x in (row.get("company_name"), row.get("email_id")) if x) or None,
			actor=None if from_web else row.get("owner"),
			company=row.get("company"),
		)
	]


_LABEL = "coalesce(nullif(t.lead_name, ''), nullif(t.company_name, ''), t.name)"
_WEB = "t.owner = 'Guest'"
SQL_EVENTS = (
	sql.SqlEvent(
		kind=f"if({_WEB}, 'lead_web_form', 'lead_created')",
		event_type="sales",
		event_time="t.creation",
		title=f"if({_WEB}, concat('Form submitted via the website: ', {_LABEL}), concat('Lead: ', {_LABEL}))",
		summary="nullif(concat_ws(' · ', nullif(t.company_name, ''), nullif(t.email_id, '')), '')",
		actor=f"if({_WEB}, null, t.owner)",
		company="t.company",
	),
)


def _links(names) -> str:
	return lead_rows("`tabLead` t", "t.name", "t.name", names("t.name"))


SOURCE = Source(
	doctype=DOCTYPE,
	fields=("lead_name", "company_name", "email_id", "company"),
	where="1",
	customer_column=None,
	links_sql=_links,
	sql_events=SQL_EVENTS,
	sql_links=_links,
	to_events=to_events,
)

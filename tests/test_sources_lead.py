"""First contact, conversations and milestones: the pure mappers (Lead, Event, Call Log, Customer, an accepted
Quotation) and the one place that links a Lead or a Prospect to its customers. That the SQL twins write the
same rows is proven on a real database by customer_360/tests/test_coverage_lead.py."""

from datetime import date, datetime, timedelta

import pytest

from customer_360.sources import lead
from tests.test_sources import CREATED, MODIFIED, SOURCES, events_of, kinds

NAMES_IN = lambda column: f"{column} in %(names)s"  # noqa: E731


# ---------------------------------------------------------------- the Lead itself


def test_lead_typed_in_the_desk():
	(e,) = events_of("Lead", lead_name="Lena Lead", company_name="Lead Co", email_id="lena@example.com")
	assert (e.kind, e.event_type, e.event_time, e.actor) == (
		"lead_created",
		"sales",
		CREATED,
		"alice@example.com",
	)
	assert e.title == "Lead: Lena Lead"
	assert e.summary == "Lead Co · lena@example.com"


def test_lead_from_a_web_form_is_owned_by_guest_and_has_no_actor():
	r = {"lead_name": None, "company_name": "Web Co"}
	(e,) = SOURCES["Lead"].to_events({**_row("Lead", **r), "owner": "Guest"})
	assert (e.kind, e.actor) == ("lead_web_form", None)
	assert e.title == "Form submitted via the website: Web Co"


def test_lead_without_name_or_details_is_labelled_by_its_name():
	(e,) = events_of("Lead", name="CRM-LEAD-1")
	assert e.title == "Lead: CRM-LEAD-1" and e.summary is None


def _row(doctype, **values):
	from tests.test_sources import row

	return row(doctype, **values)


# ---------------------------------------------------------------- the customer's own milestones


def test_a_customer_made_from_a_lead_became_one_when_it_was_created():
	(e,) = events_of("Customer", lead_name="CRM-LEAD-7")
	assert (e.kind, e.event_type, e.event_time, e.summary) == (
		"became_customer",
		"system",
		CREATED,
		"From lead CRM-LEAD-7",
	)
	(e,) = events_of("Customer", prospect_name="Big Prospect")
	assert e.summary == "From prospect Big Prospect"


def test_a_customer_without_origin_or_purchase_has_no_milestone():
	assert events_of("Customer") == []


def test_first_purchase_at_the_first_invoices_posting_time():
	r = _row("Customer")
	r.update(
		first_invoice="SINV-1",
		first_invoice_date=date(2024, 4, 2),
		first_invoice_time=timedelta(hours=10, minutes=5, seconds=3, microseconds=900),
		first_invoice_company="Acme",
	)
	(e,) = SOURCES["Customer"].to_events(r)
	assert (e.kind, e.event_type, e.event_time) == (
		"first_purchase",
		"system",
		datetime(2024, 4, 2, 10, 5, 3),
	)
	assert (e.summary, e.company, e.actor, e.amount) == (None, "Acme", None, None)


def test_customer_milestones_read_only_what_the_link_query_returns():
	source = SOURCES["Customer"]
	links = source.links_sql(NAMES_IN)
	# name, customer, contact, then one column per link field
	assert links.split(" from ")[0].count(",") == 2 + len(source.link_fields)
	assert "s.docstatus = 1 and s.is_return = 0" in links
	assert source.sql_direct[0] in links  # one definition of "first invoice" for both paths


# ---------------------------------------------------------------- an accepted quotation


@pytest.mark.parametrize("status", ["Ordered", "Partially Ordered"])
def test_quotation_accepted_is_a_milestone(status):
	sent, ordered = events_of("Quotation", docstatus=1, status=status, transaction_date=date(2024, 3, 1))
	assert sent.kind == "quotation_sent"
	assert (ordered.kind, ordered.event_type, ordered.event_time, ordered.actor, ordered.summary) == (
		"quotation_ordered",
		"system",
		MODIFIED,
		"bob@example.com",
		status,
	)
	assert ordered.amount is None


def test_open_or_cancelled_quotation_is_not_accepted():
	assert "quotation_ordered" not in kinds(events_of("Quotation", docstatus=1, status="Open"))
	assert "quotation_ordered" not in kinds(events_of("Quotation", docstatus=2, status="Ordered"))


# ---------------------------------------------------------------- conversations


def test_calls_in_out_and_missed():
	at = datetime(2024, 5, 1, 11, 0)
	(e,) = events_of(
		"Call Log",
		type="Incoming",
		status="Completed",
		start_time=at,
		summary="Wants a demo",
		**{"from": "+4930111"},
	)
	assert (e.kind, e.event_type, e.event_time, e.title) == (
		"call_received",
		"interaction",
		at,
		"Call from +4930111",
	)
	assert e.summary == "Completed · Wants a demo"
	assert e.actor == "alice@example.com"  # nobody named as the employee: who logged it
	(e,) = events_of(
		"Call Log", type="Outgoing", status="Completed", employee_user_id="sam@example.com", to="+4930222"
	)
	assert (e.kind, e.title, e.actor, e.event_time) == (
		"call_made",
		"Call to +4930222",
		"sam@example.com",
		CREATED,
	)
	(e,) = events_of("Call Log", type="Outgoing", status="No Answer")
	assert (e.kind, e.title, e.summary) == ("call_missed", "Call", "No Answer")


def test_calendar_event():
	at = datetime(2024, 6, 3, 9, 30)
	(e,) = events_of(
		"Event", subject="Kick-off", event_category="Meeting", starts_on=at, status="Open", location="HQ"
	)
	assert (e.kind, e.event_type, e.event_time, e.title, e.summary, e.cancelled) == (
		"calendar_event",
		"interaction",
		at,
		"Meeting: Kick-off",
		"HQ · Open",
		0,
	)
	(e,) = events_of("Event", subject="Dropped", status="Cancelled")
	assert (e.title, e.cancelled, e.event_time) == ("Event: Dropped", 1, CREATED)


def test_only_public_events_and_no_event_mirrors_are_indexed():
	assert SOURCES["Event"].where == "event_type = 'Public'"
	assert "reference_doctype, '') != 'Event'" in SOURCES["Communication"].where


# ---------------------------------------------------------------- the Lead -> customer link, in one place

LEAD_BRANCHES = (
	"`tabCustomer` c360_lc on c360_lc.lead_name = ",  # the customer made from the Lead
	"c360_ll.customer",  # the Lead names its customer
	"`tabContact Email` c360_le on c360_le.email_id = c360_ll.email_id",  # the Lead's address is a contact's
)


@pytest.mark.parametrize(
	"doctype",
	[
		"Lead",
		"Opportunity",
		"Quotation",
		"Appointment",
		"ToDo",
		"Comment",
		"Communication",
		"Event",
		"Call Log",
	],
)
def test_every_lead_linked_source_resolves_leads_through_the_one_link(doctype):
	source = SOURCES[doctype]
	for text in (source.links_sql(NAMES_IN), source.sql_links(NAMES_IN)):
		for branch in LEAD_BRANCHES:
			assert branch in text, (doctype, branch)


@pytest.mark.parametrize("doctype", ["Opportunity", "Quotation", "Appointment", "ToDo", "Comment"])
def test_party_documents_reach_customers_directly_and_through_leads_and_prospects(doctype):
	source = SOURCES[doctype]
	assert source.customer_column is None
	assert "'Customer', t.`" in source.sql_direct[1]
	links = source.sql_links(NAMES_IN)
	assert "= 'Lead'" in links and "= 'Prospect'" in links
	assert "`tabCustomer` c360_lc on c360_lc.prospect_name = " in links
	assert "`tabProspect Lead` c360_lp" in links
	for party in ("'Customer'", "'Lead'", "'Prospect'"):
		assert party in source.where


def test_lead_rows_are_three_key_lookups_with_no_contact():
	text = lead.lead_rows("`tabX` t", "t.name", "t.lead", "t.name in %(names)s")
	branches = text.split("\nunion all\n")
	assert len(branches) == 3
	for branch in branches:
		assert branch.startswith("select t.name")
		assert branch.count("t.name in %(names)s") == 1
	assert branches[0].startswith("select t.name as name, c360_lc.name as customer, null as contact")


def test_a_lead_without_customer_or_address_links_nothing_through_them():
	text = lead.lead_rows("`tabX` t", "t.name", "t.lead", "1")
	assert "nullif(c360_ll.customer, '') is not null" in text
	assert "nullif(c360_ll.email_id, '') is not null" in text


# ---------------------------------------------------------------- dormancy and merges


def test_lifecycle_stage_changes_that_are_milestones():
	(e,) = events_of("Customer Lifecycle Stage", stage="dormant", previous="at_risk", since=date(2024, 7, 1))
	assert (e.kind, e.event_type, e.event_time, e.title, e.summary, e.actor) == (
		"became_dormant",
		"system",
		datetime(2024, 7, 1),
		"Became dormant",
		# Shown to every reader of the customer: the risk stage reads as the stage it hides behind.
		"Was active",
		None,
	)
	(e,) = events_of(
		"Customer Lifecycle Stage", stage="dormant", previous="first_purchase", since=date(2024, 7, 1)
	)
	assert e.summary == "Was first purchase"
	(e,) = events_of("Customer Lifecycle Stage", stage="won_back", previous="", since=date(2024, 9, 2))
	assert (e.kind, e.title, e.summary) == ("came_back", "Came back", None)


@pytest.mark.parametrize("stage", ["active", "at_risk", "churned", "first_purchase"])
def test_other_lifecycle_stages_are_not_milestones(stage):
	assert events_of("Customer Lifecycle Stage", stage=stage, since=date(2024, 7, 1)) == []
	assert stage not in SOURCES["Customer Lifecycle Stage"].where


def test_a_finished_merge_is_a_milestone_of_the_survivor():
	finished = datetime(2024, 8, 1, 12, 0)
	(e,) = events_of(
		"Customer Merge Log", merged_customers="Acme Ltd, ACME", finished=finished, actor="max@example.com"
	)
	assert (e.kind, e.event_type, e.event_time, e.title, e.actor) == (
		"merged_from",
		"system",
		finished,
		"Merged from Acme Ltd, ACME",
		"max@example.com",
	)
	assert SOURCES["Customer Merge Log"].where == "status = 'Done'"
	assert not SOURCES["Customer Merge Log"].follows_customer  # it names customers: merge-log readers only

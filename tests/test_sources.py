import importlib
import pkgutil
from datetime import date, datetime, timedelta

import pytest

import customer_360.sources as sources_pkg
from customer_360.core.timeline import EVENT_TYPES, Event, event_name
from customer_360.sources import BUILTIN_SOURCES, Source

CUSTOMER = "CUST-0001"
CREATED = datetime(2024, 3, 5, 9, 41, 17)
MODIFIED = datetime(2024, 3, 9, 16, 20, 5)
AMOUNT = 12345.67
AMOUNT_TEXTS = ("12345.67", "12,345.67", "12345", "12,345")


def load(path: str) -> Source:
	module, _, attr = path.rpartition(".")
	return getattr(importlib.import_module(module), attr)


# Optional apps' sources (Helpdesk, CRM) register through the app's own hook, as another app's would.
OPTIONAL_SOURCES = tuple(importlib.import_module("customer_360.hooks").customer_360_timeline_sources)
SOURCES = {load(p).doctype: load(p) for p in (*BUILTIN_SOURCES, *OPTIONAL_SOURCES)}


def row(doctype: str, **values) -> dict:
	"""A row as the indexer reads it: standard columns, the source's fields (None unless given), customer."""
	source = SOURCES[doctype]
	unknown = set(values) - set(source.fields) - {"name", "customer", "contact"}
	assert not unknown, f"test sets columns {doctype} does not read: {unknown}"
	out = dict.fromkeys(source.fields)
	out.update(
		name=values.pop("name", f"{doctype[:4].upper()}-0001"),
		creation=CREATED,
		modified=MODIFIED,
		owner="alice@example.com",
		modified_by="bob@example.com",
		customer=CUSTOMER,
	)
	if source.customer_column in source.fields:
		out[source.customer_column] = CUSTOMER
	out.update(values)
	return out


def events_of(doctype: str, **values) -> list[Event]:
	r = row(doctype, **values)
	events = SOURCES[doctype].to_events(r)
	for e in events:
		assert isinstance(e, Event)
		assert e.event_type in EVENT_TYPES
		assert type(e.event_time) is datetime, (e.kind, e.event_time)
		assert e.customer == CUSTOMER
		assert e.source_doctype == doctype
		assert e.source_name == r["name"]
		assert e.name == event_name(doctype, r["name"], e.kind, CUSTOMER)
	assert len({e.name for e in events}) == len(events), "two events of one document share a name"
	return events


def kinds(events) -> list[str]:
	return [e.kind for e in events]


# ---------------------------------------------------------------- registry


def test_builtin_sources_import_and_cover_every_source_module():
	paths = (*BUILTIN_SOURCES, *OPTIONAL_SOURCES)
	assert len(SOURCES) == len(paths), "duplicate doctype among the sources"
	for path in paths:
		assert isinstance(load(path), Source), path
	for path in OPTIONAL_SOURCES:
		assert load(path).optional, f"{path}: an optional app's source must be skippable"
	modules = {m.name for m in pkgutil.iter_modules(sources_pkg.__path__)}
	helpers = {"sql"}  # the set-based statement builder, not a source
	assert modules - helpers == {p.split(".")[2] for p in paths}


@pytest.mark.parametrize("doctype", sorted(SOURCES))
def test_source_definition_is_consistent(doctype):
	source = SOURCES[doctype]
	assert source.where.strip()
	assert callable(source.to_events)
	assert (source.customer_column is None) != (source.links_sql is None)
	if source.customer_column:
		assert source.customer_column in source.fields
	else:
		assert "%(names)s" in source.links_sql(lambda column: f"{column} in %(names)s")
	assert len(set(source.fields)) == len(source.fields)
	assert not {"name", "creation", "modified", "owner", "modified_by"} & set(source.fields)
	assert all(e.startswith("on_") for e in source.doc_events)


# ---------------------------------------------------------------- money


def test_sales_invoice_submitted():
	(e,) = events_of(
		"Sales Invoice",
		docstatus=1,
		posting_date=date(2024, 3, 5),
		posting_time=timedelta(hours=14, minutes=2, seconds=9),
		grand_total=AMOUNT,
		currency="EUR",
		due_date=date(2024, 4, 4),
		company="ACME",
		contact_person="CONT-1",
	)
	assert (e.kind, e.event_type, e.amount, e.currency) == ("invoice_submitted", "money", AMOUNT, "EUR")
	assert e.event_time == datetime(2024, 3, 5, 14, 2, 9)
	assert (e.company, e.contact, e.actor, e.cancelled) == ("ACME", "CONT-1", "alice@example.com", 0)
	assert "2024-04-04" in e.summary


def test_sales_invoice_string_posting_time():
	(e,) = events_of(
		"Sales Invoice", docstatus=1, posting_date=date(2024, 3, 5), posting_time="08:15:30.000001"
	)
	assert e.event_time == datetime(2024, 3, 5, 8, 15, 30)


def test_sales_invoice_return_is_credit_note():
	(e,) = events_of(
		"Sales Invoice",
		docstatus=1,
		is_return=1,
		return_against="SINV-0000",
		posting_date=date(2024, 3, 5),
		posting_time=timedelta(hours=1),
		grand_total=-AMOUNT,
	)
	assert (e.kind, e.event_type, e.amount) == ("credit_note", "money", -AMOUNT)
	assert "SINV-0000" in e.summary


def test_sales_invoice_cancelled():
	original, cancel = events_of(
		"Sales Invoice",
		docstatus=2,
		posting_date=date(2024, 3, 5),
		posting_time=timedelta(hours=10),
		grand_total=AMOUNT,
	)
	assert (original.kind, original.cancelled) == ("invoice_submitted", 1)
	assert (cancel.kind, cancel.event_type, cancel.cancelled) == ("invoice_cancelled", "money", 1)
	assert cancel.event_time == MODIFIED
	assert cancel.actor == "bob@example.com"


def test_payment_entry_receive():
	(e,) = events_of(
		"Payment Entry",
		docstatus=1,
		payment_type="Receive",
		posting_date=date(2024, 3, 6),
		paid_amount=AMOUNT,
		received_amount=1.0,
		paid_from_account_currency="USD",
		paid_to_account_currency="EUR",
		mode_of_payment="Wire Transfer",
		reference_no="REF-9",
	)
	assert (e.kind, e.event_type, e.amount, e.currency) == ("payment_received", "money", AMOUNT, "USD")
	assert e.event_time == datetime(2024, 3, 6, 9, 41, 17)
	assert "Wire Transfer" in e.summary and "REF-9" in e.summary


def test_payment_entry_pay_is_refund_with_received_amount():
	(e,) = events_of(
		"Payment Entry",
		docstatus=1,
		payment_type="Pay",
		posting_date=date(2024, 3, 6),
		paid_amount=1.0,
		received_amount=AMOUNT,
		paid_from_account_currency="USD",
		paid_to_account_currency="EUR",
	)
	assert (e.kind, e.amount, e.currency) == ("refund_issued", AMOUNT, "EUR")


def test_payment_entry_cancelled():
	original, cancel = events_of(
		"Payment Entry",
		docstatus=2,
		payment_type="Receive",
		posting_date=date(2024, 3, 6),
		paid_amount=AMOUNT,
	)
	assert original.cancelled == 1
	assert (cancel.kind, cancel.event_time, cancel.cancelled) == ("payment_cancelled", MODIFIED, 1)


# ---------------------------------------------------------------- sales


def test_sales_order_confirmed_and_cancelled():
	(e,) = events_of(
		"Sales Order",
		docstatus=1,
		transaction_date=date(2024, 3, 7),
		delivery_date=date(2024, 3, 20),
		grand_total=AMOUNT,
	)
	assert (e.kind, e.event_type, e.amount) == ("order_confirmed", "sales", AMOUNT)
	assert e.event_time == datetime(2024, 3, 7, 9, 41, 17)
	assert "2024-03-20" in e.summary
	assert kinds(events_of("Sales Order", docstatus=2, transaction_date=date(2024, 3, 7))) == [
		"order_confirmed",
		"order_cancelled",
	]


def test_quotation_sent_lost_and_cancelled():
	(e,) = events_of(
		"Quotation", docstatus=1, status="Open", transaction_date=date(2024, 3, 1), grand_total=AMOUNT
	)
	assert (e.kind, e.event_type, e.amount, e.cancelled) == ("quotation_sent", "sales", AMOUNT, 0)
	assert e.event_time == datetime(2024, 3, 1, 9, 41, 17)
	sent, lost = events_of("Quotation", docstatus=1, status="Lost", transaction_date=date(2024, 3, 1))
	assert sent.kind == "quotation_sent"
	assert (lost.kind, lost.event_time, lost.actor, lost.cancelled) == (
		"quotation_lost",
		MODIFIED,
		"bob@example.com",
		0,
	)
	assert kinds(
		events_of("Quotation", docstatus=2, status="Cancelled", transaction_date=date(2024, 3, 1))
	) == [
		"quotation_sent",
		"quotation_cancelled",
	]


def test_delivery_note_done_returned_and_cancelled():
	(e,) = events_of(
		"Delivery Note",
		docstatus=1,
		posting_date=date(2024, 3, 8),
		posting_time=timedelta(hours=7, minutes=30),
		grand_total=AMOUNT,
	)
	assert (e.kind, e.event_type, e.event_time) == ("delivery_done", "sales", datetime(2024, 3, 8, 7, 30))
	(r,) = events_of(
		"Delivery Note",
		docstatus=1,
		is_return=1,
		return_against="DN-0000",
		posting_date=date(2024, 3, 8),
	)
	assert r.kind == "delivery_returned" and "DN-0000" in r.summary
	assert kinds(events_of("Delivery Note", docstatus=2, posting_date=date(2024, 3, 8))) == [
		"delivery_done",
		"delivery_cancelled",
	]


@pytest.mark.parametrize(
	("status", "outcome"),
	[
		("Open", None),
		("Lost", "opportunity_lost"),
		("Converted", "opportunity_won"),
		("Closed", "opportunity_closed"),
	],
)
def test_opportunity_outcomes(status, outcome):
	events = events_of(
		"Opportunity",
		status=status,
		title="Big deal",
		transaction_date=date(2024, 2, 1),
		opportunity_amount=AMOUNT,
		order_lost_reason="Too expensive" if status == "Lost" else None,
	)
	assert events[0].kind == "opportunity_created" and events[0].amount == AMOUNT
	assert events[0].event_time == datetime(2024, 2, 1, 9, 41, 17)
	assert kinds(events[1:]) == ([outcome] if outcome else [])
	if outcome:
		assert events[1].event_time == MODIFIED and "Big deal" in events[1].title
	if status == "Lost":
		assert events[1].summary == "Too expensive"


def test_opportunity_zero_amount_is_no_amount():
	assert (
		events_of("Opportunity", status="Open", transaction_date=date(2024, 2, 1), opportunity_amount=0)[
			0
		].amount
		is None
	)


# ---------------------------------------------------------------- support, messages, tasks, notes


@pytest.mark.parametrize(
	("status", "closed"), [("Open", False), ("Replied", False), ("Resolved", True), ("Closed", True)]
)
def test_issue_opened_and_closed(status, closed):
	events = events_of(
		"Issue",
		status=status,
		subject="Printer on fire",
		priority="High",
		opening_date=date(2024, 3, 2),
		opening_time=timedelta(hours=8, minutes=1, seconds=2),
		raised_by="c@example.com",
	)
	assert events[0].kind == "issue_opened" and events[0].event_type == "support"
	assert events[0].event_time == datetime(2024, 3, 2, 8, 1, 2)
	assert kinds(events[1:]) == (["issue_closed"] if closed else [])
	if closed:
		assert events[1].event_time == MODIFIED and events[1].actor == "bob@example.com"


def test_issue_closed_prefers_sla_resolution_date():
	resolved = datetime(2024, 3, 3, 12, 0)
	events = events_of(
		"Issue", status="Resolved", opening_date=date(2024, 3, 2), sla_resolution_date=resolved
	)
	assert events[1].event_time == resolved


@pytest.mark.parametrize(
	("sent_or_received", "medium", "kind"),
	[
		("Received", "Email", "email_received"),
		("Sent", "Email", "email_sent"),
		("Received", None, "email_received"),
		("Received", "Phone", "message_received"),
		("Sent", "Chat", "message_sent"),
	],
)
def test_communication_kinds_and_actor(sent_or_received, medium, kind):
	(e,) = events_of(
		"Communication",
		sent_or_received=sent_or_received,
		communication_medium=medium,
		subject="Re: order",
		communication_date=datetime(2024, 3, 4, 11, 0),
		sender="c@example.com",
		sender_full_name="Carol",
		recipients="sales@example.com",
		contact="CONT-1",
	)
	assert (e.kind, e.event_type, e.event_time, e.contact) == (
		kind,
		"message",
		datetime(2024, 3, 4, 11, 0),
		"CONT-1",
	)
	if sent_or_received == "Received":
		assert e.actor is None and e.summary == "From Carol"
	else:
		assert e.actor == "alice@example.com" and e.summary == "To sales@example.com"


def test_communication_without_subject_or_date():
	(e,) = events_of(
		"Communication", sent_or_received="Received", communication_medium="Phone", name="COMM-7"
	)
	assert e.title == "Phone COMM-7" and e.event_time == CREATED and e.summary is None


def test_todo_open_with_date_is_due():
	created, due = events_of(
		"ToDo", status="Open", description="Call back", date=date(2024, 3, 15), priority="High"
	)
	assert (created.kind, created.event_type, created.event_time) == ("task_created", "task", CREATED)
	assert (due.kind, due.event_time) == ("task_due", datetime(2024, 3, 15, 9, 41, 17))
	assert kinds(events_of("ToDo", status="Open", description="Call back")) == ["task_created"]


def test_todo_closed_and_cancelled():
	created, done = events_of("ToDo", status="Closed", description="Call back", date=date(2024, 3, 15))
	assert created.kind == "task_created"
	assert (done.kind, done.event_time, done.actor, done.cancelled) == (
		"task_done",
		MODIFIED,
		"bob@example.com",
		0,
	)
	(cancelled,) = events_of("ToDo", status="Cancelled", description="Call back", date=date(2024, 3, 15))
	assert (cancelled.kind, cancelled.cancelled) == ("task_created", 1)


def test_file_attached():
	(e,) = events_of("File", file_name="contract.pdf", is_private=1)
	assert (e.kind, e.event_type, e.event_time, e.title) == ("file_attached", "file", CREATED, "contract.pdf")
	assert e.summary == "Private file"
	assert events_of("File", is_private=0, name="FILE-9")[0].title == "FILE-9"


def test_comment_html_is_stripped():
	(e,) = events_of("Comment", content="<div><p>Paid <b>late</b>\n again</p><br/></div>", comment_by="Dana")
	assert (e.kind, e.event_type, e.event_time) == ("comment_added", "note", CREATED)
	assert e.summary == "Paid late again"
	assert e.title == "Comment by Dana"


@pytest.mark.parametrize("content", [None, "", "<p><br></p>"])
def test_comment_without_text_has_no_summary(content):
	assert events_of("Comment", content=content)[0].summary is None


def test_appointment_booked():
	(e,) = events_of(
		"Appointment",
		customer_name="Acme Ltd",
		scheduled_time=datetime(2024, 3, 20, 15, 0),
		status="Open",
	)
	assert (e.kind, e.event_type, e.event_time, e.summary) == (
		"appointment_booked",
		"interaction",
		datetime(2024, 3, 20, 15, 0),
		"Open",
	)
	assert "Acme Ltd" in e.title
	assert events_of("Appointment", status="Open")[0].event_time == CREATED


# ---------------------------------------------------------------- masking


MONEY_ROWS = [
	(
		"Sales Invoice",
		{
			"docstatus": 2,
			"posting_date": date(2024, 3, 5),
			"grand_total": AMOUNT,
			"due_date": date(2024, 4, 1),
		},
	),
	(
		"Sales Invoice",
		{
			"docstatus": 1,
			"is_return": 1,
			"return_against": "S-1",
			"posting_date": date(2024, 3, 5),
			"grand_total": AMOUNT,
		},
	),
	(
		"Payment Entry",
		{
			"docstatus": 2,
			"payment_type": "Receive",
			"posting_date": date(2024, 3, 5),
			"paid_amount": AMOUNT,
			"mode_of_payment": "Cash",
			"reference_no": "R1",
		},
	),
	(
		"Payment Entry",
		{"docstatus": 1, "payment_type": "Pay", "posting_date": date(2024, 3, 5), "received_amount": AMOUNT},
	),
	(
		"Sales Order",
		{
			"docstatus": 2,
			"transaction_date": date(2024, 3, 5),
			"grand_total": AMOUNT,
			"delivery_date": date(2024, 3, 9),
		},
	),
	(
		"Quotation",
		{
			"docstatus": 1,
			"status": "Lost",
			"transaction_date": date(2024, 3, 5),
			"grand_total": AMOUNT,
			"valid_till": date(2024, 4, 5),
		},
	),
	(
		"Delivery Note",
		{
			"docstatus": 2,
			"is_return": 1,
			"return_against": "D-1",
			"posting_date": date(2024, 3, 5),
			"grand_total": AMOUNT,
		},
	),
	(
		"Opportunity",
		{
			"status": "Lost",
			"sales_stage": "Proposal",
			"transaction_date": date(2024, 3, 5),
			"opportunity_amount": AMOUNT,
		},
	),
]


@pytest.mark.parametrize(
	("doctype", "values"), MONEY_ROWS, ids=[f"{d}-{i}" for i, (d, _) in enumerate(MONEY_ROWS)]
)
def test_amounts_only_in_amount_never_in_text(doctype, values):
	if "currency" in SOURCES[doctype].fields:
		values = {**values, "currency": "EUR"}
	events = events_of(doctype, **values)
	assert any(e.amount == AMOUNT for e in events)
	for e in events:
		for text in (e.title, e.summary or ""):
			assert not any(a in text for a in AMOUNT_TEXTS), (e.kind, text)

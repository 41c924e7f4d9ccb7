"""Service / installed base and commitments sources (issue 16): how each document becomes timeline events.
Pure: rows as the indexer reads them. That the SQL form writes the same rows is proven on a real database by
customer_360/tests/test_coverage_service.py."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from customer_360.core.timeline import Event, event_name
from customer_360.sources import blanket_order, subscription, task
from tests.test_sources import CREATED, CUSTOMER, MODIFIED, SOURCES

SERVICE = ("Installation Note", "Maintenance Schedule", "Maintenance Visit", "Warranty Claim", "Serial No")
COMMITMENT = ("Contract", "Subscription", "Project", "Task", "Blanket Order")
AT = timedelta(hours=9, minutes=41, seconds=17)  # CREATED's time of day


def row(doctype: str, **values) -> dict:
	source = SOURCES[doctype]
	unknown = set(values) - set(source.fields) - set(source.link_fields) - {"name", "contact"}
	assert not unknown, f"test sets columns {doctype} does not read: {unknown}"
	out = dict.fromkeys((*source.fields, *source.link_fields))
	out.update(
		name=values.pop("name", "DOC-0001"),
		creation=CREATED,
		modified=MODIFIED,
		owner="alice@example.com",
		modified_by="bob@example.com",
		customer=CUSTOMER,
	)
	out.update(values)
	return out


def events_of(doctype: str, **values) -> dict[str, Event]:
	r = row(doctype, **values)
	events = SOURCES[doctype].to_events(r)
	for e in events:
		assert e.customer == CUSTOMER and e.source_doctype == doctype and e.source_name == r["name"]
		assert e.name == event_name(doctype, r["name"], e.kind, CUSTOMER)
		assert type(e.event_time) is datetime, (e.kind, e.event_time)
		assert e.event_type == ("service" if doctype in SERVICE else "commitment")
	by_kind = {e.kind: e for e in events}
	assert len(by_kind) == len(events), "two events of one kind"
	return by_kind


def test_every_new_source_is_registered_with_its_event_type():
	for doctype in SERVICE + COMMITMENT:
		assert SOURCES[doctype].sql_events, doctype
		types = {e.event_type for e in SOURCES[doctype].sql_events}
		assert types == {"service" if doctype in SERVICE else "commitment"}, doctype


# ---------------------------------------------------------------- service and installed base


def test_installation_note_done_and_cancelled():
	got = events_of(
		"Installation Note",
		docstatus=1,
		inst_date=date(2024, 3, 5),
		inst_time=timedelta(hours=15),
		remarks="Mounted  on\nthe wall",
		company="ACME",
		contact_person="CONT-1",
	)
	(e,) = got.values()
	assert (e.kind, e.event_time, e.summary) == (
		"installation_done",
		datetime(2024, 3, 5, 15),
		"Mounted on the wall",
	)
	assert (e.company, e.contact, e.actor, e.cancelled) == ("ACME", "CONT-1", "alice@example.com", 0)
	got = events_of("Installation Note", docstatus=2, inst_date=date(2024, 3, 5))
	assert got["installation_done"].cancelled == 1
	assert (got["installation_cancelled"].event_time, got["installation_cancelled"].actor) == (
		MODIFIED,
		"bob@example.com",
	)


def test_maintenance_schedule_is_one_event_saying_the_planned_visits():
	got = events_of(
		"Maintenance Schedule",
		docstatus=1,
		transaction_date=date(2024, 1, 2),
		visits=12,
		first_visit=date(2024, 2, 1),
		last_visit=date(2025, 1, 1),
	)
	(e,) = got.values()
	assert e.kind == "maintenance_scheduled" and e.event_time == datetime.combine(
		date(2024, 1, 2), CREATED.time()
	)
	assert e.summary == "Visits planned: 12 (2024-02-01 to 2025-01-01)"
	assert events_of("Maintenance Schedule", docstatus=1, visits=0)["maintenance_scheduled"].summary is None
	assert set(events_of("Maintenance Schedule", docstatus=2)) == {
		"maintenance_scheduled",
		"maintenance_schedule_cancelled",
	}


def test_maintenance_visit():
	(e,) = events_of(
		"Maintenance Visit",
		docstatus=1,
		mntc_date=date(2024, 4, 1),
		mntc_time=timedelta(hours=8),
		maintenance_type="Breakdown",
		completion_status="Fully Completed",
		customer_feedback="Works",
	).values()
	assert (e.kind, e.event_time) == ("maintenance_visit", datetime(2024, 4, 1, 8))
	assert e.summary == "Breakdown · Fully Completed · Works"


@pytest.mark.parametrize("status", ["Open", "Work In Progress", "Closed", "Cancelled"])
def test_warranty_claim_opened_and_closed(status):
	resolved = datetime(2024, 5, 3, 10, 0)
	got = events_of(
		"Warranty Claim",
		status=status,
		complaint_date=date(2024, 5, 1),
		item_code="PUMP",
		serial_no="SN-1",
		resolution_date=resolved,
		resolved_by="eng@example.com",
	)
	opened = got["claim_opened"]
	assert opened.title == "Warranty claim: PUMP" and opened.summary == f"SN-1 · {status}"
	assert opened.event_time == datetime.combine(date(2024, 5, 1), CREATED.time())
	assert opened.cancelled == (status == "Cancelled")
	if status == "Closed":
		assert (got["claim_closed"].event_time, got["claim_closed"].actor) == (resolved, "eng@example.com")
	else:
		assert "claim_closed" not in got


def test_warranty_claim_closed_without_resolution_falls_back_to_last_change():
	closed = events_of("Warranty Claim", status="Closed", complaint_date=date(2024, 5, 1))["claim_closed"]
	assert (closed.event_time, closed.actor) == (MODIFIED, "bob@example.com")


def test_serial_no_delivery_day_is_derived_from_the_warranty():
	got = events_of(
		"Serial No",
		item_code="PUMP",
		item_name="Pump",
		warranty_period=365,
		warranty_expiry_date=date(2025, 3, 5),
		company="ACME",
	)
	assert set(got) == {"serial_delivered", "warranty_expires"}
	# ERPNext sets expiry = delivery posting date + warranty_period days (2024 is a leap year)
	assert got["serial_delivered"].event_time == datetime.combine(date(2024, 3, 5), CREATED.time())
	assert got["serial_delivered"].summary == "Pump · under warranty until 2025-03-05"
	assert got["warranty_expires"].event_time == datetime.combine(date(2025, 3, 5), CREATED.time())
	assert got["warranty_expires"].company == "ACME"


def test_serial_no_without_warranty_period_has_no_delivery_day():
	got = events_of(
		"Serial No",
		warranty_period=0,
		warranty_expiry_date=date(2025, 1, 1),
		amc_expiry_date=date(2026, 1, 1),
	)
	assert set(got) == {"warranty_expires", "amc_expires"}
	assert events_of("Serial No", item_code="PUMP") == {}


# ---------------------------------------------------------------- commitments


def test_contract_signed_ends_and_cancelled():
	signed = datetime(2024, 1, 10, 16, 30)
	got = events_of(
		"Contract",
		is_signed=1,
		signed_on=signed,
		signee="Dana",
		start_date=date(2024, 1, 15),
		end_date=date(2025, 1, 14),
		docstatus=1,
	)
	assert set(got) == {"contract_signed", "contract_ends"}
	assert (got["contract_signed"].event_time, got["contract_signed"].summary) == (signed, "Signed by Dana")
	assert got["contract_ends"].event_time == datetime.combine(date(2025, 1, 14), CREATED.time())
	assert got["contract_ends"].summary == "Term 2024-01-15 to 2025-01-14"
	assert all(e.amount is None and e.company is None for e in got.values())
	unsigned = events_of("Contract", is_signed=0, start_date=date(2024, 1, 15), docstatus=0)
	assert unsigned == {}
	cancelled = events_of("Contract", is_signed=1, start_date=date(2024, 1, 15), docstatus=2)
	assert cancelled["contract_signed"].event_time == datetime.combine(date(2024, 1, 15), CREATED.time())
	assert cancelled["contract_signed"].cancelled == 1 and cancelled["contract_cancelled"].cancelled == 1


@pytest.mark.parametrize(
	("mode", "days", "expected"),
	[
		("End of the current subscription period", 0, date(2024, 3, 31)),
		("Beginning of the current subscription period", 0, date(2024, 3, 1)),
		("Days before the current subscription period", 5, date(2024, 2, 25)),
	],
)
def test_subscription_next_invoice_day_follows_erpnext(mode, days, expected):
	r = {
		"generate_invoice_at": mode,
		"number_of_days": days,
		"current_invoice_start": date(2024, 3, 1),
		"current_invoice_end": date(2024, 3, 31),
	}
	assert subscription.next_invoice_on(r) == expected


def test_subscription_started_renewed_and_next_invoice_carry_the_plan_total():
	got = events_of(
		"Subscription",
		status="Active",
		start_date=date(2024, 1, 1),
		current_invoice_start=date(2024, 3, 1),
		current_invoice_end=date(2024, 3, 31),
		company="ACME",
		plan_total=Decimal("99.50"),
		plan_currency="EUR",
	)
	assert set(got) == {"subscription_started", "subscription_renewed", "subscription_invoice_due"}
	for e in got.values():
		assert (e.amount, e.currency, e.company) == (Decimal("99.50"), "EUR", "ACME")
	assert got["subscription_invoice_due"].event_time == datetime.combine(date(2024, 3, 31), CREATED.time())
	assert got["subscription_renewed"].summary == "Period 2024-03-01 to 2024-03-31"


def test_subscription_first_period_after_a_trial_is_not_a_renewal():
	got = events_of(
		"Subscription",
		status="Active",
		start_date=date(2024, 1, 1),
		trial_period_end=date(2024, 1, 14),
		current_invoice_start=date(2024, 1, 15),
		current_invoice_end=date(2024, 2, 14),
	)
	assert "subscription_renewed" not in got


def test_subscription_cancelled_has_no_next_invoice():
	got = events_of(
		"Subscription",
		status="Cancelled",
		start_date=date(2024, 1, 1),
		cancelation_date=date(2024, 2, 10),
		current_invoice_start=date(2024, 2, 1),
		current_invoice_end=date(2024, 2, 29),
		end_date=date(2024, 12, 31),
	)
	assert set(got) == {
		"subscription_started",
		"subscription_renewed",
		"subscription_ends",
		"subscription_cancelled",
	}
	cancel = got["subscription_cancelled"]
	assert (cancel.cancelled, cancel.actor) == (1, "bob@example.com")
	assert events_of(
		"Subscription", status="Completed", start_date=date(2024, 1, 1), current_invoice_end=date(2024, 2, 29)
	).keys() == {"subscription_started"}


@pytest.mark.parametrize("status", ["Open", "Completed", "Cancelled"])
def test_project(status):
	got = events_of(
		"Project",
		status=status,
		project_name="Fit-out",
		expected_start_date=date(2024, 2, 1),
		expected_end_date=date(2024, 6, 30),
	)
	assert got["project_started"].title == "Project: Fit-out"
	assert got["project_started"].cancelled == (status == "Cancelled")
	assert ("project_due" in got) == (status == "Open")
	if status != "Open":
		end = got[f"project_{status.lower()}"]
		assert (end.event_time, end.actor) == (MODIFIED, "bob@example.com")


def test_task_due_time_serves_v15_dates_and_v16_datetimes():
	day = date(2024, 3, 15)
	assert task.due_at({"exp_end_date": day, "creation": CREATED}) == datetime.combine(day, CREATED.time())
	at_five = datetime(2024, 3, 15, 17, 0)
	assert task.due_at({"exp_end_date": at_five, "creation": CREATED}) == at_five
	midnight = datetime(2024, 3, 15)
	assert task.due_at({"exp_end_date": midnight, "creation": CREATED}) == datetime.combine(
		day, CREATED.time()
	)


def test_task_of_a_project():
	got = events_of("Task", project="PROJ-1", subject="Survey", status="Open", exp_end_date=date(2024, 3, 15))
	assert set(got) == {"project_task_created", "project_task_due"}
	assert (got["project_task_created"].event_time, got["project_task_created"].summary) == (
		CREATED,
		"Project PROJ-1",
	)
	done = events_of(
		"Task",
		project="PROJ-1",
		subject="Survey",
		status="Completed",
		completed_by="eng@example.com",
		exp_end_date=date(2024, 3, 15),
	)
	assert set(done) == {"project_task_created", "project_task_completed"}
	assert done["project_task_completed"].actor == "eng@example.com"
	assert events_of("Task", project="PROJ-1", status="Cancelled")["project_task_created"].cancelled == 1


def test_blanket_order_value_and_term():
	got = events_of(
		"Blanket Order",
		docstatus=1,
		from_date=date(2024, 1, 1),
		to_date=date(2024, 12, 31),
		order_no="PO-7",
		company="ACME",
		order_value=Decimal("5000"),
		order_currency="USD",
	)
	assert set(got) == {"blanket_order_agreed", "blanket_order_ends"}
	agreed = got["blanket_order_agreed"]
	assert (agreed.amount, agreed.currency, agreed.summary) == (
		Decimal("5000"),
		"USD",
		"Valid 2024-01-01 to 2024-12-31 · PO-7",
	)
	assert agreed.event_time == datetime.combine(date(2024, 1, 1), CREATED.time())  # no order date: from_date
	assert got["blanket_order_ends"].amount is None
	cancelled = events_of(
		"Blanket Order", docstatus=2, order_date=date(2023, 12, 20), to_date=date(2024, 12, 31)
	)
	assert cancelled["blanket_order_agreed"].event_time.date() == date(2023, 12, 20)
	assert all(e.cancelled == 1 for e in cancelled.values())


def test_child_row_figures_come_from_the_same_sql_in_both_paths():
	# links_sql reads them for to_events; the set-based events use the very same subquery.
	assert blanket_order.VALUE in blanket_order.links_sql(lambda c: f"{c} in %(names)s")
	assert any(e.amount == blanket_order.VALUE for e in blanket_order.SQL_EVENTS)
	assert subscription.PLAN_TOTAL in subscription.links_sql(lambda c: f"{c} in %(names)s")
	assert {e.amount for e in subscription.SQL_EVENTS} == {subscription.PLAN_TOTAL, "NULL"}

"""Pure tests of the optional apps' mappers (Helpdesk tickets, Frappe CRM): what each state becomes."""

from datetime import date, datetime

from tests.test_sources import CREATED, MODIFIED, events_of, kinds


def test_a_new_ticket_is_opened_only():
	events = events_of(
		"HD Ticket",
		subject="Router down",
		status="Open",
		status_category="Open",
		priority="High",
		raised_by="a@example.com",
		opening_date=date(2024, 3, 5),
		opening_time="10:15:00",
	)
	assert kinds(events) == ["ticket_opened"]
	assert events[0].event_type == "support"
	assert events[0].event_time == datetime(2024, 3, 5, 10, 15)
	assert events[0].summary == "High · Open · a@example.com"


def test_a_resolved_ticket_with_a_failed_sla():
	reply = datetime(2024, 3, 6, 8, 0)
	resolved = datetime(2024, 3, 8, 12, 0)
	events = events_of(
		"HD Ticket",
		subject=None,
		status_category="Resolved",
		first_responded_on=reply,
		resolution_date=resolved,
		agreement_status="Failed",
		resolution_by=datetime(2024, 3, 7, 9, 0),
	)
	by_kind = {e.kind: e for e in events}
	assert set(by_kind) == {"ticket_opened", "ticket_replied", "ticket_resolved", "ticket_sla_failed"}
	assert by_kind["ticket_opened"].event_time == CREATED  # no opening date: when it was made
	assert by_kind["ticket_replied"].event_time == reply and by_kind["ticket_replied"].actor is None
	assert by_kind["ticket_resolved"].event_time == resolved
	assert by_kind["ticket_resolved"].actor == "bob@example.com"
	assert by_kind["ticket_sla_failed"].event_time == datetime(2024, 3, 7, 9, 0)
	assert by_kind["ticket_resolved"].title == "Resolved: Ticket HD T-0001"


def test_an_open_deal_and_a_won_deal():
	open_deal = events_of(
		"CRM Deal", organization="Acme", status="Qualification", deal_value=5000, currency="USD"
	)
	assert kinds(open_deal) == ["deal_created"]
	assert open_deal[0].amount == 5000 and open_deal[0].title == "Deal Acme"
	won = events_of("CRM Deal", organization=None, status="Won", deal_value=5000, closed_date=None)
	assert kinds(won) == ["deal_created", "deal_won"]
	assert won[1].event_time == MODIFIED  # no closing date: when it was marked won
	assert won[1].title == "Deal won: CRM -0001"
	lost = events_of("CRM Deal", status="Lost", closed_date=date(2024, 3, 8))
	assert kinds(lost)[1] == "deal_lost"
	assert lost[1].event_time == datetime(2024, 3, 8, CREATED.hour, CREATED.minute, CREATED.second)


def test_crm_notes_calls_and_leads():
	note = events_of("FCRM Note", title="", reference_doctype="CRM Deal", reference_docname="D-1")
	assert kinds(note) == ["crm_note"] and note[0].title == "CRM note"
	call = events_of(
		"CRM Call Log", type="Outgoing", status="Completed", start_time=datetime(2024, 3, 6, 9, 0)
	)
	assert kinds(call) == ["call_made"] and call[0].event_type == "interaction"
	assert call[0].event_time == datetime(2024, 3, 6, 9, 0)
	incoming = events_of("CRM Call Log", type="Incoming", status="No Answer")
	assert kinds(incoming) == ["call_received"] and incoming[0].summary == "No Answer"
	lead = events_of("CRM Lead", lead_name="Ada Lovelace", status="New")
	assert kinds(lead) == ["crm_lead_created"] and lead[0].title == "CRM lead Ada Lovelace"

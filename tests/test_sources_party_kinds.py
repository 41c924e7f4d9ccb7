"""Records attached to a Lead or a Prospect (comments, tasks, messages) reach the customer it became, but only
readers of that Lead / Prospect may see them: their kinds carry the party as a prefix, chosen from the
document's own reference (sources/lead.py), which the timeline read hides from the others. That the SQL twins
write the same kinds is proven on a real database by customer_360/tests/test_set_based.py."""

from datetime import datetime

import pytest

from customer_360.sources import lead
from tests.test_sources import SOURCES, events_of, kinds


@pytest.mark.parametrize(
	("party", "prefix"), [("Lead", "lead_"), ("Prospect", "prospect_"), ("Customer", ""), (None, "")]
)
def test_comment_task_and_message_kinds_name_the_party_they_are_attached_to(party, prefix):
	(comment,) = events_of("Comment", content="<p>Keen</p>", reference_doctype=party)
	assert comment.kind == prefix + "comment_added"
	assert comment.title.startswith("Comment by ") and comment.summary == "Keen"
	todo = events_of(
		"ToDo",
		description="Call back",
		status="Open",
		date=datetime(2024, 3, 15).date(),
		reference_type=party,
	)
	assert kinds(todo) == [prefix + "task_created", prefix + "task_due"]
	done = events_of("ToDo", description="Call back", status="Closed", reference_type=party)
	assert kinds(done) == [prefix + "task_created", prefix + "task_done"]
	for received, medium, kind in (("Received", "Email", "email_received"), ("Sent", "SMS", "message_sent")):
		(message,) = events_of(
			"Communication", sent_or_received=received, communication_medium=medium, reference_doctype=party
		)
		assert message.kind == prefix + kind


def test_the_party_is_read_from_the_reference_not_from_the_route():
	# A message about a Lead stays a Lead's message on every customer it reaches (a contact of the customer
	# included): Frappe reads a message with its reference's permission, and the set-based path's direct and
	# linked statements must give one document one kind per customer.
	assert "reference_doctype" in SOURCES["Communication"].fields
	assert "reference_doctype" in SOURCES["Comment"].fields
	assert "reference_type" in SOURCES["ToDo"].fields
	(e,) = events_of("Communication", sent_or_received="Received", reference_doctype="Lead", contact="CONT-1")
	assert (e.kind, e.contact) == ("lead_email_received", "CONT-1")


def test_via_and_its_sql_twin():
	assert lead.via("Lead", "task_due") == "lead_task_due"
	assert lead.via("Prospect", "task_due") == "prospect_task_due"
	assert lead.via("Opportunity", "task_due") == "task_due"
	assert lead.via(None, "task_due") == "task_due"
	assert lead.sql_via("t.reference_type", "'task_due'") == (
		"concat(case t.reference_type when 'Lead' then 'lead_' when 'Prospect' then 'prospect_' else '' end,"
		" 'task_due')"
	)
	for source in ("Comment", "ToDo", "Communication"):
		assert SOURCES[source].follows_customer  # what store.party_gate scopes the hiding to
		for ev in SOURCES[source].sql_events:
			assert ev.kind.startswith("concat(case t.reference_"), (source, ev.kind)

from datetime import date, timedelta

import pytest

from customer_360.core import next_steps as ns
from customer_360.core import notes
from customer_360.core.next_steps import Doc, Facts, Thresholds, Voucher
from customer_360.core.next_steps.briefing import compose_briefing, restrict_context
from customer_360.core.next_steps.digest import compose_digest
from customer_360.core.next_steps.drafts import (
	compose_draft,
	model_messages,
	parse_model_reply,
	split_subject,
)
from customer_360.core.next_steps.rules import overdue_to_chase, suggest

TODAY = date(2026, 3, 1)
T = Thresholds()


def ago(days: int) -> date:
	return TODAY - timedelta(days=days)


def rules(facts, thresholds=T, decided=None):
	return [s.rule for s in suggest(facts, TODAY, thresholds, decided)]


def one(facts, rule, thresholds=T):
	found = [s for s in suggest(facts, TODAY, thresholds) if s.rule == rule]
	assert len(found) == 1, rules(facts, thresholds)
	return found[0]


# ---------------------------------------------------------------- thresholds


def test_defaults_and_overrides():
	assert ns.resolve_thresholds(None) == Thresholds()
	assert ns.resolve_thresholds({}).quiet_days == 90
	t = ns.resolve_thresholds({"quiet_days": "60", "case_open_days": None, "renewal_days": ""})
	assert (t.quiet_days, t.case_open_days, t.renewal_days) == (60, 14, 90)


@pytest.mark.parametrize(
	"bad, message",
	[
		({"quiet": 3}, "unknown next-step setting"),
		({"quiet_days": -1}, "cannot be negative"),
		({"quiet_days": "ninety"}, "whole number"),
		({"health_window_days": 0}, "health_window_days"),
	],
)
def test_bad_thresholds_are_refused(bad, message):
	with pytest.raises(ns.NextStepError, match=message):
		ns.resolve_thresholds(bad)


def test_zero_switches_a_rule_off():
	facts = Facts("C", created=ago(400), last_activity=ago(200))
	assert rules(facts) == [ns.WIN_BACK]
	assert rules(facts, Thresholds(quiet_days=0)) == []


# ---------------------------------------------------------------- win-back


def test_quiet_customer_gets_a_win_back_with_the_date():
	s = one(Facts("C", created=ago(400), last_activity=ago(120)), ns.WIN_BACK)
	assert "No contact for 120 days" in s.text()
	assert ago(120).isoformat() in s.text()
	assert s.evidence[0].doctype == "Customer"


def test_recent_activity_or_new_customer_is_not_quiet():
	assert rules(Facts("C", created=ago(400), last_activity=ago(89))) == []
	# never any activity, created a month ago: not quiet
	assert rules(Facts("C", created=ago(30))) == []
	# never any activity, created long ago: quiet since creation
	assert "created" in one(Facts("C", created=ago(200)), ns.WIN_BACK).text()
	assert rules(Facts("C")) == []


def test_boundary_is_inclusive_of_n_days():
	assert rules(Facts("C", last_activity=ago(90))) == [ns.WIN_BACK]


# ---------------------------------------------------------------- quotations


def test_only_quotations_older_than_n_days_are_followed_up():
	q = (
		Doc("Quotation", "QTN-2", ago(20)),
		Doc("Quotation", "QTN-1", ago(30)),
		Doc("Quotation", "QTN-3", ago(3)),
	)
	s = one(Facts("C", last_activity=ago(1), quotations=q), ns.QUOTATION_FOLLOW_UP)
	assert [e.name for e in s.evidence] == ["QTN-1", "QTN-2"]  # oldest first, the fresh one out
	assert "2 quotations" in s.text() and "QTN-1 (30 days)" in s.text()
	fresh = Facts("C", last_activity=ago(1), quotations=(Doc("Quotation", "QTN-3", ago(3)),))
	assert rules(fresh) == []
	assert rules(Facts("C", last_activity=ago(1), quotations=None)) == []


# ---------------------------------------------------------------- payment reminder


def inv(no, outstanding, due_days_ago, company="Co", currency="EUR"):
	return Voucher(company, "Sales Invoice", no, outstanding, ago(due_days_ago), currency)


def test_overdue_invoice_gets_a_reminder_with_amount_and_evidence():
	facts = Facts("C", last_activity=ago(1), receivables=(inv("SI-1", 1200, 40), inv("SI-2", 50, -5)))
	s = one(facts, ns.PAYMENT_REMINDER)
	assert [e.name for e in s.evidence] == ["SI-1"]  # SI-2 is not due yet
	assert "1 invoice overdue, 1,200.00 EUR to collect" in s.text()
	assert s.data["to_collect"] == {"Co": 1200}


def test_paid_customer_is_never_chased():
	# paid in full: nothing outstanding
	assert rules(Facts("C", last_activity=ago(1), receivables=(inv("SI-1", 0, 40),))) == []
	# paid this morning but the payment is not matched to the invoice yet: net balance settled
	unmatched = Voucher("Co", "Payment Entry", "PE-1", -1200, ago(0))
	assert rules(Facts("C", last_activity=ago(1), receivables=(inv("SI-1", 1200, 40), unmatched))) == []
	# a credit note covering it
	credit = Voucher("Co", "Sales Invoice", "SI-RET", -1200, ago(10))
	assert rules(Facts("C", last_activity=ago(1), receivables=(inv("SI-1", 1200, 40), credit))) == []


def test_amount_asked_is_capped_by_the_net_balance_per_company():
	part = Voucher("Co", "Payment Entry", "PE-1", -200, ago(0))
	other = inv("SI-9", 10, 5, company="Other", currency="USD")
	facts = Facts("C", receivables=(inv("SI-1", 500, 40), part, other), last_activity=ago(1))
	chase = overdue_to_chase(facts.receivables, TODAY)
	assert chase["Co"][1] == 300
	assert chase["Other"][1] == 10
	assert "300.00 EUR; 10.00 USD" in one(facts, ns.PAYMENT_REMINDER).text()


def test_overdue_grace_days():
	facts = Facts("C", last_activity=ago(1), receivables=(inv("SI-1", 100, 5),))
	assert rules(facts, Thresholds(overdue_days=7)) == []
	assert rules(facts, Thresholds(overdue_days=5)) == [ns.PAYMENT_REMINDER]
	assert rules(Facts("C", last_activity=ago(1), receivables=(inv("SI-1", 100, 0),))) == []  # due today


# ---------------------------------------------------------------- health


def test_health_drop_from_recent_peak():
	scores = ((ago(20), 80), (ago(10), 85), (ago(0), 60))
	s = one(Facts("C", last_activity=ago(1), health=scores), ns.HEALTH_CHECK_IN)
	assert "fell 25 points, from 85" in s.text() and "to 60" in s.text()
	assert s.data == {"from": 85, "to": 60, "since": ago(10).isoformat()}


def test_small_drop_old_peak_or_single_score_is_no_check_in():
	assert rules(Facts("C", last_activity=ago(1), health=((ago(5), 70), (ago(0), 60)))) == []
	assert rules(Facts("C", last_activity=ago(1), health=((ago(40), 90), (ago(0), 50)))) == []
	assert rules(Facts("C", last_activity=ago(1), health=((ago(0), 10),))) == []
	assert rules(Facts("C", last_activity=ago(1), health=((ago(5), 40), (ago(0), 90)))) == []
	# the latest score is stale (no score for two months): nothing to act on now
	assert rules(Facts("C", last_activity=ago(1), health=((ago(70), 90), (ago(60), 40)))) == []


# ---------------------------------------------------------------- cases and renewals


def test_case_open_longer_than_n_days_is_escalated():
	cases = (Doc("Issue", "ISS-1", ago(20), "Broken"), Doc("Issue", "ISS-2", ago(14), "New"))
	s = one(Facts("C", last_activity=ago(1), open_cases=cases), ns.SUPPORT_ESCALATION)
	assert [e.name for e in s.evidence] == ["ISS-1"]  # 14 days is not longer than 14
	assert "open longer than 14 days: ISS-1 (20 days)" in s.text()


def test_renewal_within_window_only():
	r = (
		Doc("Contract", "CON-1", TODAY + timedelta(days=45)),
		Doc("Subscription", "SUB-1", TODAY + timedelta(days=200)),
		Doc("Contract", "CON-0", ago(1)),
	)
	s = one(Facts("C", last_activity=ago(1), renewals=r), ns.RENEWAL)
	assert [e.name for e in s.evidence] == ["CON-1"]
	assert "Contract CON-1 ends" in s.text() and "in 45 days" in s.text()
	assert rules(Facts("C", last_activity=ago(1), renewals=r[1:])) == []


# ---------------------------------------------------------------- ordering, decisions


def test_priority_order_and_dismissal_until_evidence_changes():
	facts = Facts(
		"C",
		created=ago(500),
		last_activity=ago(100),
		receivables=(inv("SI-1", 100, 10),),
		open_cases=(Doc("Issue", "ISS-1", ago(30)),),
	)
	found = suggest(facts, TODAY, T)
	assert [s.rule for s in found] == [ns.PAYMENT_REMINDER, ns.SUPPORT_ESCALATION, ns.WIN_BACK]
	decided = {s.key: s.fingerprint for s in found if s.rule == ns.PAYMENT_REMINDER}
	assert rules(facts, decided=decided) == [ns.SUPPORT_ESCALATION, ns.WIN_BACK]
	# a new overdue invoice changes the evidence: the suggestion comes back
	facts.receivables = (*facts.receivables, inv("SI-2", 100, 5))
	assert ns.PAYMENT_REMINDER in rules(facts, decided=decided)


def test_same_facts_same_fingerprint():
	a = Facts("C", last_activity=ago(100))
	assert suggest(a, TODAY, T)[0].fingerprint == suggest(a, TODAY, T)[0].fingerprint
	b = Facts("C", last_activity=ago(101))
	assert suggest(a, TODAY, T)[0].fingerprint != suggest(b, TODAY, T)[0].fingerprint


def test_task_description_has_no_amounts():
	s = one(Facts("C", last_activity=ago(1), receivables=(inv("SI-1", 999, 10),)), ns.PAYMENT_REMINDER)
	text = ns.task_description(s, "Acme")
	assert "SI-1" in text and "Acme" in text and "999" not in text


# ---------------------------------------------------------------- audience of a saved note


ROWS = [
	{"role": "Sales User", "note_scopes": "internal, sales, customer", "see_finance": 0, "see_risk": 0},
	{"role": "Accounts User", "note_scopes": "internal, finance, customer", "see_finance": 1, "see_risk": 1},
	{"role": "Support Team", "note_scopes": "internal, support", "see_finance": 1, "see_risk": 1},
]


def test_audience_sees_only_what_every_reader_may_see():
	assert notes.audience_sees("internal", ROWS) == {"see_finance": False, "see_risk": False}
	assert notes.audience_sees("finance", ROWS) == {"see_finance": True, "see_risk": True}
	assert notes.audience_sees("restricted", ROWS) == {"see_finance": False, "see_risk": False}


def context(**over):
	ctx = {
		"today": "2026-03-01",
		"customer": {
			"name": "CUST-1",
			"customer_name": "Acme",
			"customer_type": "Company",
			"customer_group": "Commercial",
			"territory": "EU",
			"account_manager": "Ann",
			"since": "2024-01-01",
		},
		"bought": [
			{"item_name": "Widget", "qty": 3, "last_date": "2026-01-01"},
			{"item_name": "Bolt", "qty": 12.5, "last_date": "2026-02-01"},
		],
		"interactions": [{"date": "2026-02-20", "type": "message", "title": "Re: order", "summary": "Asked"}],
		"money": {
			"companies": [
				{
					"company": "Co",
					"currency": "EUR",
					"outstanding": 1500,
					"overdue": 300,
					"lifetime_value": 98765.4,
					"last_payment_date": "2026-02-01",
					"average_days_to_pay": 21.5,
				}
			]
		},
		"health": {
			"score": 55,
			"band": "yellow",
			"score_date": "2026-03-01",
			"change_30": -20,
			"flags": ["Overdue payment"],
		},
		"open_cases": [{"name": "ISS-1", "subject": "Broken", "days_open": 20}],
		"suggestions": [
			{
				"rule": "payment_reminder",
				"title": "Send a payment reminder",
				"reason": "1 invoice overdue, 300.00 EUR",
			},
			{"rule": "win_back", "title": "Win-back call", "reason": "No contact for 100 days"},
		],
		"left_out": [],
	}
	ctx.update(over)
	return ctx


def test_briefing_has_every_section_from_the_data():
	b = compose_briefing(context())
	assert [s.key for s in b.sections] == list(ns.BRIEFING_SECTIONS)
	text = b.text
	assert text.startswith("Briefing: Acme (2026-03-01)")
	assert "Account manager: Ann" in text
	assert "- Bolt: 12.5 units" in text.split("- Widget")[0]  # most bought first
	assert "outstanding 1,500.00 EUR, overdue 300.00 EUR, lifetime value 98,765.40 EUR" in text
	assert "Score 55 (yellow) on 2026-03-01, down 20 in 30 days" in text
	assert "Active risk flags: Overdue payment" in text
	assert "ISS-1 · Broken · open 20 days" in text
	assert "Send a payment reminder: 1 invoice overdue" in text
	assert b.footer == ""
	assert "<h4>Money position</h4>" in b.html


def test_briefing_is_deterministic_and_escapes_html():
	ctx = context(interactions=[{"date": "d", "type": "message", "title": "<script>x</script>"}])
	assert compose_briefing(ctx).as_dict() == compose_briefing(ctx).as_dict()
	assert "<script>" not in compose_briefing(ctx).html


def test_restricted_context_drops_money_health_and_their_suggestions():
	ctx = restrict_context(context(), see_finance=False, see_risk=False)
	b = compose_briefing(ctx)
	keys = [s.key for s in b.sections]
	assert "money" not in keys and "health" not in keys
	assert "1,500.00" not in b.text and "98,765" not in b.text and "Score 55" not in b.text
	assert "payment reminder" not in b.text and "Win-back call" in b.text
	assert b.footer == "Not included (restricted): health, money."


def test_empty_sections_say_so():
	b = compose_briefing(
		context(bought=[], interactions=[], open_cases=[], suggestions=[], money=None, health=None)
	)
	assert "No purchases on record." in b.text
	assert "No recent interactions." in b.text
	assert "No open support cases." in b.text
	assert "Nothing pressing" in b.text


# ---------------------------------------------------------------- drafts and the model


def test_payment_draft_lists_invoices_and_amounts():
	s = one(Facts("C", last_activity=ago(1), receivables=(inv("SI-1", 1200, 40),)), ns.PAYMENT_REMINDER)
	d = compose_draft(s, context(user_name="Bob"))
	assert d["subject"] == "Payment reminder: SI-1"
	assert "SI-1, due 2026-01-20: 1,200.00 EUR outstanding" in d["message"]
	assert d["message"].startswith("Dear Acme,") and d["message"].rstrip().endswith("Bob")


def test_model_messages_carry_only_the_context():
	ctx = restrict_context(context(), see_finance=False, see_risk=False)
	msgs = model_messages("briefing", ctx)
	assert msgs[0]["role"] == "system" and msgs[1]["role"] == "user"
	assert "Acme" in msgs[1]["content"] and "98765" not in msgs[1]["content"]
	with pytest.raises(ns.NextStepError):
		model_messages("poem", ctx)


def test_parse_model_reply():
	assert parse_model_reply({"choices": [{"message": {"content": " Hi \n"}}]}) == "Hi"
	for bad in ({}, {"choices": []}, {"choices": [{"message": {"content": "  "}}]}, None, "x"):
		with pytest.raises(ns.NextStepError):
			parse_model_reply(bad)


def test_split_subject():
	assert split_subject("Subject: Hello\n\nBody", "F") == {"subject": "Hello", "message": "Body\n"}
	assert split_subject("Just body", "F") == {"subject": "F", "message": "Just body\n"}


# ---------------------------------------------------------------- digest


def test_digest_orders_by_size_of_movement_and_hides_risk_when_absent():
	data = {
		"owner_name": "Ann",
		"week_ending": "2026-03-01",
		"health": [
			{
				"customer": "A",
				"customer_name": "Alpha",
				"from": 80,
				"to": 75,
				"band_from": "green",
				"band_to": "green",
			},
			{
				"customer": "B",
				"customer_name": "Beta",
				"from": 70,
				"to": 40,
				"band_from": "green",
				"band_to": "yellow",
			},
		],
		"flags": [
			{"customer": "B", "customer_name": "Beta", "label": "Overdue payment", "raised_on": "2026-02-27"}
		],
		"renewals": [
			{
				"customer": "A",
				"customer_name": "Alpha",
				"doctype": "Contract",
				"name": "CON-1",
				"ends": "2026-04-01",
			}
		],
		"suggestions": [
			{
				"customer": "A",
				"customer_name": "Alpha",
				"rule": "win_back",
				"title": "Win-back",
				"reason": "Quiet.",
			},
			{
				"customer": "B",
				"customer_name": "Beta",
				"rule": "payment_reminder",
				"title": "Remind",
				"reason": "Owes.",
			},
		],
	}
	d = compose_digest(data)
	assert not d["empty"] and d["subject"] == "Your customers: week ending 2026-03-01"
	assert d["html"].index("Beta (B): 70 → 40 (-30), now yellow") < d["html"].index("Alpha (A): 80 → 75 (-5)")
	assert "Overdue payment" in d["html"] and "CON-1 ends 2026-04-01" in d["html"]
	assert d["html"].index("Remind") < d["html"].index("Win-back")
	masked = compose_digest({**data, "health": None, "flags": None})
	assert "Health movements" not in masked["html"] and "Overdue payment" not in masked["html"]
	assert compose_digest({"owner_name": "Ann", "week_ending": "x", "health": [], "flags": []})["empty"]

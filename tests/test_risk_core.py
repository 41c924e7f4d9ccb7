import pytest

from customer_360.core import risk
from customer_360.core.messages import render
from customer_360.core.risk import Detection, RiskFacts


def test_vocabulary_splits_into_automatic_and_manual():
	assert len(risk.FLAG_TYPES) == 8 and set(risk.FLAG_LABELS) == set(risk.FLAG_TYPES)
	assert risk.MANUAL_TYPES == ("abusive_behavior", "manual_flag")
	assert set(risk.AUTOMATIC_TYPES) | set(risk.MANUAL_TYPES) == set(risk.FLAG_TYPES)
	assert not set(risk.AUTOMATIC_TYPES) & set(risk.MANUAL_TYPES)


def test_no_facts_raise_no_flags():
	assert risk.detect(RiskFacts()) == {}


def test_unknown_or_negative_thresholds_are_refused():
	with pytest.raises(ValueError, match="unknown risk threshold"):
		risk.detect(RiskFacts(), {"overdue_dayz": 10})
	with pytest.raises(ValueError, match=">= 0"):
		risk.detect(RiskFacts(), {"claims_count": -1})


def test_overdue_needs_more_than_the_days_and_the_amount():
	assert "overdue_payment" not in risk.detect(RiskFacts(overdue_invoices=((30, 500.0),)))
	found = risk.detect(RiskFacts(overdue_invoices=((31, 500.0), (45, 1000.0), (90, 0.0))))
	assert (
		render(found["overdue_payment"].reason)
		== "2 invoices overdue more than 30 days (1,500 owed, oldest 45 days)"
	)
	strict = {"overdue_min_amount": 500}
	assert "overdue_payment" not in risk.detect(RiskFacts(overdue_invoices=((60, 500.0),)), strict)
	assert "overdue_payment" in risk.detect(RiskFacts(overdue_invoices=((60, 500.01),)), strict)


def test_frequent_refunds_at_the_ratio_and_count():
	at = RiskFacts(billed=1000.0, refunds=200.0, refund_count=2)
	assert (
		render(risk.detect(at)["frequent_refunds"].reason)
		== "2 refunds worth 200 = 20% of 1,000 billed in the last 180 days"
	)
	assert "frequent_refunds" not in risk.detect(RiskFacts(billed=1000.0, refunds=199.0, refund_count=2))
	assert "frequent_refunds" not in risk.detect(RiskFacts(billed=1000.0, refunds=900.0, refund_count=1))
	# Refunds with nothing billed in the window: all of the recent business is refunds.
	assert "frequent_refunds" in risk.detect(RiskFacts(billed=0.0, refunds=50.0, refund_count=2))


def test_discount_dependency_share_ratio_and_minimum_invoices():
	assert "discount_dependency" in risk.detect(RiskFacts(invoice_discounts=(0.15, 0.2, 0.0, 0.05)))
	assert "discount_dependency" not in risk.detect(RiskFacts(invoice_discounts=(0.149, 0.2, 0.0, 0.05)))
	assert "discount_dependency" not in risk.detect(
		RiskFacts(invoice_discounts=(0.5, 0.5))
	)  # only 2 invoices
	reason = render(risk.detect(RiskFacts(invoice_discounts=(0.2, 0.2, 0.2)))["discount_dependency"].reason)
	assert reason == "3 of 3 invoices in the last 180 days had a discount of 15% or more"


@pytest.mark.parametrize(
	"facts, flag",
	[
		(RiskFacts(claims=3), "frequent_claims"),
		(RiskFacts(delivery_failures=2), "delivery_failures"),
		(RiskFacts(orders=10, cancelled=3), "cancellation_pattern"),
	],
)
def test_count_rules_fire_exactly_at_their_threshold(facts, flag):
	assert set(risk.detect(facts)) == {flag}


@pytest.mark.parametrize(
	"facts", [RiskFacts(claims=2), RiskFacts(delivery_failures=1), RiskFacts(orders=11, cancelled=3)]
)
def test_count_rules_stay_quiet_just_below(facts):
	assert risk.detect(facts) == {}


def test_cancellations_need_a_minimum_count_even_at_a_high_ratio():
	assert risk.detect(RiskFacts(orders=2, cancelled=2)) == {}
	found = risk.detect(RiskFacts(orders=4, cancelled=3))
	assert (
		render(found["cancellation_pattern"].reason)
		== "3 of 4 orders and invoices cancelled in the last 180 days (75%)"
	)


def test_thresholds_from_settings_change_the_rules_and_the_wording():
	found = risk.detect(RiskFacts(claims=1), {"claims_count": 1, "window_days": 30})
	assert render(found["frequent_claims"].reason) == "1 issue or warranty claim raised in the last 30 days"


def test_detection_carries_its_evidence_only():
	evidence = {
		"frequent_claims": [("Issue", "ISS-1"), ("Issue", "ISS-2"), ("Issue", "ISS-3")],
		"delivery_failures": [("Delivery Note", "DN-9")],
	}
	found = risk.detect(RiskFacts(claims=3, delivery_failures=0, evidence=evidence))
	assert list(found) == ["frequent_claims"]
	assert (
		render(found["frequent_claims"].reason) == "3 issues and warranty claims raised in the last 180 days"
	)
	assert found["frequent_claims"].evidence == evidence["frequent_claims"]
	assert found["frequent_claims"].evidence is not evidence["frequent_claims"]


def test_detect_never_produces_manual_types():
	everything = RiskFacts(
		overdue_invoices=((400, 10**6),),
		billed=1.0,
		refunds=1.0,
		refund_count=9,
		invoice_discounts=(1.0, 1.0, 1.0),
		claims=99,
		delivery_failures=99,
		orders=99,
		cancelled=99,
	)
	assert set(risk.detect(everything)) == set(risk.AUTOMATIC_TYPES)


def test_plan_raises_new_and_resolves_cleared_flags():
	detected = {
		"frequent_claims": Detection("frequent_claims", "3 issues"),
		"overdue_payment": Detection("overdue_payment", "late"),
	}
	active = {"FLAG-2": "delivery_failures", "FLAG-1": "overdue_payment", "FLAG-3": "frequent_refunds"}
	to_raise, to_resolve = risk.plan(active, detected)
	assert [d.flag_type for d in to_raise] == ["frequent_claims"]
	assert to_resolve == ["FLAG-2", "FLAG-3"]


def test_plan_never_resolves_manual_flags():
	active = {"FLAG-1": "abusive_behavior", "FLAG-2": "manual_flag", "FLAG-3": "frequent_claims"}
	to_raise, to_resolve = risk.plan(active, {})
	assert to_raise == [] and to_resolve == ["FLAG-3"]


def test_plan_refuses_a_manual_type_among_detections():
	with pytest.raises(ValueError, match="person"):
		risk.plan({}, {"abusive_behavior": Detection("abusive_behavior", "rude")})


def test_plan_is_stable_when_nothing_changed():
	detected = risk.detect(RiskFacts(claims=5))
	to_raise, to_resolve = risk.plan({}, detected)
	assert [d.flag_type for d in to_raise] == ["frequent_claims"] and to_resolve == []
	assert risk.plan({"FLAG-1": "frequent_claims"}, detected) == ([], [])


def test_validate_flag_type():
	for flag_type in risk.FLAG_TYPES:
		risk.validate_flag_type(flag_type, manual=True)
	for flag_type in risk.AUTOMATIC_TYPES:
		risk.validate_flag_type(flag_type, manual=False)
	with pytest.raises(ValueError, match="unknown"):
		risk.validate_flag_type("rude", manual=True)
	for flag_type in risk.MANUAL_TYPES:
		with pytest.raises(ValueError):
			risk.validate_flag_type(flag_type, manual=False)


def test_reasons_are_codes_with_the_amounts_declared_as_finance():
	found = risk.detect(
		RiskFacts(overdue_invoices=((45, 12345.0),), billed=1000.0, refunds=300.0, refund_count=2)
	)
	overdue = found["overdue_payment"].reason
	assert overdue.as_dict() == {
		"code": "overdue_invoices",
		"params": {"count": 1, "days": 30, "owed": 12345.0, "oldest": 45},
	}
	# Without see_finance the amount's clause is dropped, the rest of the sentence stays.
	assert render(overdue, see_finance=False) == "1 invoice overdue more than 30 days (oldest 45 days)"
	refunds = render(found["frequent_refunds"].reason, see_finance=False)
	assert refunds == "2 refunds = 30% of billing in the last 180 days"
	assert render(overdue, translate=lambda s: s.replace("invoice", "facture")).startswith("1 facture")

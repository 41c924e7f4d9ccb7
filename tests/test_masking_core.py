"""The masking policy: finance fields need see_finance, risk fields see_risk, anything else shows."""

from customer_360.core import masking
from customer_360.core.capabilities import EVERYTHING, Capabilities

NOBODY = Capabilities()
RISK_ONLY = Capabilities(see_risk=True)
FINANCE_ONLY = Capabilities(see_finance=True)


def test_every_money_figure_is_finance_and_every_health_field_is_risk():
	assert all(masking.capability_for(f) == "see_finance" for f in masking.MONEY_FIGURES)
	assert all(masking.capability_for(f) == "see_risk" for f in masking.HEALTH_FIELDS)
	assert masking.capability_for("customer") is None
	assert not masking.FINANCE_FIELDS & masking.RISK_FIELDS


def test_mask_blanks_what_the_reader_may_not_see_and_says_so():
	payload = {"customer": "C", "outstanding": 12.5, "score": 70}
	out = masking.mask(dict(payload), RISK_ONLY, ["outstanding", "score"])
	assert out == {"customer": "C", "outstanding": None, "score": 70, "masked": True}
	out = masking.mask(dict(payload), FINANCE_ONLY, ["outstanding", "score"])
	assert out == {"customer": "C", "outstanding": 12.5, "score": None, "masked": True}


def test_mask_adds_missing_fields_as_null():
	out = masking.mask({"customer": "C"}, NOBODY, masking.HEALTH_FIELDS)
	assert out["masked"] is True
	assert all(out[f] is None for f in masking.HEALTH_FIELDS)


def test_positive_control_everything_shows_to_a_reader_with_every_capability():
	payload = {"outstanding": 1.0, "flags": [1], "amount": 3}
	assert masking.mask(dict(payload), EVERYTHING, payload) == {**payload, "masked": False}
	assert masking.mask(dict(payload), EVERYTHING, payload, flag=None) == payload

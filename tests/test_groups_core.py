from customer_360.core.groups import weighted_score


def test_weighted_by_revenue():
	# A big healthy customer outweighs a small sick one.
	assert weighted_score([(90, 9000.0), (10, 1000.0)]) == 82
	assert weighted_score([(90, 0), (10, 0)]) == 50  # nobody bought: plain average
	assert weighted_score([(None, 5000.0), (40, 10.0)]) == 40  # unscored members are left out
	assert weighted_score([(None, 1.0)]) is None
	assert weighted_score([(80, -50.0), (20, 50.0)]) == 20  # net credit is no weight

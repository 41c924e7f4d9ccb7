"""Customers by segment, in two views: VIP tier, industry and health band (customer_360.risk_health.segments),
or product mix, the item group holding the largest share of their 12-month revenue (product_mix.py here).
Both with their 12-month revenue for finance readers only."""

import frappe
from frappe import _

from customer_360.customer_360.report.customer_segments import product_mix
from customer_360.messages import bold
from customer_360.risk_health import segments

TIER_VIEW = "Tier, Industry and Health"
PRODUCT_MIX_VIEW = "Product Mix"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	view = filters.get("view") or TIER_VIEW
	if view == PRODUCT_MIX_VIEW:
		return product_mix.product_mix(filters)
	if view != TIER_VIEW:
		frappe.throw(
			_("View {0} is not one of: {1}, {2}.").format(bold(view), _(TIER_VIEW), _(PRODUCT_MIX_VIEW)),
			frappe.ValidationError,
		)
	return segments.segments(filters)

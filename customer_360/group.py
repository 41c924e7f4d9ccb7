"""The group view: a customer's group or household (customer_360.rollup, readable members only) with each
member's health, active flags, lifetime value and last activity, and the roll-up of them. Set-based: one query
per fact for all members."""

from __future__ import annotations

import frappe
from frappe.utils import getdate, nowdate

from customer_360 import rollup
from customer_360.core import groups, health, masking
from customer_360.core.capabilities import Capabilities
from customer_360.facts import activity, revenue, scores
from customer_360.permissions import allowed_companies
from customer_360.risk_health.config import load_config
from customer_360.risk_health.facts import active_flags

MEMBER_FIGURES = ("lifetime_value", "score", "band", "flags")


def group_view(customer: str, caps: Capabilities) -> dict:
	members = rollup.members(customer)
	names = list(members)
	today = getdate(nowdate())
	info = {
		r.name: r
		for r in frappe.get_all(
			"Customer",
			filters={"name": ["in", names]},
			fields=["name", "customer_name", "customer_group", "disabled"],
			ignore_permissions=True,  # `members` holds only customers the reader may read
		)
	}
	ltv = revenue.lifetime_value(names, allowed_companies()) if caps.see_finance else {}
	latest = scores.latest(names, today) if caps.see_risk else {}
	flags = active_flags(names) if caps.see_risk else {}
	last = activity.last_activity(names, today)
	rows = []
	for name, (head, relation) in members.items():
		c = info.get(name) or frappe._dict(customer_name=name)
		score = latest.get(name)
		row = {
			"customer": name,
			"customer_name": c.customer_name,
			"customer_group": c.customer_group,
			"disabled": bool(c.disabled),
			"relation": relation,
			"head": head,
			"last_activity": str(last[name]) if last.get(name) else None,
			"lifetime_value": ltv.get(name, 0.0),
			"score": score.score if score else None,
			"band": score.band if score else None,
			"flags": len(flags.get(name, {})),
		}
		rows.append(masking.mask(row, caps, MEMBER_FIGURES, flag=None))
	total = {
		"members": len(rows),
		"lifetime_value": sum(ltv.get(n, 0.0) for n in names),
		"score": groups.weighted_score((r["score"], ltv.get(r["customer"], 0.0)) for r in rows),
		"flags": sum(len(flags.get(n, {})) for n in names),
	}
	total["band"] = health.band(total["score"], load_config().bands) if total["score"] is not None else None
	masking.mask(total, caps, ("lifetime_value", "score", "band", "flags"), flag=None)
	return {
		"customer": customer,
		"household": rollup.is_household(customer),
		"members": rows,
		"total": total,
		"finance_masked": not caps.see_finance,
		"risk_masked": not caps.see_risk,
	}

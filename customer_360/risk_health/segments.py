"""Customer Segments: readable customers counted by VIP tier (the VIP rule, risk_health/vip.py), industry and
health band (latest stored score), with the average score and, for finance readers, 12-month revenue in one
currency (facts/revenue.py converts companies in other currencies). Risk data: see_risk, as the other reports."""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from customer_360.core.capabilities import SEE_FINANCE, SEE_RISK
from customer_360.core.definitions import VIP_ORDER_DAYS
from customer_360.facts import orders, revenue, scores
from customer_360.permissions import check_capability, has_capability
from customer_360.risk_health import reports, vip
from customer_360.risk_health.config import load_config

NO_BAND = "no score"


def segments(filters):
	check_capability(SEE_RISK)
	as_of = getdate(filters.get("date") or nowdate())
	names = reports.readable_customers(filters)
	conditions = {"disabled": 0}
	if names is not None:
		conditions["name"] = ["in", names or [""]]
	customers = frappe.get_all(
		"Customer",
		filters=conditions,
		fields=["name", "industry"],
		limit_page_length=0,
		ignore_permissions=True,
	)  # the names are already the readable ones
	all_names = [c.name for c in customers]
	latest = scores.latest(all_names, as_of) if all_names else {}
	lifetime = revenue.lifetime_value(all_names) if all_names else {}
	occasions = (
		orders.buying_occasions(all_names, add_days(as_of, -VIP_ORDER_DAYS), as_of) if all_names else {}
	)
	vips = (
		vip.vips(all_names, load_config().vip, as_of, lifetime, {n: len(o) for n, o in occasions.items()})
		if all_names
		else set()
	)
	finance = has_capability(SEE_FINANCE)
	revenue_365 = vip.revenue_365(all_names, as_of) if finance and all_names else {}
	groups = defaultdict(lambda: {"customers": 0, "scores": [], "revenue": 0.0})
	for c in customers:
		row = latest.get(c.name)
		key = ("VIP" if c.name in vips else "Regular", c.industry or "", row.band if row else NO_BAND)
		g = groups[key]
		g["customers"] += 1
		if row and row.score is not None:
			g["scores"].append(int(row.score))
		g["revenue"] += revenue_365.get(c.name, 0.0)
	data = []
	for (tier, industry, band), g in sorted(
		groups.items(), key=lambda kv: (kv[0][0] != "VIP", kv[0][1], kv[0][2])
	):
		out = {
			"tier": _(tier),
			"industry": industry,
			"band": _(band),
			"customers": g["customers"],
			"average_score": round(sum(g["scores"]) / len(g["scores"]), 1) if g["scores"] else None,
		}
		if finance:
			out["revenue_365"] = round(g["revenue"], 2)
		data.append(out)
	col = reports.col
	columns = [
		col("tier", _("Tier"), "Data", 90),
		col("industry", _("Industry"), "Link", 160, options="Industry Type"),
		col("band", _("Health Band"), "Data", 110),
		col("customers", _("Customers"), "Int", 100),
		col("average_score", _("Average Score"), "Float", 120),
	]
	if finance:
		columns.append(col("revenue_365", _("Revenue, 12 Months ({0})").format(vip.currency()), "Float", 180))
	return columns, data

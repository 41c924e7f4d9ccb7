"""Customer Churn Risk: today's score, its trend over the last weeks (stored scores, facts/scores.py), open
escalations (support cases open past the escalation threshold) and renewals due (contracts and subscriptions
ending within the renewal window), combined by core.churn. Amounts only for finance readers (as reports.py)."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import frappe
from frappe import _
from frappe.utils import add_days, cint, getdate, nowdate

from customer_360.core import churn
from customer_360.core.capabilities import SEE_FINANCE
from customer_360.facts import issues, scores
from customer_360.permissions import has_capability
from customer_360.risk_health import reports

SETTINGS = "Customer 360 Settings"
DEFAULT_WEEKS = 8
REASONS = {
	"falling": lambda r: _("score fell {0} points in {1} weeks").format(-r["score_change"], r["weeks"]),
	"escalations": lambda r: _("{0} open escalation(s)").format(r["open_escalations"]),
	"renewal": lambda r: _("renewal due {0}").format(r["renewal_due"]),
}


def churn_risk(filters):
	rows = reports.latest_scores(filters)
	as_of = getdate(filters.get("date") or nowdate())
	weeks = max(1, min(cint(filters.get("weeks") or DEFAULT_WEEKS), 104))
	customers = [r.customer for r in rows]
	before = scores.latest(customers, add_days(as_of, -7 * weeks)) if customers else {}
	escalations = _escalations(customers, as_of)
	renewals = _renewals(customers, as_of)
	finance = has_capability(SEE_FINANCE)
	revenue = reports._annual_revenue(customers, as_of) if finance and customers else {}
	data = []
	for r in rows:
		then = before.get(r.customer)
		change = int(r.score) - int(then.score) if then and then.score is not None else None
		due = renewals.get(r.customer)
		p, reasons = churn.probability(r.score, change, escalations.get(r.customer, 0), due is not None)
		row = {
			"customer": r.customer,
			"customer_name": r.customer_name,
			"score": r.score,
			"band": r.band,
			"score_change": change,
			"weeks": weeks,
			"open_escalations": escalations.get(r.customer, 0),
			"renewal_due": due,
			"churn_probability": round(100 * p, 1),
		}
		row["why"] = "; ".join(REASONS[code](row) for code in reasons)
		if finance:
			row["annual_revenue"] = revenue.get(r.customer, 0.0)
			row["risk_amount"] = round(row["annual_revenue"] * p, 2)
		data.append(row)
	# Biggest amount at risk first (finance readers), then the likeliest to leave.
	data.sort(key=lambda d: (-d.get("risk_amount", 0), -d["churn_probability"], d["customer"]))
	col = reports.col
	columns = [
		*reports.customer_columns(),
		col("score", _("Health Score"), "Int", 110),
		col("band", _("Band"), "Data", 80),
		col("score_change", _("Change over {0} Weeks").format(weeks), "Int", 150),
		col("open_escalations", _("Open Escalations"), "Int", 130),
		col("renewal_due", _("Renewal Due"), "Date", 110),
		col("churn_probability", _("Churn Probability %"), "Percent", 150),
		col("why", _("Why"), "Data", 260),
	]
	if finance:
		columns += [
			col("annual_revenue", _("Annual Revenue"), "Currency", 140),
			col("risk_amount", _("Risk Amount"), "Currency", 140),
		]
	return columns, data


def _escalations(customers: list[str], as_of) -> dict[str, int]:
	"""Open support cases older than the escalation threshold (Customer 360 Settings, as the next steps use)."""
	days = cint(frappe.db.get_single_value(SETTINGS, "ns_case_open_days"))
	if not customers or days <= 0 or not issues.tracked():
		return {}
	return Counter(
		r.customer
		for r in issues.open_issues(customers)
		if r.opening_date and (as_of - getdate(r.opening_date)).days > days
	)


def _renewals(customers: list[str], as_of) -> dict[str, str]:
	"""customer -> the first contract or subscription end within the renewal window (the next steps' query)."""
	days = cint(frappe.db.get_single_value(SETTINGS, "ns_renewal_days"))
	if not customers or days <= 0:
		return {}
	from customer_360.next_steps import facts as next_facts

	out = {c: SimpleNamespace(renewals=()) for c in customers}
	next_facts._renewals(out, customers, as_of, SimpleNamespace(renewal_days=days))
	return {c: str(min(d.day for d in f.renewals)) for c, f in out.items() if f.renewals}

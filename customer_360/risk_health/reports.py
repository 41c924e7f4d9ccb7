"""Portfolio reports over the stored health scores and the customer master: health distribution, health trend by
customer group or territory, churn risk, expansion signals, orphaned customers and data completeness.

Every report reads only customers the user may read (Customer's own permission query, user permissions
included). Risk reports also require the see_risk capability, and amounts (annual revenue, risk amount) are
left out for users without see_finance: a column that is not there cannot leak through export or print.
"""

from __future__ import annotations

from datetime import date

import frappe
from frappe import _
from frappe.utils import add_days, flt, getdate, nowdate

from customer_360.core.capabilities import SEE_RISK
from customer_360.facts import activity, revenue, scores
from customer_360.permissions import check_capability

BANDS = ("green", "yellow", "red")
GROUPINGS = {"Customer Group": "customer_group", "Territory": "territory"}


def col(fieldname: str, label: str, fieldtype: str = "Data", width: int = 120, **extra) -> dict:
	return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **extra}


def customer_columns() -> list[dict]:
	return [
		col("customer", _("Customer"), "Link", 160, options="Customer"),
		col("customer_name", _("Customer Name"), "Data", 180),
	]


def readable_customers(filters) -> list[str] | None:
	"""Names the user may read within the filters, or None for "all" (a user Frappe lets read every customer)."""
	conditions = {}
	for field in ("customer_group", "territory"):
		if filters.get(field):
			conditions[field] = filters.get(field)
	if frappe.session.user == "Administrator" and not conditions:
		return None
	# get_list applies role permissions, user permissions and permission query conditions.
	return frappe.get_list("Customer", filters=conditions, pluck="name", limit_page_length=0)


def _in(column: str, names: list[str] | None) -> tuple[str, dict]:
	if names is None:
		return "", {}
	if not names:
		return " and 1=0", {}
	return f" and {column} in %(names)s", {"names": names}


def latest_scores(filters) -> list[dict]:
	"""Each readable customer's latest score on or before the report date (rows with a band only)."""
	check_capability(SEE_RISK)
	as_of = getdate(filters.get("date") or nowdate())
	latest = scores.latest(readable_customers(filters), as_of)
	customers = frappe.get_all(
		"Customer",
		filters={"name": ["in", list(latest) or [""]], "disabled": 0},
		fields=["name", "customer_name", "customer_group", "territory"],
	)
	return [
		frappe._dict(
			customer=c.name,
			customer_name=c.customer_name,
			customer_group=c.customer_group,
			territory=c.territory,
			score=latest[c.name].score,
			band=latest[c.name].band,
			score_date=latest[c.name].score_date,
		)
		for c in customers
	]


# --- health distribution ---------------------------------------------------------------------------------------


def distribution(filters):
	rows = latest_scores(filters)
	total = len(rows) or 1
	counts = {band: sum(1 for r in rows if r.band == band) for band in BANDS}
	data = [
		{"band": _(band.title()), "customers": counts[band], "share": round(100 * counts[band] / total, 1)}
		for band in BANDS
	]
	buckets = [0] * 10  # 0-9, ..., 90-100
	for r in rows:
		buckets[min(int(r.score) // 10, 9)] += 1
	columns = [
		col("band", _("Band"), "Data", 120),
		col("customers", _("Customers"), "Int", 120),
		col("share", _("Share %"), "Percent", 120),
	]
	chart = {
		"data": {
			"labels": [f"{10 * i}\u2013{10 * i + 9 if i < 9 else 100}" for i in range(10)],
			"datasets": [{"name": _("Customers"), "values": buckets}],
		},
		"type": "bar",
		"colors": ["#5e64ff"],
	}
	return columns, data, None, chart


# --- health trend ----------------------------------------------------------------------------------------------


def trend(filters):
	check_capability(SEE_RISK)
	field = GROUPINGS.get(filters.get("group_by") or "Customer Group")
	if not field:
		frappe.throw(_("Group by must be Customer Group or Territory."), frappe.ValidationError)
	to_date = getdate(filters.get("to_date") or nowdate())
	from_date = getdate(filters.get("from_date") or add_days(to_date, -90))
	if from_date > to_date:
		frappe.throw(_("From Date must be on or before To Date."), frappe.ValidationError)
	rows = scores.weekly_average(readable_customers(filters), from_date, to_date, field)
	data = [
		{"week": r.week, "group": r.grp, "average": round(flt(r.average), 1), "customers": r.customers}
		for r in rows
	]
	weeks = sorted({r["week"] for r in data})
	groups = sorted({r["group"] or "" for r in data})
	by = {(r["group"] or "", r["week"]): r["average"] for r in data}
	chart = {
		"data": {
			"labels": [str(w) for w in weeks],
			"datasets": [
				{"name": g or _("(none)"), "values": [by.get((g, w), 0) for w in weeks]} for g in groups
			],
		},
		"type": "line",
	}
	columns = [
		col("week", _("Week Of"), "Date", 110),
		col(
			"group",
			_(filters.get("group_by") or "Customer Group"),
			"Link",
			180,
			options=filters.get("group_by") or "Customer Group",
		),
		col("average", _("Average Score"), "Float", 130, precision=1),
		col("customers", _("Customers Scored"), "Int", 140),
	]
	return columns, data, None, chart


# --- churn risk ------------------------------------------------------------------------------------------------


# The report itself: risk_health/churn.py (score, trend, escalations, renewals).


def _annual_revenue(customers: list[str], as_of) -> dict[str, float]:
	"""Net billed in the last 365 days (returns subtract), in company currency."""
	return revenue.net_billed(customers, add_days(as_of, -365), as_of)


# --- expansion signals -----------------------------------------------------------------------------------------

EXPANSION_LIMIT = 200  # customers per run: each is a co-purchase query of its own


def expansion(filters):
	from customer_360.risk_health.customer_signals import expansion as customer_expansion

	rows = latest_scores(filters)
	rows.sort(key=lambda r: (-r.score, r.customer))  # healthy customers are the ones to grow
	today = getdate(filters.get("date") or nowdate())
	data = []
	for r in rows[:EXPANSION_LIMIT]:
		for item in customer_expansion(r.customer, today):
			data.append(
				{
					"customer": r.customer,
					"customer_name": r.customer_name,
					"score": r.score,
					"item_code": item["item_code"],
					"item_name": item["item_name"],
					"share": round(100 * item["share"], 1),
					"peers": item["peers"],
				}
			)
	columns = [
		*customer_columns(),
		col("score", _("Health Score"), "Int", 110),
		col("item_code", _("Item"), "Link", 150, options="Item"),
		col("item_name", _("Item Name"), "Data", 180),
		col("share", _("Bought by % of Similar Customers"), "Percent", 200),
		col("peers", _("Similar Customers"), "Int", 140),
	]
	return columns, data


# --- orphaned customers and data completeness (no risk data: Customer read is enough) ---------------------------


def orphaned(filters):
	names = readable_customers(filters)
	scoped, params = _in("c.name", names)
	data = frappe.db.sql(
		f"""
		select c.name as customer, c.customer_name, c.customer_group, c.territory, date(c.creation) as created
		from `tabCustomer` c
		where c.disabled = 0 and ifnull(c.account_manager, '') = '' {scoped}
		order by c.name""",
		params,
		as_dict=True,
	)
	last = activity.last_activity([r.customer for r in data], getdate(nowdate()))
	for r in data:
		r.last_activity = last.get(r.customer)
	data.sort(key=lambda r: (-(r.last_activity or date.min).toordinal(), r.customer))
	columns = [
		*customer_columns(),
		col("customer_group", _("Customer Group"), "Link", 150, options="Customer Group"),
		col("territory", _("Territory"), "Link", 130, options="Territory"),
		col("created", _("Created"), "Date", 110),
		col("last_activity", _("Last Activity"), "Date", 120),
	]
	return columns, data


def completeness(filters):
	names = readable_customers(filters)
	scoped, params = _in("c.name", names)
	# Email and phone count from the customer's own fields or any linked Contact; address from a linked Address.
	rows = frappe.db.sql(
		f"""
		select c.customer_group as grp, count(*) as customers,
			sum(ifnull(c.email_id, '') != '' or exists(
				select 1 from `tabDynamic Link` dl join `tabContact` ct on ct.name = dl.parent
				where dl.parenttype = 'Contact' and dl.link_doctype = 'Customer' and dl.link_name = c.name
					and ifnull(ct.email_id, '') != '')) as with_email,
			sum(ifnull(c.mobile_no, '') != '' or exists(
				select 1 from `tabDynamic Link` dl join `tabContact` ct on ct.name = dl.parent
				where dl.parenttype = 'Contact' and dl.link_doctype = 'Customer' and dl.link_name = c.name
					and (ifnull(ct.mobile_no, '') != '' or ifnull(ct.phone, '') != ''))) as with_phone,
			sum(ifnull(c.account_manager, '') != '') as with_owner,
			sum(exists(
				select 1 from `tabDynamic Link` dl
				where dl.parenttype = 'Address' and dl.link_doctype = 'Customer' and dl.link_name = c.name)) as with_address
		from `tabCustomer` c
		where c.disabled = 0 {scoped}
		group by c.customer_group order by c.customer_group""",
		params,
		as_dict=True,
	)
	data = [_completeness_row(r.grp, r) for r in rows]
	if rows:
		total = {
			k: sum(int(r[k]) for r in rows)
			for k in ("customers", "with_email", "with_phone", "with_owner", "with_address")
		}
		data.append(_completeness_row(_("All customers"), frappe._dict(total)))
	columns = [
		col("customer_group", _("Customer Group"), "Data", 180),
		col("customers", _("Customers"), "Int", 110),
	] + [
		col(f, label, "Percent", 120)
		for f, label in (
			("email", _("With Email %")),
			("phone", _("With Phone %")),
			("owner", _("With Account Owner %")),
			("address", _("With Address %")),
		)
	]
	return columns, data


def _completeness_row(group, r) -> dict:
	n = int(r.customers) or 1
	return {
		"customer_group": group,
		"customers": int(r.customers),
		**{k: round(100 * int(r[f"with_{k}"]) / n, 1) for k in ("email", "phone", "owner", "address")},
	}

"""Activity facts: cancellations, buying occasions, issues, returned deliveries and the timeline index."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Max
from frappe.utils import getdate

from customer_360.risk_health.common import Windows, params, scoped, total

DN = DocType("Delivery Note")
ISSUE = DocType("Issue")
EVENT = DocType("Customer Timeline Event")

# Timeline event types that count as engagement: messages, logged interactions, quotations and orders.
ENGAGEMENT_TYPES = ("message", "interaction", "sales")
ORDER_HISTORY_DAYS = 730  # enough occasions for a rhythm, recent enough to be the customer's current one
CLOSED_ISSUE = ("Resolved", "Closed")


def cancellations(out: dict, scope, w: Windows) -> None:
	"""Orders and invoices of the window, and how many were cancelled. A cancelled document that was amended is
	a correction, not a cancellation (the amendment counts instead)."""
	rows = frappe.db.sql(
		f"""
		select customer, count(*) as orders, sum(docstatus = 2 and amended is null) as cancelled from (
			select t.customer, t.docstatus, a.amended_from as amended
			from `tabSales Order` t
			left join (select distinct amended_from from `tabSales Order` where amended_from is not null) a
				on a.amended_from = t.name
			where t.docstatus in (1, 2) and t.transaction_date > %(start)s and t.transaction_date <= %(today)s
				{scoped("t.customer", scope)}
			union all
			select t.customer, t.docstatus, a.amended_from
			from `tabSales Invoice` t
			left join (select distinct amended_from from `tabSales Invoice` where amended_from is not null) a
				on a.amended_from = t.name
			where t.docstatus in (1, 2) and t.is_return = 0 and t.posting_date > %(start)s
				and t.posting_date <= %(today)s {scoped("t.customer", scope)}
		) o
		group by customer""",
		params(w, scope),
		as_dict=True,
	)
	for r in rows:
		if r.customer in out:
			_cf, rf, _x = out[r.customer]
			rf.orders, rf.cancelled = int(r.orders or 0), int(r.cancelled or 0)


def order_dates(out: dict, scope, w: Windows) -> None:
	"""Buying occasions: sales order dates, and dates of invoices not made from an order (so an order and its
	invoice a week later are one purchase, not two)."""
	rows = frappe.db.sql(
		f"""
		select distinct customer, day from (
			select t.customer, t.transaction_date as day from `tabSales Order` t
			where t.docstatus = 1 and t.transaction_date > %(since)s and t.transaction_date <= %(today)s
				{scoped("t.customer", scope)}
			union all
			select si.customer, si.posting_date from `tabSales Invoice` si
			where si.docstatus = 1 and si.is_return = 0
				and si.posting_date > %(since)s and si.posting_date <= %(today)s {scoped("si.customer", scope)}
				and not exists (
					select 1 from `tabSales Invoice Item` sii
					where sii.parent = si.name and sii.parenttype = 'Sales Invoice' and ifnull(sii.sales_order, '') != ''
				)
		) o""",
		params(w, scope, since=w.ago(ORDER_HISTORY_DAYS)),
	)
	days = defaultdict(list)
	for customer, day in rows:
		days[customer].append(getdate(day))
	year_ago = w.ago(365)
	for customer, values in days.items():
		if customer in out:
			cf, _rf, extras = out[customer]
			cf.order_dates = tuple(sorted(values))
			extras["orders_365"] = sum(1 for d in values if d > year_ago)


def issues(out: dict, scope, w: Windows) -> None:
	d90 = w.ago(90)
	is_open = ISSUE.status.notin(CLOSED_ISSUE)
	dated = ISSUE.opening_date <= w.today
	query = (
		frappe.qb.from_(ISSUE)
		.select(
			ISSUE.customer,
			total(is_open, 1).as_("open"),
			total(dated & (ISSUE.opening_date > d90), 1).as_("recent"),
			total(dated & (ISSUE.opening_date > w.start), 1).as_("claims"),
		)
		.where(ISSUE.customer.isnotnull() & (is_open | (ISSUE.opening_date > min(d90, w.start))))
		.groupby(ISSUE.customer)
	)
	if scope is not None:
		query = query.where(ISSUE.customer.isin(scope))
	for r in query.run(as_dict=True):
		if r.customer in out:
			cf, rf, _x = out[r.customer]
			cf.issues_open, cf.issues_90, rf.claims = int(r.open or 0), int(r.recent or 0), int(r.claims or 0)


def delivery_returns(out: dict, scope, w: Windows) -> None:
	query = (
		frappe.qb.from_(DN)
		.select(DN.customer, Count(DN.name))
		.where(
			(DN.docstatus == 1)
			& (DN.is_return == 1)
			& (DN.posting_date > w.start)
			& (DN.posting_date <= w.today)
		)
		.groupby(DN.customer)
	)
	if scope is not None:
		query = query.where(DN.customer.isin(scope))
	for customer, count in query.run():
		if customer in out:
			out[customer][1].delivery_failures = int(count or 0)


def timeline(out: dict, scope, w: Windows) -> None:
	"""Last activity and recent interactions from the timeline index. A customer without any indexed event has
	no engagement data (the index may not cover them yet), which is not the same as 0 interactions.
	Both queries read only the (customer, event_type, ..., event_time) indexes; a cancelled order still was
	contact with the customer, so `cancelled` is not filtered (it would cost a row lookup per event)."""
	last = frappe.qb.from_(EVENT).select(EVENT.customer, Max(EVENT.event_time))
	last = last.where(EVENT.event_time < w.end).groupby(EVENT.customer)  # index-only: (customer, event_time)
	recent = (
		frappe.qb.from_(EVENT)
		.select(EVENT.customer, Count(EVENT.name))
		.where(
			EVENT.event_type.isin(ENGAGEMENT_TYPES)
			& (EVENT.event_time >= datetime.combine(w.ago(89), time.min))
			& (EVENT.event_time < w.end)
		)
		.groupby(EVENT.customer)
	)
	if scope is not None:
		last, recent = last.where(EVENT.customer.isin(scope)), recent.where(EVENT.customer.isin(scope))
	for customer, at in last.run():
		if customer in out and at:
			cf = out[customer][0]
			cf.last_activity, cf.interactions_90 = getdate(at), 0
	for customer, count in recent.run():
		if customer in out:
			out[customer][0].interactions_90 = int(count or 0)

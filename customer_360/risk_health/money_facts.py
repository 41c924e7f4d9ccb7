"""Money facts: billing windows, receivables and overdue vouchers, payment delay, invoice discounts."""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe.query_builder import DocType
from frappe.utils import flt, getdate

from customer_360.risk_health.common import EVIDENCE_LIMIT, TINY, Windows, params, scoped, total

SI = DocType("Sales Invoice")


def invoices(out: dict, scope, w: Windows) -> None:
	d90, d180, d365 = w.ago(90), w.ago(180), w.ago(365)
	sale, credit = SI.is_return == 0, SI.is_return == 1
	recent = credit & (SI.posting_date > w.start)
	query = (
		frappe.qb.from_(SI)
		.select(
			SI.customer,
			total(sale & (SI.posting_date > d365), SI.base_grand_total).as_("billed_365"),
			total(credit & (SI.posting_date > d365), -SI.base_grand_total).as_("returns_365"),
			# Net of credit notes: revenue given back is not revenue.
			total(SI.posting_date > d90, SI.base_net_total).as_("revenue_90"),
			total((SI.posting_date > d180) & (SI.posting_date <= d90), SI.base_net_total).as_("prior_90"),
			total(sale & (SI.posting_date > w.start), SI.base_grand_total).as_("billed"),
			total(recent, -SI.base_grand_total).as_("refunds"),
			total(recent, 1).as_("refund_count"),
		)
		.where((SI.docstatus == 1) & (SI.posting_date > min(d365, w.start)) & (SI.posting_date <= w.today))
		.groupby(SI.customer)
	)
	if scope is not None:
		query = query.where(SI.customer.isin(scope))
	for r in query.run(as_dict=True):
		if r.customer not in out:
			continue
		cf, rf, _x = out[r.customer]
		cf.billed_365, cf.returns_365 = flt(r.billed_365), flt(r.returns_365)
		cf.revenue_90, cf.revenue_prior_90 = flt(r.revenue_90), flt(r.prior_90)
		rf.billed, rf.refunds, rf.refund_count = flt(r.billed), flt(r.refunds), int(r.refund_count or 0)


def receivables(out: dict, scope, w: Windows, t: dict) -> None:
	"""What each voucher still owes, from ERPNext's Payment Ledger, as customer_360.money reads it: the voucher's
	own row carries its due date (posting date for advances); overdue = owed and due before today."""
	rows = frappe.db.sql(
		f"""
		select ple.party as customer, ple.against_voucher_type as voucher_type,
			ple.against_voucher_no as voucher_no, sum(ple.amount) as balance,
			max(if(ple.voucher_no = ple.against_voucher_no, coalesce(ple.due_date, ple.posting_date), null)) as due
		from `tabPayment Ledger Entry` ple
		where ple.party_type = 'Customer' and ple.account_type = 'Receivable' and ple.delinked = 0
			and ple.posting_date <= %(today)s {scoped("ple.party", scope)}
		group by ple.party, ple.against_voucher_type, ple.against_voucher_no
		having abs(sum(ple.amount)) >= %(tiny)s""",
		params(w, scope, tiny=TINY),
		as_dict=True,
	)
	overdue = defaultdict(list)
	for r in rows:
		if r.customer not in out:
			continue
		cf, _rf, _x = out[r.customer]
		balance = flt(r.balance)
		cf.outstanding += balance
		due = getdate(r.due) if r.due else None
		if balance > 0 and due is not None and due < w.today:
			cf.overdue += balance
			overdue[r.customer].append(((w.today - due).days, balance, r.voucher_type, r.voucher_no))
	for customer, vouchers in overdue.items():
		_cf, rf, _x = out[customer]
		rf.overdue_invoices = tuple((days, amount) for days, amount, *_ in vouchers)
		hits = sorted(
			(v for v in vouchers if v[0] > t["overdue_days"] and v[1] > t["overdue_min_amount"]), reverse=True
		)
		if hits:
			rf.evidence["overdue_payment"] = [(dt, name) for *_, dt, name in hits[:EVIDENCE_LIMIT]]


def days_late(out: dict, scope, w: Windows) -> None:
	"""Mean days from due date to the last payment, over invoices of the last 365 days that are fully paid."""
	rows = frappe.db.sql(
		f"""
		select si.customer, avg(datediff(p.paid_on, coalesce(si.due_date, si.posting_date))) as late
		from `tabSales Invoice` si
		join (
			select ple.against_voucher_no, max(ple.posting_date) as paid_on
			from `tabPayment Ledger Entry` ple
			where ple.against_voucher_type = 'Sales Invoice' and ple.voucher_type in ('Payment Entry', 'Journal Entry')
				and ple.party_type = 'Customer' and ple.delinked = 0 and ple.amount < 0
				and ple.posting_date > %(since)s {scoped("ple.party", scope)}
			group by ple.against_voucher_no
		) p on p.against_voucher_no = si.name
		where si.docstatus = 1 and si.is_return = 0 and si.outstanding_amount <= 0
			and si.posting_date > %(since)s and si.posting_date <= %(today)s {scoped("si.customer", scope)}
		group by si.customer""",
		params(w, scope, since=w.ago(365)),
		as_dict=True,
	)
	for r in rows:
		if r.customer in out and r.late is not None:
			out[r.customer][0].avg_days_late = round(flt(r.late), 1)


def discounts(out: dict, scope, w: Windows, t: dict) -> None:
	"""Each invoice's discount: 1 - net total / list value (item discounts and the header discount alike)."""
	rows = frappe.db.sql(
		f"""
		select si.customer, si.name, si.posting_date, si.net_total,
			sum(sii.qty * if(sii.price_list_rate > 0, sii.price_list_rate, sii.rate)) as list_value
		from `tabSales Invoice` si
		join `tabSales Invoice Item` sii on sii.parent = si.name and sii.parenttype = 'Sales Invoice'
		where si.docstatus = 1 and si.is_return = 0
			and si.posting_date > %(start)s and si.posting_date <= %(today)s {scoped("si.customer", scope)}
		group by si.customer, si.name, si.posting_date, si.net_total""",
		params(w, scope),
		as_dict=True,
	)
	fractions, discounted = defaultdict(list), defaultdict(list)
	for r in rows:
		list_value = flt(r.list_value)
		fraction = max(0.0, 1 - flt(r.net_total) / list_value) if list_value > 0 else 0.0
		fractions[r.customer].append(round(fraction, 4))
		if fraction >= t["discount_ratio"]:
			discounted[r.customer].append((r.posting_date, r.name))
	for customer, values in fractions.items():
		if customer in out:
			_cf, rf, _x = out[customer]
			rf.invoice_discounts = tuple(values)
			if discounted[customer]:
				newest = sorted(discounted[customer], reverse=True)[:EVIDENCE_LIMIT]
				rf.evidence["discount_dependency"] = [("Sales Invoice", name) for _d, name in newest]

"""Benchmark of the nightly recompute, for `bench --site SITE customer-360 benchmark-health [--customers 5000]`.

Seeds N synthetic customers straight into ERPNext's tables with multi-row inserts (as
devtools/perf/timeline.seed_history does): customers copied from an existing one, submitted-looking invoice
headers with one item line each for a share of them (some credit notes, some discounts), and unpaid overdue
ledger rows for a few, so every fact query and a realistic number of new flags are exercised. Then it runs
recompute_all() twice: "as of yesterday" (first scores, new flags) and today (explained against yesterday:
the nightly steady state). The goal, 5k customers in under 30 s, is judged on the second run.
Meant for a development or benchmark site: the synthetic rows stay (names start with "C360 HB").
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

import frappe
from frappe.utils import add_days, getdate, now_datetime, nowdate, random_string

from customer_360.devtools.seed.ledger_clone import insert_rows
from customer_360.risk_health.job import recompute_all

INVOICED_SHARE = 0.6
INVOICES_PER_CUSTOMER = 8
OVERDUE_SHARE = 0.05  # of invoiced customers: one invoice 70 days past due, unpaid
RETURN_SHARE = 0.05
ITEMS = [f"C360-HB-ITEM-{i:02d}" for i in range(30)]


def benchmark_recompute(customers: int = 5000, seed: int = 360) -> dict:
	frappe.set_user("Administrator")
	started = time.perf_counter()
	seeded = seed_customers(customers, seed)
	seed_seconds = round(time.perf_counter() - started, 2)
	today = getdate(nowdate())
	first = recompute_all(today=add_days(today, -1))
	frappe.db.commit()
	second = recompute_all(today=today)
	frappe.db.commit()
	return {
		**seeded,
		"seed_seconds": seed_seconds,
		"first_run": first,
		"second_run": second,
		"seconds": second["seconds"],
	}


def seed_customers(count: int, seed: int = 360) -> dict:
	rnd = random.Random(seed)
	tag = random_string(5)
	meta = _base(now_datetime())
	template = frappe.db.get_value(
		"Customer", {}, ["customer_group", "territory", "customer_type", "naming_series"], as_dict=True
	) or frappe._dict(
		customer_group=frappe.db.get_value("Customer Group", {"is_group": 0}),
		territory=frappe.db.get_value("Territory", {"is_group": 0}),
		customer_type="Company",
	)
	names = [f"C360 HB {tag} {i:05d}" for i in range(count)]
	created = meta["creation"] - timedelta(days=400)
	insert_rows(
		"Customer",
		[
			{**meta, "name": n, "creation": created, "docstatus": 0, "customer_name": n, **template}
			for n in names
		],
	)
	company = frappe.get_all("Company", limit=1, pluck="name")[0]
	currency, receivable = frappe.db.get_value(
		"Company", company, ["default_currency", "default_receivable_account"]
	)
	today = getdate(nowdate())
	invoices, items, ledger = [], [], []
	for customer in names:
		if rnd.random() >= INVOICED_SHARE:
			continue
		overdue = rnd.random() < OVERDUE_SHARE
		for k in range(INVOICES_PER_CUSTOMER):
			name = f"C360HB-{tag}-{len(invoices):07d}"
			unpaid = overdue and k == 0
			is_return = 0 if unpaid else int(rnd.random() < RETURN_SHARE)
			posted = today - timedelta(days=100 if unpaid else rnd.randint(5, 400))
			list_price = rnd.randint(50, 5000)
			net = round(list_price * (1 - rnd.choice((0, 0, 0, 0.05, 0.2))), 2) * (-1 if is_return else 1)
			invoices.append(
				{
					**meta,
					"name": name,
					"customer": customer,
					"company": company,
					"posting_date": posted,
					"posting_time": "10:00:00",
					"due_date": posted + timedelta(days=30),
					"currency": currency,
					"conversion_rate": 1,
					"grand_total": net,
					"base_grand_total": net,
					"net_total": net,
					"base_net_total": net,
					"outstanding_amount": net if unpaid else 0,
					"is_return": is_return,
					"status": "Overdue" if unpaid else ("Return" if is_return else "Paid"),
				}
			)
			item = rnd.choice(ITEMS)
			items.append(
				{
					**meta,
					"name": f"{name}-1",
					"parent": name,
					"parenttype": "Sales Invoice",
					"parentfield": "items",
					"idx": 1,
					"item_code": item,
					"item_name": item,
					"uom": "Nos",
					"qty": -1 if is_return else 1,
					"rate": abs(net),
					"price_list_rate": list_price,
					"amount": net,
					"net_amount": net,
					"base_amount": net,
					"base_net_amount": net,
				}
			)
			if unpaid:
				ledger.append(
					{
						**meta,
						"name": f"{name}-PLE",
						"posting_date": posted,
						"company": company,
						"account_type": "Receivable",
						"account": receivable,
						"party_type": "Customer",
						"party": customer,
						"due_date": posted + timedelta(days=30),
						"voucher_type": "Sales Invoice",
						"voucher_no": name,
						"against_voucher_type": "Sales Invoice",
						"against_voucher_no": name,
						"amount": net,
						"account_currency": currency,
						"amount_in_account_currency": net,
						"delinked": 0,
					}
				)
	insert_rows("Sales Invoice", invoices)
	insert_rows("Sales Invoice Item", items)
	insert_rows("Payment Ledger Entry", ledger)
	frappe.db.commit()
	return {
		"tag": tag,
		"customers_created": count,
		"invoices": len(invoices),
		"overdue_invoices": len(ledger),
	}


def _base(now) -> dict:
	return {
		"creation": now,
		"modified": now,
		"owner": "Administrator",
		"modified_by": "Administrator",
		"docstatus": 1,
	}


def print_summary(r: dict) -> None:
	first, second = r["first_run"], r["second_run"]
	print(
		f"seeded {r['customers_created']} customers and {r['invoices']} invoices in {r['seed_seconds']} s\n"
		f"recompute as of yesterday: {first['customers']} customers in {first['seconds']} s,"
		f" {first['flags_raised']} flags raised\n"
		f"recompute today (nightly steady state): {second['customers']} customers in {second['seconds']} s"
		" (goal: 5000 in < 30 s)"
	)

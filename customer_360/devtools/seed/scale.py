"""`bench --site SITE customer-360 seed-scale`: bulk data for the benchmarks, built in minutes.

- A portfolio of synthetic customers with invoice history (devtools/perf/health.seed_customers), for the
  nightly recompute and the duplicate finder.
- One "whale" customer with `invoices` real-looking Sales Invoices, most of them paid by Payment Entries, some
  part-paid or open, spread over three years: clones of one invoice and one payment submitted through ERPNext
  (devtools/seed/ledger_clone.py), so the GL and the Payment Ledger balance and ERPNext's Accounts Receivable report
  reads them like any other.
- The rest of the whale's `events` as emails, comments, tasks and files (devtools/perf/timeline.seed_history).
- With `sources` (the default), every customer and the whale (in proportion to its invoices) also get journal
  receipts, warranty claims, maintenance visits, contracts, projects with tasks, the Lead they were converted
  from with its history, calendar events and call logs (devtools/seed/scale_sources.py).

Everything is tagged with a random suffix so the command can run again on the same site.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

import frappe
from frappe.utils import add_days, getdate, nowdate, random_string

from customer_360.devtools.perf.common import WHALE_PREFIX, ensure_customer
from customer_360.devtools.seed.ledger_clone import TEMPLATE_AMOUNT, clone, insert_rows, voucher_rows

ITEM = "C360-SCALE-SERVICE"
PAID, PART_PAID = 0.85, 0.05  # shares of the whale's invoices; the rest are open
HISTORY_MIX = {"Communication": 0.55, "Comment": 0.2, "ToDo": 0.18, "File": 0.07}
WHALE_INVOICES_PER_CUSTOMER = 8  # the whale's documents of the other sources: invoices / 8 customers' worth


def seed_scale(
	customers: int = 2000,
	events: int = 100_000,
	invoices: int = 10_000,
	seed: int = 360,
	sources: bool = True,
) -> dict:
	from customer_360.devtools.perf import timeline
	from customer_360.devtools.perf.health import seed_customers
	from customer_360.devtools.seed.scale_sources import seed_sources

	frappe.set_user("Administrator")
	frappe.flags.c360_hooks_off = True  # one backfill at the end, not a job per document
	started = time.perf_counter()
	portfolio = seed_customers(customers, seed) if customers else {"customers_created": 0, "invoices": 0}
	whale = _whale()
	ledger = seed_whale_ledger(whale, invoices, random.Random(seed))
	rest = max(events - ledger["invoices"] - ledger["payments"], 0)
	history = timeline.seed_history(rest, customer=whale, mix=HISTORY_MIX) if rest else {"records": {}}
	other = {}
	if sources:
		# the names health.seed_customers gives the customers of its run
		names = [f"C360 HB {portfolio['tag']} {i:05d}" for i in range(customers)] if customers else []
		scale = max(1, invoices // WHALE_INVOICES_PER_CUSTOMER)
		other = seed_sources(names, whale, scale, ledger["company"], ITEM, seed)
	frappe.db.commit()
	return {
		"whale": whale,
		"company": ledger["company"],
		"portfolio_customers": portfolio["customers_created"],
		"portfolio_invoices": portfolio["invoices"],
		"whale_invoices": ledger["invoices"],
		"whale_payments": ledger["payments"],
		"whale_other_records": sum(history["records"].values()),
		"other_sources": other,
		"seconds": round(time.perf_counter() - started, 1),
	}


def _whale() -> str:
	return ensure_customer(f"{WHALE_PREFIX}{random_string(5)}")


def seed_whale_ledger(customer: str, count: int, rnd: random.Random) -> dict:
	company = default_company()
	today = getdate(nowdate())
	si, pe = voucher_templates(customer, company, today)
	si_rows, pe_rows = voucher_rows("Sales Invoice", si.name), voucher_rows("Payment Entry", pe.name)
	tag = random_string(5).upper()
	tables: dict[str, list[dict]] = {}
	payments = 0
	for i in range(count - 1):  # the template invoice is the first
		posted = today - timedelta(days=rnd.randint(1, 3 * 365))
		due = posted + timedelta(days=30)
		amount = float(rnd.randint(100, 5000))
		roll = rnd.random()
		paid = (
			amount
			if roll < PAID
			else round(amount * rnd.uniform(0.2, 0.8), 2)
			if roll < PAID + PART_PAID
			else 0
		)
		invoice = f"C360S-{tag}-SI-{i:06d}"
		subs = {si.name: invoice, si.posting_date: posted, si.due_date: due}
		left = round(amount - paid, 2)
		if not left:
			status = "Paid"
		elif paid:
			status = "Partly Paid"
		else:
			status = "Overdue" if due < today else "Unpaid"
		_add(
			tables,
			clone(
				si_rows,
				invoice,
				amount,
				subs,
				{
					"Sales Invoice": {"outstanding_amount": left, "status": status},
					"Payment Schedule": {"outstanding": left, "paid_amount": paid},
				},
			),
		)
		if paid:
			payment = f"C360S-{tag}-PE-{i:06d}"
			on = min(posted + timedelta(days=rnd.randint(0, 60)), today)
			_add(
				tables,
				clone(
					pe_rows,
					payment,
					paid,
					{**subs, pe.name: payment, pe.posting_date: on},
					{"Payment Entry Reference": {"total_amount": amount, "outstanding_amount": amount}},
				),
			)
			payments += 1
	for table, rows in tables.items():
		insert_rows(table, rows)
	return {"company": company, "invoices": count, "payments": payments + 1}


def _add(tables: dict, rows: dict) -> None:
	for table, found in rows.items():
		tables.setdefault(table, []).extend(found)


def default_company() -> str:
	return (
		frappe.db.get_single_value("Global Defaults", "default_company")
		or frappe.get_all("Company", limit=1, pluck="name")[0]
	)


def voucher_templates(customer: str, company: str, today):
	"""One invoice and its payment, submitted through ERPNext, on dates no clone uses."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	_item()
	posted = add_days(today, -3 * 365 - 40)
	ensure_fiscal_years(posted)
	si = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": company,
			"posting_date": posted,
			"set_posting_time": 1,
			"due_date": add_days(posted, 30),
			"items": [{"item_code": ITEM, "qty": 1, "rate": TEMPLATE_AMOUNT}],
			"taxes_and_charges": "",
			"taxes": [],
		}
	).insert(ignore_permissions=True)
	if abs(si.grand_total - TEMPLATE_AMOUNT) > 0.001:
		frappe.throw(f"seed-scale needs an invoice without taxes; the template came to {si.grand_total}")
	si.submit()
	pe = get_payment_entry("Sales Invoice", si.name)
	pe.posting_date = add_days(posted, 5)
	pe.reference_no = random_string(8)
	pe.reference_date = pe.posting_date
	pe.insert(ignore_permissions=True)
	pe.submit()
	si.reload()
	return si, pe


def ensure_fiscal_years(since) -> None:
	"""Three years of history need their fiscal years: add the missing earlier years, each the length and
	alignment of the earliest one the site has (a site may run April to March)."""
	from dateutil.relativedelta import relativedelta

	since = getdate(since)
	while True:
		first = frappe.get_all(
			"Fiscal Year", fields=["year_start_date"], order_by="year_start_date asc", limit=1
		)
		if not first or first[0].year_start_date <= since:
			frappe.cache.delete_value("fiscal_years")  # ERPNext caches the list per company
			return
		start = first[0].year_start_date - relativedelta(years=1)
		end = first[0].year_start_date - timedelta(days=1)
		label = str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
		frappe.get_doc(
			{"doctype": "Fiscal Year", "year": label, "year_start_date": start, "year_end_date": end}
		).insert(ignore_permissions=True)


def _item() -> None:
	if not frappe.db.exists("Item", ITEM):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": ITEM,
				"item_name": "Scale Service",
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}),
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)

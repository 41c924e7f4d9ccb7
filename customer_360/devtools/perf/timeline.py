"""The timeline figures: `bench --site SITE customer-360 benchmark-timeline` (and the timeline row of `benchmark`).

seed_history() gives one customer a long synthetic history written straight into ERPNext's own tables
(emails, comments, tasks, files and submitted invoice headers) — cheap to build at 100k rows, and real
enough for both sides: our backfill reads those tables, and ERPNext's Customer form load (getdoc) reads the
same comments, emails, files and assignments. The money benchmark (with real, ledger-posting invoices)
comes with the money panel.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import frappe
from frappe.utils import random_string

from customer_360 import indexer
from customer_360.api.timeline import get_timeline
from customer_360.core.timeline import encode_cursor
from customer_360.devtools.perf.common import ensure_customer, median_ms, print_rows
from customer_360.devtools.seed.ledger_clone import insert_rows

# Share of each synthetic source in the seeded history (emails dominate a real customer's history).
MIX = {"Communication": 0.45, "Comment": 0.2, "ToDo": 0.15, "File": 0.05, "Sales Invoice": 0.15}


def seed_history(events: int = 100_000, customer: str | None = None, mix: dict | None = None) -> dict:
	"""A customer with `events` timeline-worthy records spread over three years (`mix`: share per source)."""
	mix = mix or MIX
	if not (customer and frappe.db.exists("Customer", customer)):
		customer = ensure_customer(customer or f"C360 Bench {random_string(6)}")
	company = frappe.get_all("Company", limit=1, pluck="name")[0]
	currency = frappe.db.get_value("Company", company, "default_currency")
	start = datetime.now() - timedelta(days=3 * 365)
	step = (3 * 365 * 86400) / max(events, 1)
	tag = random_string(6)
	counts = {}
	offset = 0
	last = list(mix)[-1]
	for doctype, share in mix.items():
		n = int(events * share) if doctype != last else events - sum(counts.values())
		counts[doctype] = n
		rows = []
		for i in range(n):
			at = start + timedelta(seconds=(offset + i) * step)
			name = f"C360B-{tag}-{doctype[:3].upper()}-{i:07d}"
			base = (name, at, at, "Administrator", "Administrator")
			if doctype == "Communication":
				rows.append(
					(
						*base,
						"Communication",
						"Email",
						"Received" if i % 3 else "Sent",
						f"Message {i} about order {i % 97}",
						"buyer@example.com",
						at,
						"Customer",
						customer,
						"<p>Hello</p>",
					)
				)
			elif doctype == "Comment":
				rows.append(
					(*base, "Comment", "Customer", customer, f"<p>Call note {i}</p>", "Administrator")
				)
			elif doctype == "ToDo":
				rows.append(
					(
						*base,
						"Closed" if i % 4 else "Open",
						f"Follow up {i}",
						"Customer",
						customer,
						"Administrator",
						at.date(),
					)
				)
			elif doctype == "File":
				rows.append((*base, f"scan-{i}.pdf", f"/private/files/scan-{i}.pdf", "Customer", customer, 1))
			else:
				rows.append(
					(*base, 1, customer, company, at.date(), at.time(), 100 + i % 900, currency, 0, at.date())
				)
		columns = ["name", "creation", "modified", "owner", "modified_by"] + {
			"Communication": [
				"communication_type",
				"communication_medium",
				"sent_or_received",
				"subject",
				"sender",
				"communication_date",
				"reference_doctype",
				"reference_name",
				"content",
			],
			"Comment": ["comment_type", "reference_doctype", "reference_name", "content", "comment_email"],
			"ToDo": ["status", "description", "reference_type", "reference_name", "allocated_to", "date"],
			"File": ["file_name", "file_url", "attached_to_doctype", "attached_to_name", "is_private"],
			"Sales Invoice": [
				"docstatus",
				"customer",
				"company",
				"posting_date",
				"posting_time",
				"grand_total",
				"currency",
				"is_return",
				"due_date",
			],
		}[doctype]
		insert_rows(doctype, [dict(zip(columns, row, strict=True)) for row in rows])
		offset += n
	frappe.db.commit()
	return {"customer": customer, "records": counts}


def timeline_benchmark(events: int = 100_000, runs: int = 15) -> dict:
	"""Seed, backfill, then first page vs deep page vs ERPNext's Customer form load, same customer."""
	frappe.set_user("Administrator")
	seeded = seed_history(events)
	t = time.perf_counter()
	totals = indexer.backfill(progress=False, workers=indexer.DEFAULT_WORKERS)
	backfill_s = time.perf_counter() - t
	return {
		"seeded_records": seeded["records"],
		"backfill_events": totals["events"],
		"backfill_seconds": round(backfill_s, 2),
		"backfill_workers": totals["workers"],
		"backfill_events_per_s": round(totals["events"] / backfill_s) if backfill_s else None,
		**timeline_figures(seeded["customer"], runs),
	}


def timeline_figures(customer: str, runs: int = 15) -> dict:
	"""First page (counts computed), first page without counts, a page at ~100% depth, and ERPNext's getdoc."""
	from frappe.desk.form.load import getdoc

	frappe.set_user("Administrator")
	indexed = frappe.db.count("Customer Timeline Event", {"customer": customer})
	deep = frappe.db.sql(
		"select event_time, name from `tabCustomer Timeline Event` where customer = %s"
		" order by event_time desc, name desc limit 1 offset %s",
		(customer, max(indexed - 60, 0)),
	)[0]
	deep_cursor = encode_cursor(deep[0], deep[1])

	def first_page_cold_counts():
		indexer.bump_version()  # as right after a write: the counts are computed, not cached
		get_timeline(customer)

	def first_page_no_counts():
		get_timeline(customer, cursor=encode_cursor(datetime.now() + timedelta(days=3650), "~"))

	def deep_page():
		page = get_timeline(customer, cursor=deep_cursor)
		assert page["events"], "deep page is empty"

	def form_load():
		getdoc("Customer", customer)
		frappe.response.pop("docs", None)
		frappe.response.pop("docinfo", None)

	for fn in (first_page_cold_counts, deep_page, form_load):  # warm caches on both sides
		fn()
	results = {
		"customer": customer,
		"indexed_events": indexed,
		"first_page_cold_counts_ms": median_ms(first_page_cold_counts, runs, warm=0),
		"first_page_without_counts_ms": median_ms(first_page_no_counts, runs, warm=0),
		"deep_page_ms": median_ms(deep_page, runs, warm=0),
		"erpnext_getdoc_ms": median_ms(form_load, runs, warm=0),
	}
	# The goal is judged on the uncached first page (counts computed), the worst case a user meets.
	results["first_page_vs_getdoc"] = round(
		results["first_page_cold_counts_ms"] / results["erpnext_getdoc_ms"], 3
	)
	# Like for like: a deep page carries no counts, so it is compared with a first page without counts.
	results["deep_vs_first"] = round(results["deep_page_ms"] / results["first_page_without_counts_ms"], 3)
	return results


def print_table(r: dict) -> None:
	rows = [
		(
			"data",
			f"1 customer, {r['indexed_events']} indexed events from {sum(r['seeded_records'].values())} records",
			"",
			"",
		),
		(
			"timeline first page (50 + type counts computed)",
			f"{r['first_page_cold_counts_ms']} ms",
			f"ERPNext getdoc Customer {r['erpnext_getdoc_ms']} ms",
			f"{r['first_page_vs_getdoc']} (goal <= 0.2)",
		),
		(
			"timeline page at depth ~100%",
			f"{r['deep_page_ms']} ms",
			f"first page without counts {r['first_page_without_counts_ms']} ms",
			f"{r['deep_vs_first']} (goal <= 1.5)",
		),
		(
			"backfill",
			f"{r['backfill_events_per_s']} events/s",
			f"{r['backfill_events']} events in {r['backfill_seconds']} s, {r['backfill_workers']} lanes",
			"(goal >= 20000/s)",
		),
	]
	print_rows(rows)

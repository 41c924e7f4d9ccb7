"""`bench --site SITE customer-360 benchmark`: every performance figure of the app next to its anchor, measured
in the same run on the same data, printed as one table (and as JSON for the record).

Data: the newest "whale" made by `seed-scale` (seeded now with the defaults when there is none) and every
customer on the site. Each figure is a median of several runs.
"""

from __future__ import annotations

import time

import frappe

from customer_360.perf.common import ratio

WHALE_PREFIX = "C360 Whale "


def find_whale() -> str | None:
	rows = frappe.db.sql(
		"""select c.name from `tabCustomer` c
		where c.customer_name like %s
		order by (select count(*) from `tabSales Invoice` si where si.customer = c.name) desc, c.creation desc
		limit 1""",
		WHALE_PREFIX + "%",
	)
	return rows[0][0] if rows else None


def run_all(runs: int = 5, url: str | None = None, merge_docs: int = 10_000, password: str = "admin") -> dict:
	from customer_360 import benchmark, indexer
	from customer_360.perf import money, submit
	from customer_360.risk_health.job import recompute_all
	from customer_360.seed.scale import seed_scale

	frappe.set_user("Administrator")
	out: dict = {"runs": runs}
	whale = find_whale()
	if not whale:
		out["seeded"] = seed_scale()
		whale = out["seeded"]["whale"]
	company = frappe.db.get_value("Sales Invoice", {"customer": whale, "docstatus": 1}, "company")
	out["data"] = {
		"customers": frappe.db.count("Customer"),
		"whale": whale,
		"whale_invoices": frappe.db.count("Sales Invoice", {"customer": whale, "docstatus": 1}),
		"whale_payments": frappe.db.count("Payment Entry", {"party": whale, "docstatus": 1}),
	}

	t = time.perf_counter()
	totals = indexer.backfill(progress=False, workers=indexer.DEFAULT_WORKERS)
	seconds = time.perf_counter() - t
	out["backfill"] = {**totals, "events_per_s": round(totals["events"] / seconds) if seconds else None}
	out["data"]["whale_events"] = frappe.db.count("Customer Timeline Event", {"customer": whale})
	out["data"]["index_rows"] = frappe.db.count("Customer Timeline Event")

	out["timeline"] = benchmark.timeline_figures(whale, runs=max(runs, 5))
	out["money"] = money.money_benchmark(whale, company, runs=runs)
	out["submit"] = submit.submit_overhead(_small_customer(), company, runs=max(runs * 4, 20))

	health_runs = []
	for _ in range(max(runs // 2, 2)):
		health_runs.append(recompute_all())
		frappe.db.commit()
	health_runs.sort(key=lambda r: r["seconds"])
	out["health"] = health_runs[len(health_runs) // 2]

	if merge_docs:
		from customer_360.merge.benchmark import run_benchmark

		out["merge"] = run_benchmark(docs=merge_docs)
	if url:
		from customer_360.perf.http_load import load_test

		frappe.db.commit()
		customers = [whale, *frappe.get_all("Customer", pluck="name", limit=50, order_by="modified desc")]
		out["http"] = load_test(url, customers, password=password)
	return out


def _small_customer() -> str:
	name = "C360 Submit Bench"
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}),
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
	return name


def table_rows(r: dict) -> list[tuple[str, str, str, str]]:
	d, tl, m, s, h = r["data"], r["timeline"], r["money"], r["submit"], r["health"]
	rows = [
		(
			"timeline first page (50 + counts)",
			f"{tl['first_page_cold_counts_ms']} ms",
			f"ERPNext Customer form getdoc {tl['erpnext_getdoc_ms']} ms",
			f"{tl['first_page_vs_getdoc']} (goal <= 0.2)",
		),
		(
			"timeline deep page (~100%)",
			f"{tl['deep_page_ms']} ms",
			f"first page without counts {tl['first_page_without_counts_ms']} ms",
			f"{tl['deep_vs_first']} (goal <= 1.5)",
		),
		(
			"money panel (get_money)",
			f"{m['get_money_ms']} ms",
			f"Accounts Receivable report {m['ar_report_ms']} ms",
			f"{m['ratio']} (goal <= 0.33), same totals: {'yes' if m['same_totals'] else 'NO'}",
		),
		(
			"Sales Invoice insert+submit",
			f"{s['with_app_ms']} ms with the app",
			f"{s['without_app_ms']} ms without its hooks",
			f"+{s['overhead_pct']}% (goal <= 5%)",
		),
		(
			"backfill",
			f"{r['backfill']['events_per_s']} events/s",
			f"{r['backfill']['events']} events in {r['backfill']['seconds']} s, {r['backfill']['workers']} lanes",
			"(goal >= 20000/s)",
		),
		(
			"nightly health + risk, all customers",
			f"{h['seconds']} s",
			f"{h['customers']} customers",
			"(goal: 5000 in < 30 s)",
		),
	]
	if r.get("merge"):
		g = r["merge"]
		rows.append(
			(
				f"merge, loser with {g['docs']} documents",
				f"{g['ours_seconds']} s ({g['ours_status']})",
				f"ERPNext rename(merge=True) {g['erpnext_seconds']} s",
				f"{ratio(g['ours_seconds'], g['erpnext_seconds'])} (undo {g.get('ours_undo_seconds')} s)",
			)
		)
	if r.get("http"):
		x = r["http"]
		rows.append(
			(
				f"360 APIs, {x['clients']} concurrent HTTP clients",
				f"p95 {x['p95_ms']} ms, {x['errors']} errors",
				f"p50 {x['p50_ms']} ms, {x['requests']} requests, {x['throughput_rps']} req/s",
				"",
			)
		)
	else:
		rows.append(("360 APIs under 20 HTTP clients", "not measured", "pass --url of a running bench", ""))
	rows.insert(
		0,
		(
			"data",
			f"{d['customers']} customers",
			f"whale: {d['whale_invoices']} invoices, {d['whale_payments']} payments, {d['whale_events']} events",
			f"{d['index_rows']} index rows; medians of {r['runs']}+ runs",
		),
	)
	return rows


def print_table(r: dict) -> None:
	rows = [("figure", "ours", "anchor (same run)", "ratio / goal"), *table_rows(r)]
	widths = [max(len(row[i]) for row in rows) for i in range(4)]
	line = "+".join("-" * (w + 2) for w in widths)
	for i, row in enumerate(rows):
		print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
		if i == 0:
			print(line)

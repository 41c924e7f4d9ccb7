"""`bench --site SITE customer-360 benchmark`: every performance figure of the app next to its anchor, measured
in the same run on the same data, printed as one table (and as JSON for the record).

Data: the newest "whale" made by `seed-scale` (seeded now with the defaults when there is none) and every
customer on the site. Each figure is a median of several runs.
"""

from __future__ import annotations

import time

import frappe

from customer_360.devtools.perf.common import ensure_customer, peak_rss, print_rows, ratio, whales

HEADER = ("figure", "ours", "anchor (same run)", "ratio / goal")
ROWS = ("backfill", "timeline", "money", "ledger", "submit", "health", "merge", "http", "browser")


def run_all(
	runs: int = 5,
	url: str | None = None,
	merge_docs: int = 10_000,
	password: str = "admin",
	rows: tuple[str, ...] = ROWS,
	clients: int = 20,
	requests_per_client: int = 25,
	max_seconds: float = 180,
	browser_runs: int = 3,
	browser_timeout: float = 60,
) -> dict:
	from customer_360 import indexer
	from customer_360.devtools.perf import money, submit, timeline
	from customer_360.devtools.seed.scale import seed_scale
	from customer_360.risk_health.job import recompute_all

	frappe.set_user("Administrator")
	out: dict = {"runs": runs, "versions": versions()}
	whale = next(iter(whales(1)), None)
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

	if "backfill" in rows:
		t = time.perf_counter()
		with peak_rss() as peak:
			totals = indexer.backfill(progress=False, workers=indexer.DEFAULT_WORKERS)
		seconds = time.perf_counter() - t
		out["backfill"] = {
			**totals,
			"events_per_s": round(totals["events"] / seconds) if seconds else None,
			"peak_rss_mb": peak["mb"],
			"rss_before_mb": peak["before_mb"],
		}
	out["data"]["whale_events"] = frappe.db.count("Customer Timeline Event", {"customer": whale})
	out["data"]["index_rows"] = frappe.db.count("Customer Timeline Event")

	if "timeline" in rows:
		out["timeline"] = timeline.timeline_figures(whale, runs=max(runs, 5))
	if "money" in rows:
		out["money"] = money.money_benchmark(whale, company, runs=runs)
	if "ledger" in rows:
		from customer_360.ledger import benchmark_pages

		out["ledger"] = benchmark_pages(whale, company)
	if "submit" in rows:
		out["submit"] = submit.submit_overhead(
			ensure_customer("C360 Submit Bench"), company, runs=max(runs * 4, 20)
		)

	if "health" in rows:
		health_runs = []
		for _ in range(max(runs // 2, 2)):
			with peak_rss() as peak:
				health_runs.append(recompute_all())
				frappe.db.commit()
			health_runs[-1].update(peak_rss_mb=peak["mb"], rss_before_mb=peak["before_mb"])
		health_runs.sort(key=lambda r: r["seconds"])
		out["health"] = health_runs[len(health_runs) // 2]

	if merge_docs and "merge" in rows:
		from customer_360.devtools.perf.merge import run_benchmark

		out["merge"] = run_benchmark(docs=merge_docs)
	frappe.db.commit()
	if "http" in rows:
		from customer_360.devtools.perf.http_row import http_row

		out["http"] = http_row(
			url=url,
			password=password,
			clients=clients,
			requests_per_client=requests_per_client,
			max_seconds=max_seconds,
		)
	if "browser" in rows:
		from customer_360.devtools.perf.browser import browser_row

		out["browser"] = browser_row(
			whale, url=url, password=password, runs=browser_runs, timeout=browser_timeout
		)
	return out


def versions() -> dict:
	import platform

	found = {"python": platform.python_version()}
	for app in ("frappe", "erpnext"):
		try:
			found[app] = frappe.get_attr(f"{app}.__version__")
		except Exception:
			found[app] = None
	try:
		found["mariadb"] = frappe.db.sql("select version()")[0][0]
	except Exception:
		found["mariadb"] = None
	return found


def table_rows(r: dict) -> list[tuple[str, str, str, str]]:
	d = r["data"]
	rows = [
		(
			"data",
			f"{d['customers']} customers",
			f"whale: {d['whale_invoices']} invoices, {d['whale_payments']} payments, {d['whale_events']} events",
			f"{d['index_rows']} index rows; medians of {r['runs']}+ runs",
		)
	]
	if tl := r.get("timeline"):
		rows.append(
			(
				"timeline first page (50 + counts)",
				f"{tl['first_page_cold_counts_ms']} ms",
				f"ERPNext Customer form getdoc {tl['erpnext_getdoc_ms']} ms",
				f"{tl['first_page_vs_getdoc']} (goal <= 0.2)",
			)
		)
		rows.append(
			(
				"timeline deep page (~100%)",
				f"{tl['deep_page_ms']} ms",
				f"first page without counts {tl['first_page_without_counts_ms']} ms",
				f"{tl['deep_vs_first']} (goal <= 1.5)",
			)
		)
	if m := r.get("money"):
		rows.append(
			(
				"money panel (get_money)",
				f"{m['get_money_ms']} ms (cached: {m.get('get_money_cached_ms', '-')} ms)",
				f"Accounts Receivable report {m['ar_report_ms']} ms",
				f"{m['ratio']} (goal <= 0.33), same totals: {'yes' if m['same_totals'] else 'NO'}",
			)
		)
	if lg := r.get("ledger"):
		rows.append(
			(
				f"ledger page 1 / page {lg['deep_page']} (50 rows)",
				f"{lg['first_page_ms']} ms (cold {lg.get('first_page_cold_ms', '-')} ms) / {lg['deep_page_ms']} ms",
				f"dues over every open invoice (own call) {lg['dues_ms']} ms",
				"(goal <= 50 ms each)",
			)
		)
	if s := r.get("submit"):
		rows.append(
			(
				"Sales Invoice insert+submit",
				f"{s['with_app_ms']} ms with the app",
				f"{s['without_app_ms']} ms without its hooks",
				f"{s['overhead_pct']:+}% (goal <= 5%)"
				+ ("" if s.get("rq_worker", True) else "; no RQ worker ran: queued jobs not drained"),
			)
		)
	if b := r.get("backfill"):
		rows.append(
			(
				"backfill",
				f"{b['events_per_s']} events/s",
				f"{b['events']} events in {b['seconds']} s, {b['workers']} lanes",
				f"(goal >= 20000/s); peak RSS {b.get('peak_rss_mb', '-')} MB"
				f" (from {b.get('rss_before_mb', '-')})",
			)
		)
	if h := r.get("health"):
		rows.append(
			(
				"nightly health + risk, all customers",
				f"{h['seconds']} s",
				f"{h['customers']} customers",
				f"(goal: 5000 in < 30 s); peak RSS {h.get('peak_rss_mb', '-')} MB"
				f" (from {h.get('rss_before_mb', '-')})",
			)
		)
	if g := r.get("merge"):
		rows.append(
			(
				f"merge, loser with {g['docs']} documents",
				f"{g['ours_seconds']} s ({g['ours_status']}; {g.get('ours_manifest_rows', '-')} manifest rows)",
				f"ERPNext rename(merge=True) {g['erpnext_seconds']} s",
				f"{ratio(g['ours_seconds'], g['erpnext_seconds'])},"
				f" per round {g.get('ratio_median', '-')} (goal <= 1.0);"
				f" undo {g.get('ours_undo_seconds')} s (goal <= the merge)",
			)
		)
	if x := r.get("http"):
		rows.extend(http_rows(x))
	if br := r.get("browser"):
		rows.extend(browser_rows(br))
	return rows


def _load(p: dict) -> str:
	text = f"p50 {p['p50_ms']} / p95 {p['p95_ms']} ms, {p['throughput_rps']} req/s, {p['errors']} errors"
	if p.get("cut_at_time_limit"):
		text += f" ({p['requests']} of {p['planned']} requests: time limit)"
	return text


def http_rows(x: dict) -> list[tuple[str, str, str, str]]:
	rows = []
	for label in ("cold", "warm"):
		ours, anchor = x["ours"][label], x["anchor"][label]
		rows.append(
			(
				f"360 APIs, {x['clients']} HTTP clients, {label}",
				_load(ours),
				f"ERPNext getdoc Customer: {_load(anchor)}",
				f"p95 {ratio(ours['p95_ms'], anchor['p95_ms'])} (goal: ours p95 <= 300 ms, 0 errors)",
			)
		)
	ours, anchor = x["ours"]["warm"], x["anchor"]["warm"]
	slowest = max(ours["whale_per_method_p95_ms"].items(), key=lambda kv: kv[1], default=("-", 0))
	rows.append(
		(
			"  the whale's requests, warm",
			f"p95 {ours['whale_p95_ms']} ms ({ours['whale_requests']} requests); slowest call p95"
			f" {slowest[0]} {slowest[1]} ms (goal <= 500 ms)",
			f"getdoc on the whale p95 {anchor['whale_p95_ms']} ms ({anchor['whale_requests']} requests)",
			f"pool: {x['pool']} customers incl. {len(x['whales'])} whale(s); {x['server']}",
		)
	)
	return rows


def browser_rows(br: dict) -> list[tuple[str, str, str, str]]:
	if br.get("skipped"):
		return [("browser: page ready (Chromium)", "not measured", br["skipped"], "")]
	rows = []
	# "opened in the desk": from the Customer list, as a click does (the view's own cost); "URL typed": a
	# fresh tab that boots the desk first (both views pay the same boot). Then the web view
	# (/customer-360/<name>: the first screen rendered on the server, no desk boot), its URL typed too.
	views = (
		("page_route", "form_route", "opened in the desk: 360 page ready"),
		("page", "form", "URL typed: 360 page ready"),
		("web", "form", "URL typed: 360 web view ready (no desk)"),
	)
	for ours, anchor, how in views:
		for who in ("typical", "whale"):
			c = br.get(who) or {}
			page, form = c.get(ours), c.get(anchor)
			if not page or not form:
				continue
			rows.append(
				(
					f"browser, {who} customer, {how}",
					_ready(page, br["timeout_s"]),
					f"Customer form ready {_ready(form, br['timeout_s'])}",
					f"{ratio(page.get('median_ms'), form.get('median_ms')) or '-'}"
					+ (" (goal <= 0.5)" if who == "typical" else " (goal: page <= 3 s)"),
				)
			)
	typical = br.get("typical") or {}
	if typical.get("page_button") and typical.get("form_route"):
		page, form = typical["page_button"], typical["form_route"]
		rows.append(
			(
				"browser, typical customer: 360 page from the form's button",
				_ready(page, br["timeout_s"]),
				f"Customer form from the list {_ready(form, br['timeout_s'])}",
				f"{ratio(page.get('median_ms'), form.get('median_ms')) or '-'} (each view one click away)",
			)
		)
	return rows


def _ready(fig: dict, timeout_s: float) -> str:
	done = fig.get("ready_runs", 0)
	runs = fig.get("runs", 0)
	if not done:
		return f"never ready within {timeout_s:g} s ({runs} runs)"
	text = f"{fig['median_ms'] / 1000:.2f} s"
	if done < runs:
		text += f" ({runs - done} of {runs} runs never ready within {timeout_s:g} s)"
	return text


def print_table(r: dict) -> None:
	print_rows(table_rows(r), header=HEADER)


def _md(cell: str) -> str:
	return cell.replace("|", "\\|")


def markdown_table(r: dict) -> str:
	rows = [HEADER, *table_rows(r)]
	lines = ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
	lines.insert(1, "|---|---|---|---|")
	return "\n".join(lines)


def label(r: dict) -> str:
	v = r.get("versions") or {}
	return f"Frappe {v.get('frappe')} / ERPNext {v.get('erpnext')}"


def side_by_side(results: list[dict]) -> str:
	"""Saved results of several runs (one per bench), one Markdown table: a row per figure, per run ours and
	anchor."""
	tables = [{row[0].strip(): row for row in table_rows(r)} for r in results]
	figures: list[str] = []
	for t in tables:
		figures += [f for f in t if f not in figures]
	head = ["figure"]
	for r in results:
		head += [f"{label(r)}: ours", "anchor (same run)", "ratio / goal"]
	lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
	for f in figures:
		cells = [f]
		for t in tables:
			row = t.get(f, (f, "-", "-", "-"))
			cells += list(row[1:])
		lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
	meta = [
		f"- {label(r)}: Python {r['versions'].get('python')}, MariaDB {r['versions'].get('mariadb')}; "
		f"HTTP server: {(r.get('http') or {}).get('server', 'not measured')}"
		for r in results
		if r.get("versions")
	]
	return "\n".join([*lines, "", *meta])

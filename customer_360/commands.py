"""bench commands: `bench --site SITE customer-360 <command>`."""

import json
from contextlib import contextmanager

import click
from frappe.commands import get_site, pass_context


@contextmanager
def connected(context):
	"""The site of `bench --site`, connected for the command and closed after it."""
	import frappe

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		yield frappe
	finally:
		frappe.destroy()


@click.group("customer-360")
def customer_360():
	"""Customer 360: index maintenance, demo data and benchmarks."""


@customer_360.command("backfill")
@click.option("--restart", is_flag=True, help="Start from the beginning instead of resuming.")
@click.option("--queue", "use_queue", is_flag=True, help="Run in a background worker instead of here.")
@click.option("--workers", default=2, show_default=True, help="Parallel lanes (database connections).")
@pass_context
def backfill(context, restart=False, use_queue=False, workers=2):
	"""Index all existing ERPNext history into the customer timeline."""
	from customer_360 import indexer

	with connected(context) as frappe:
		if use_queue:
			indexer.enqueue_backfill(restart=restart)
			frappe.db.commit()
			click.echo("backfill queued")
			return
		if restart:
			frappe.cache.delete_value(indexer._STATE_KEY)
		totals = indexer.backfill(progress=False, workers=workers)
		rate = totals["events"] / totals["seconds"] if totals["seconds"] else 0
		click.echo(json.dumps({**totals, "events_per_second": round(rate)}))


@customer_360.command("reconcile")
@click.option("--full", is_flag=True, help="Re-index every source document, not only recent changes.")
@pass_context
def reconcile(context, full=False):
	"""Repair the timeline index (what the hourly job does)."""
	from customer_360 import indexer

	with connected(context):
		click.echo(json.dumps(indexer.reconcile(full=full)))


@customer_360.command("benchmark-timeline")
@click.option("--events", default=100_000, show_default=True, help="Synthetic history size for one customer.")
@click.option("--runs", default=15, show_default=True, help="Timed runs per figure (the median is printed).")
@pass_context
def benchmark_timeline(context, events=100_000, runs=15):
	"""Timeline first page / deep page vs ERPNext's Customer form load, and backfill speed."""
	with connected(context):
		from customer_360.devtools.perf import timeline  # builds frappe.qb tables at import: after init

		results = timeline.timeline_benchmark(events=events, runs=runs)
		timeline.print_table(results)
		click.echo(json.dumps(results, default=str))


@customer_360.command("benchmark-health")
@click.option(
	"--customers", default=5000, show_default=True, help="Synthetic customers to seed (kept between runs)."
)
@pass_context
def benchmark_health(context, customers=5000):
	"""Nightly risk + health recompute for every customer (set-based), seeded synthetic data."""
	with connected(context):
		from customer_360.devtools.perf import health

		results = health.benchmark_recompute(customers=customers)
		health.print_summary(results)
		click.echo(json.dumps(results, default=str))


@customer_360.command("seed-demo")
@click.option(
	"--customers", default=50, show_default=True, help="Demo customers (a few duplicates are added)."
)
@click.option("--force", is_flag=True, help="Also on a site that has customers of its own.")
@pass_context
def seed_demo(context, customers=50, force=False):
	"""A realistic demo: real ERPNext documents over two years for the 360, safe to run twice."""
	with connected(context):
		import frappe
		from frappe.utils import strip_html

		from customer_360.devtools.seed.demo import seed_demo as run

		try:
			result = run(customers=customers, force=force)
		except frappe.ValidationError as e:
			click.echo(strip_html(str(e)), err=True)
			raise SystemExit(1) from None
		click.echo(
			f"{result['customers']} demo customers, {sum(result['documents'].values())} documents,"
			f" {result['events_indexed']} events indexed in {result['seconds']} s"
		)
		click.echo(json.dumps(result["documents"]))


@customer_360.command("seed-scale")
@click.option("--customers", default=2000, show_default=True, help="Synthetic portfolio customers.")
@click.option("--events", default=100_000, show_default=True, help="Timeline events of the whale customer.")
@click.option("--invoices", default=10_000, show_default=True, help="Ledger-posting invoices of the whale.")
@click.option(
	"--sources/--no-sources",
	default=True,
	show_default=True,
	help="Also journal entries, claims, visits, contracts, projects, leads, events and calls per customer.",
)
@pass_context
def seed_scale(context, customers=2000, events=100_000, invoices=10_000, sources=True):
	"""Bulk benchmark data: a portfolio and one whale customer with a long, ledger-posting history."""
	with connected(context) as frappe:
		from customer_360 import indexer
		from customer_360.devtools.seed.scale import seed_scale as run

		result = run(customers=customers, events=events, invoices=invoices, sources=sources)
		click.echo(f"seeded in {result['seconds']} s: " + json.dumps(result, default=str))
		for attempt in range(1, 4):
			try:
				totals = indexer.backfill(progress=False, workers=indexer.DEFAULT_WORKERS)
				break
			except frappe.QueryDeadlockError as e:  # the lanes can deadlock on the index; backfill resumes
				frappe.db.rollback()
				click.echo(f"backfill attempt {attempt}: {e}; resuming", err=True)
		else:
			raise SystemExit("backfill deadlocked three times; run `customer-360 backfill` to resume")
		click.echo(f"indexed {totals['events']} events in {totals['seconds']} s")


@customer_360.command("benchmark")
@click.option("--runs", default=5, show_default=True, help="Timed runs per figure (medians are printed).")
@click.option(
	"--url",
	default=None,
	help="Base URL (127.0.0.1) of a running server for the HTTP and browser rows; default: start gunicorn"
	" with the bench's gunicorn_workers on a free port, stopped when done.",
)
@click.option(
	"--password", default="admin", show_default=True, help="Administrator password (HTTP, browser)."
)
@click.option(
	"--merge-docs", default=10_000, show_default=True, help="Documents of the merged customer; 0 skips."
)
@click.option(
	"--rows",
	default="backfill,timeline,money,ledger,submit,health,merge,http,browser",
	show_default=True,
	help="Comma-separated rows to measure.",
)
@click.option("--clients", default=20, show_default=True, help="Concurrent HTTP clients.")
@click.option(
	"--requests", "requests_per_client", default=25, show_default=True, help="Requests per client and pass."
)
@click.option("--max-seconds", default=180, show_default=True, help="Time limit of one HTTP pass.")
@click.option("--browser-runs", default=5, show_default=True, help="Browser runs per view (median).")
@click.option(
	"--browser-timeout", default=60, show_default=True, help="Seconds before a view counts as never ready."
)
@click.option("--save", default=None, help="Also write the results as JSON to this file (benchmark-table).")
@pass_context
def benchmark_all(
	context,
	runs=5,
	url=None,
	password="admin",
	merge_docs=10_000,
	rows="",
	clients=20,
	requests_per_client=25,
	max_seconds=180,
	browser_runs=3,
	browser_timeout=60,
	save=None,
):
	"""Every performance figure next to its anchor, measured in the same run on the same data."""
	with connected(context):
		from customer_360.devtools.perf import run

		wanted = tuple(r.strip() for r in rows.split(",") if r.strip())
		unknown = set(wanted) - set(run.ROWS)
		if unknown:
			raise click.BadParameter(f"unknown rows {sorted(unknown)}; choose from {', '.join(run.ROWS)}")
		results = run.run_all(
			runs=runs,
			url=url,
			merge_docs=merge_docs,
			password=password,
			rows=wanted,
			clients=clients,
			requests_per_client=requests_per_client,
			max_seconds=max_seconds,
			browser_runs=browser_runs,
			browser_timeout=browser_timeout,
		)
		run.print_table(results)
		click.echo("")
		click.echo(run.markdown_table(results))
		click.echo(json.dumps(results, default=str))
		if save:
			with open(save, "w") as f:
				json.dump(results, f, default=str, indent=1)


@customer_360.command("benchmark-table")
@click.argument("files", nargs=-1, required=True)
def benchmark_table(files):
	"""One Markdown table, side by side, from results saved by `benchmark --save` (a v15 and a v16 bench)."""
	from customer_360.devtools.perf.run import side_by_side

	results = []
	for path in files:
		with open(path) as f:
			results.append(json.load(f))
	click.echo(side_by_side(results))


@customer_360.command("benchmark-merge")
@click.option("--docs", default=10_000, show_default=True, help="Documents linked to the merged customer.")
@click.option("--keep", is_flag=True, default=False, help="Keep the seeded customers and documents.")
@click.option(
	"--enqueue",
	"use_queue",
	is_flag=True,
	default=False,
	help="Run in a worker: returns at once, progress via realtime.",
)
@pass_context
def benchmark_merge(context, docs=10_000, keep=False, use_queue=False):
	"""Our merge vs ERPNext's rename(merge=True) on identical copies of a customer with DOCS linked documents."""
	with connected(context):
		from customer_360.devtools.perf import merge

		if use_queue:
			click.echo(json.dumps(merge.benchmark_merge(docs=docs)))
		else:
			results = merge.run_benchmark(docs=docs, cleanup=not keep)  # prints the side-by-side table
			click.echo(json.dumps(results, default=str))


commands = [customer_360]

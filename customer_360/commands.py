"""bench commands: `bench --site SITE customer-360 <command>`."""

import json

import click
from frappe.commands import get_site, pass_context


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
	import frappe

	from customer_360 import indexer

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
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
	finally:
		frappe.destroy()


@customer_360.command("reconcile")
@click.option("--full", is_flag=True, help="Re-index every source document, not only recent changes.")
@pass_context
def reconcile(context, full=False):
	"""Repair the timeline index (what the hourly job does)."""
	import frappe

	from customer_360 import indexer

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		click.echo(json.dumps(indexer.reconcile(full=full)))
	finally:
		frappe.destroy()


@customer_360.command("benchmark-timeline")
@click.option("--events", default=100_000, show_default=True, help="Synthetic history size for one customer.")
@click.option("--runs", default=15, show_default=True, help="Timed runs per figure (the median is printed).")
@pass_context
def benchmark_timeline(context, events=100_000, runs=15):
	"""Timeline first page / deep page vs ERPNext's Customer form load, and backfill speed."""
	import frappe

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		from customer_360 import benchmark  # its modules build frappe.qb tables at import: after init

		results = benchmark.timeline_benchmark(events=events, runs=runs)
		benchmark.print_table(results)
		click.echo(json.dumps(results, default=str))
	finally:
		frappe.destroy()


commands = [customer_360]

"""Helpers shared by the benchmarks: timing (medians, percentiles, ratios), the seed-scale whales, and the
throw-away customers the benchmarks write their data against."""

from __future__ import annotations

import os
import statistics
import threading
import time
from contextlib import contextmanager

WHALE_PREFIX = "C360 Whale "  # customer_name of the customers `seed-scale` gives a long history


def median_ms(fn, runs: int, warm: int = 1) -> float:
	for _ in range(warm):
		fn()
	times = []
	for _ in range(runs):
		t = time.perf_counter()
		fn()
		times.append((time.perf_counter() - t) * 1000)
	return round(statistics.median(times), 2)


def pct(values: list[float], p: int) -> float:
	if not values:
		return 0.0
	if len(values) == 1:
		return values[0]
	return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def ratio(ours: float | None, anchor: float | None) -> float | None:
	if not ours or not anchor:
		return None
	return round(ours / anchor, 3)


def whales(limit: int = 3) -> list[str]:
	"""The seed-scale whales, the one with the most invoices first."""
	import frappe

	return frappe.db.sql_list(
		"""select c.name from `tabCustomer` c
		where c.customer_name like %s
		order by (select count(*) from `tabSales Invoice` si where si.customer = c.name) desc, c.creation desc
		limit %s""",
		(WHALE_PREFIX + "%", limit),
	)


def ensure_customer(customer_name: str) -> str:
	"""The customer called `customer_name`, created (a company, any leaf group and territory) when missing."""
	import frappe

	found = frappe.db.get_value("Customer", {"customer_name": customer_name})
	if found:
		return found
	return (
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": customer_name,
				"customer_type": "Company",
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0})
				or "All Customer Groups",
				"territory": frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


@contextmanager
def peak_rss():
	"""Peak resident memory of this process while the block runs, in MB (`with peak_rss() as peak: ...;
	peak["mb"]`, and `peak["before_mb"]` at the start), sampled every 20 ms from /proc (threads included: the
	backfill's lanes are threads)."""
	page = os.sysconf("SC_PAGE_SIZE")

	def rss() -> float:
		with open("/proc/self/statm") as f:
			return int(f.read().split()[1]) * page / 2**20

	out = {"before_mb": round(rss(), 1), "mb": 0.0}
	stop = threading.Event()

	def sample():
		while True:
			out["mb"] = max(out["mb"], rss())
			if stop.wait(0.02):
				return

	sampler = threading.Thread(target=sample, daemon=True)
	sampler.start()
	try:
		yield out
	finally:
		stop.set()
		sampler.join()
		out["mb"] = round(out["mb"], 1)


def print_rows(rows: list[tuple[str, ...]], header: tuple[str, ...] | None = None) -> None:
	"""Rows of text as aligned columns (a rule under the header, when there is one)."""
	rows = [header, *rows] if header else list(rows)
	widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
	for i, row in enumerate(rows):
		print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
		if header and i == 0:
			print("+".join("-" * (w + 2) for w in widths))

"""The HTTP row: the 360 APIs and ERPNext's Customer form load (`getdoc`), same pool, clients and server.

For each side a fresh production-style server (devtools/perf/server.py; or the `--url` given) and two identical passes:
cold (the first pass after the app's caches were invalidated) and warm (the same requests again). The pool is the
whale(s) plus a fixed random sample of the site's other customers.

Before the cold pass each side's server answers the same calls for a few customers outside the pool: a running
server's processes have imported their code and loaded the doctypes' metadata long before a user comes, and a
fresh gunicorn worker pays that on its first request (140-310 ms here) whatever it serves. "Cold" is the app's
caches, not the server's processes.
"""

from __future__ import annotations

import random
from contextlib import contextmanager

import frappe

from customer_360.devtools.perf.common import whales
from customer_360.devtools.perf.http_load import ANCHOR, ANCHOR_KEY, CALLS, load_pass
from customer_360.devtools.perf.server import check_local, gunicorn

WHALE_SHARE = 0.1  # of the requests, so that every pass has whale requests to report


def customer_pool(size: int = 50, seed: int = 360) -> tuple[list[str], list[str]]:
	"""The whales (each listed several times: together about WHALE_SHARE of the picks) and a fixed random
	sample of `size` other customers."""
	big = whales()
	others = [c for c in frappe.get_all("Customer", pluck="name", order_by="name asc") if c not in big]
	sample = random.Random(seed).sample(others, min(size, len(others)))
	copies = max(1, round(WHALE_SHARE * len(sample) / (1 - WHALE_SHARE) / max(len(big), 1)))
	return [*(w for w in big for _ in range(copies)), *sample], big


def invalidate_app_caches() -> None:
	"""What makes a pass "cold" for the app: its cached results are keyed by the index version (bump it), and
	the per-customer signals cache is dropped."""
	from customer_360 import indexer
	from customer_360.risk_health.customer_signals import forget_signals

	indexer.bump_version()
	forget_signals()
	frappe.db.commit()


@contextmanager
def _server(site: str, url: str | None, workers: int | None):
	if url:
		yield check_local(url), f"given: {url}"
	else:
		with gunicorn(site, workers=workers) as found:
			yield found


def http_row(
	url: str | None = None,
	password: str = "admin",
	clients: int = 20,
	requests_per_client: int = 25,
	max_seconds: float = 180,
	workers: int | None = None,
) -> dict:
	site = frappe.local.site
	pool, big = customer_pool()
	out: dict = {"pool": len(set(pool)), "whales": big, "clients": clients}
	sides = (("ours", CALLS, "customer"), ("anchor", ANCHOR, ANCHOR_KEY))
	taken = set(pool)
	spare = [
		c for c in frappe.get_all("Customer", pluck="name", order_by="name desc", limit=500) if c not in taken
	]
	for side, calls, key in sides:
		with _server(site, url, workers) as (base, described):
			out["server"] = described
			if spare:
				warmup = load_pass(
					base, spare[:10], calls=calls, customer_key=key, host=site, password=password,
					clients=clients, requests_per_client=3, max_seconds=max_seconds,
				)  # fmt: skip
				out.setdefault("warmup_requests", {})[side] = warmup["requests"]
			invalidate_app_caches()
			runs = {}
			for label in ("cold", "warm"):
				runs[label] = load_pass(
					base,
					pool,
					calls=calls,
					customer_key=key,
					host=site,
					password=password,
					clients=clients,
					requests_per_client=requests_per_client,
					max_seconds=max_seconds,
					whales=tuple(big),
				)
			out[side] = runs
	return out

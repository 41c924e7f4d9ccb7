"""Latency, throughput and errors of the 360 APIs under concurrent HTTP clients, next to ERPNext's own Customer
form load (`frappe.desk.form.load.getdoc`) on the same customer pool, clients and server.

Real HTTP through Frappe's request handling (session, permission checks, JSON), not function calls. Each
client is a thread with its own logged-in session; all open customers from the same pool as fast as they can.
A pass is bounded twice: `requests_per_client` requests per client and `max_seconds` of wall time (no request
starts after it; the figures then say how many were sent). Requests go to 127.0.0.1 only.
"""

from __future__ import annotations

import random
import threading
import time

import requests

from customer_360.devtools.perf.common import pct
from customer_360.devtools.perf.server import check_local

CALLS = (
	("customer_360.api.overview.get_profile", {}),
	("customer_360.api.timeline.get_timeline", {}),
	("customer_360.api.overview.get_money", {}),
	("customer_360.api.health.get_health", {}),
	("customer_360.api.notes.get_notes", {}),
)
# ERPNext's anchor: what the desk calls to open the Customer form (the doc, its comments, emails, files...).
ANCHOR = (("frappe.desk.form.load.getdoc", {"doctype": "Customer"}),)
ANCHOR_KEY = "name"  # getdoc takes the customer as `name`, ours as `customer`


def login(url: str, host: str | None, user: str, password: str) -> requests.Session:
	s = requests.Session()
	if host:
		s.headers["Host"] = host
	r = s.post(f"{url}/api/method/login", data={"usr": user, "pwd": password}, timeout=60)
	r.raise_for_status()
	return s


def load_pass(
	url: str,
	customers: list[str],
	calls=CALLS,
	customer_key: str = "customer",
	host: str | None = None,
	user: str = "Administrator",
	password: str = "admin",
	clients: int = 20,
	requests_per_client: int = 25,
	max_seconds: float = 180,
	timeout: float = 60,
	seed: int = 360,
	whales: tuple[str, ...] = (),
) -> dict:
	"""One pass: every client sends its seeded sequence of (call, customer); the same seed gives the same
	sequence, so a second pass repeats the first one exactly (cold, then warm)."""
	url = check_local(url)
	sessions = [login(url, host, user, password) for _ in range(clients)]
	timings: dict[str, list[float]] = {method: [] for method, _ in calls}
	whale_ms: dict[str, list[float]] = {method: [] for method, _ in calls}
	errors: list[str] = []
	lock = threading.Lock()
	start = threading.Barrier(clients)
	deadline = [0.0]
	cut = [False]

	def client(i: int) -> None:
		rnd = random.Random(seed + i)
		session = sessions[i]
		start.wait()
		for _ in range(requests_per_client):
			method, params = rnd.choice(calls)
			customer = rnd.choice(customers)
			if time.monotonic() > deadline[0]:
				cut[0] = True
				return
			t = time.perf_counter()
			try:
				r = session.get(
					f"{url}/api/method/{method}", params={customer_key: customer, **params}, timeout=timeout
				)
				ok = r.status_code == 200
				detail = f"{method.rsplit('.', 1)[-1]} {r.status_code}"
			except requests.RequestException as e:
				ok, detail = False, f"{method.rsplit('.', 1)[-1]} {type(e).__name__}"
			ms = (time.perf_counter() - t) * 1000
			with lock:
				timings[method].append(ms)
				if customer in whales:
					whale_ms[method].append(ms)
				if not ok:
					errors.append(detail)

	threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
	began = time.perf_counter()
	deadline[0] = time.monotonic() + max_seconds
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	wall = time.perf_counter() - began
	for s in sessions:
		s.close()
	every = [ms for values in timings.values() for ms in values]
	whale_all = [ms for values in whale_ms.values() for ms in values]
	return {
		"clients": clients,
		"requests": len(every),
		"planned": clients * requests_per_client,
		"cut_at_time_limit": cut[0],
		"seconds": round(wall, 1),
		"errors": len(errors),
		"error_samples": sorted(set(errors))[:5],
		"p50_ms": round(pct(every, 50), 1),
		"p95_ms": round(pct(every, 95), 1),
		"max_ms": round(max(every), 1) if every else 0.0,
		"throughput_rps": round(len(every) / wall, 1) if wall else 0.0,
		"per_method_p95_ms": {m.rsplit(".", 1)[-1]: round(pct(v, 95), 1) for m, v in timings.items() if v},
		"whale_requests": sum(len(v) for v in whale_ms.values()),
		"whale_p95_ms": round(pct(whale_all, 95), 1) if whale_all else None,
		"whale_per_method_p95_ms": {
			m.rsplit(".", 1)[-1]: round(pct(v, 95), 1) for m, v in whale_ms.items() if v
		},
	}

"""p95 latency and error count of the 360 APIs under 20 concurrent HTTP clients, against the running bench.

Real HTTP through Frappe's request handling (session, permission checks, JSON), not function calls. Each client
is a thread with its own logged-in session; they all open customers from the same pool as fast as they can.
"""

from __future__ import annotations

import random
import statistics
import threading
import time

import requests

CALLS = (
	("customer_360.api.overview.get_profile", {}),
	("customer_360.api.timeline.get_timeline", {}),
	("customer_360.api.overview.get_money", {}),
	("customer_360.api.health.get_health", {}),
	("customer_360.api.notes.get_notes", {}),
)


def _login(url: str, user: str, password: str) -> requests.Session:
	s = requests.Session()
	r = s.post(f"{url}/api/method/login", data={"usr": user, "pwd": password}, timeout=30)
	r.raise_for_status()
	return s


def load_test(
	url: str,
	customers: list[str],
	user: str = "Administrator",
	password: str = "admin",
	clients: int = 20,
	requests_per_client: int = 25,
	seed: int = 360,
) -> dict:
	url = url.rstrip("/")
	sessions = [_login(url, user, password) for _ in range(clients)]
	timings: dict[str, list[float]] = {method: [] for method, _ in CALLS}
	errors: list[str] = []
	lock = threading.Lock()
	start = threading.Barrier(clients)

	def client(i: int) -> None:
		rnd = random.Random(seed + i)
		session = sessions[i]
		start.wait()
		for _ in range(requests_per_client):
			method, params = rnd.choice(CALLS)
			customer = rnd.choice(customers)
			t = time.perf_counter()
			try:
				r = session.get(
					f"{url}/api/method/{method}", params={"customer": customer, **params}, timeout=60
				)
				ok = r.status_code == 200
				detail = f"{method} {r.status_code}"
			except requests.RequestException as e:
				ok, detail = False, f"{method} {type(e).__name__}"
			ms = (time.perf_counter() - t) * 1000
			with lock:
				timings[method].append(ms)
				if not ok:
					errors.append(detail)

	threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
	began = time.perf_counter()
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	wall = time.perf_counter() - began
	every = [ms for values in timings.values() for ms in values]
	return {
		"clients": clients,
		"requests": len(every),
		"errors": len(errors),
		"error_samples": sorted(set(errors))[:5],
		"p50_ms": round(_pct(every, 50), 1),
		"p95_ms": round(_pct(every, 95), 1),
		"throughput_rps": round(len(every) / wall, 1),
		"per_method_p95_ms": {m.rsplit(".", 1)[-1]: round(_pct(v, 95), 1) for m, v in timings.items() if v},
	}


def _pct(values: list[float], p: int) -> float:
	if not values:
		return 0.0
	if len(values) == 1:
		return values[0]
	return statistics.quantiles(values, n=100, method="inclusive")[p - 1]

"""The browser row: headless Chromium (e2e/bench/page_ready.mjs, playwright-core from e2e/node_modules) opens
ERPNext's Customer form and the 360 page for a typical customer and for the whale, against the same kind of
server as the HTTP row. Needs `node` on PATH and `cd e2e && npm install` in the app's folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import frappe

from customer_360.api.batch import READS
from customer_360.api.web_view import route_of
from customer_360.devtools.perf.http_load import ANCHOR, ANCHOR_KEY, load_pass, login
from customer_360.devtools.perf.server import check_local, gunicorn


def typical_customer(exclude: str) -> str | None:
	"""A customer with the median number of timeline events among those that have any."""
	rows = frappe.db.sql_list(
		"""select customer from `tabCustomer Timeline Event` where customer != %s
		group by customer order by count(*), customer""",
		exclude,
	)
	return rows[len(rows) // 2] if rows else None


def warm_up(base: str, site: str, password: str, exclude: set) -> None:
	"""As before the HTTP row: a running server's processes have imported their code and loaded the doctypes'
	metadata long before a user comes, and a fresh gunicorn worker pays that on its first request (140-310 ms
	here) whatever it serves. Every view's requests (the 360's first screen, the form's getdoc, the web view's
	page) are answered for ten customers that are not measured, by ten clients, so that every worker has served
	each."""
	spare = [
		c
		for c in frappe.get_all("Customer", pluck="name", order_by="name desc", limit=20)
		if c not in exclude
	]
	first_screen = json.dumps([[method, {}] for method in sorted(READS)])
	for calls, key in (
		((("customer_360.api.batch.get_many", {"reads": first_screen}),), "customer"),
		(ANCHOR, ANCHOR_KEY),
	):
		load_pass(
			base,
			spare[:10],
			calls=calls,
			customer_key=key,
			host=site,
			password=password,
			clients=10,
			requests_per_client=3,
		)
	if not spare:
		return
	sessions = [login(base, site, "Administrator", password) for _ in range(10)]

	def web(i: int) -> None:
		for _ in range(3):
			sessions[i].get(base + route_of(spare[i % len(spare)]), timeout=60)

	with ThreadPoolExecutor(len(sessions)) as pool:
		list(pool.map(web, range(len(sessions))))


def browser_row(
	whale: str, url: str | None = None, password: str = "admin", runs: int = 3, timeout: float = 60
) -> dict:
	app_root = os.path.dirname(frappe.get_app_path("customer_360"))
	script = os.path.join(app_root, "e2e", "bench", "page_ready.mjs")
	node = shutil.which("node")
	if not node or not os.path.exists(script):
		return {"skipped": "needs node on PATH and e2e/bench/page_ready.mjs"}
	if not os.path.isdir(os.path.join(app_root, "e2e", "node_modules", "playwright-core")):
		return {"skipped": "no playwright-core: run `npm install` in the app's e2e folder"}
	typical = typical_customer(whale)
	site = frappe.local.site
	server = nullcontext((check_local(url), f"given: {url}")) if url else gunicorn(site)
	with server as (base, described):
		warm_up(base, site, password, exclude={typical, whale})
		env = {**os.environ, "C360_URL": base, "C360_SITE": site, "C360_ADMIN_PASSWORD": password}
		cmd = [node, script, "--runs", str(runs), "--timeout", str(timeout)]
		cmd += [f"typical={typical}", f"whale={whale}"]
		limit = 2 * 6 * (runs + 2) * timeout + 120  # both customers, every view, every run timing out
		done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=limit, check=False)
	lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
	if done.returncode or not lines:
		return {"skipped": f"page_ready.mjs failed ({done.returncode}): {done.stderr.strip()[-300:]}"}
	return {**json.loads(lines[-1]), "server": described}

"""A production-style server for the HTTP and browser rows: gunicorn, as Frappe's supervisor config runs it.

`<bench>/env/bin/gunicorn -b 127.0.0.1:PORT -w <gunicorn_workers> -t <http_timeout> frappe.app:... --preload`,
from `<bench>/sites`; the site is chosen by the request's Host header, as behind nginx. The app is
`application_with_statics()` so a browser also gets /assets and /files (nginx's job in production; the API
requests never touch that middleware). A free port on 127.0.0.1, stopped (by its own process group) when done.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from urllib.parse import urlparse

import frappe
import requests

LOCAL_HOSTS = ("127.0.0.1", "localhost")


def check_local(url: str) -> str:
	"""Load is only ever sent to this machine."""
	host = urlparse(url).hostname
	if host not in LOCAL_HOSTS:
		raise ValueError(f"the benchmark only sends requests to 127.0.0.1, not to {host!r}")
	return url.rstrip("/")


def free_port() -> int:
	with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def gunicorn_workers() -> int:
	conf = frappe.get_conf()
	return int(conf.get("gunicorn_workers") or multiprocessing.cpu_count() * 2 + 1)


def describe(workers: int) -> str:
	return f"gunicorn -w {workers} --preload frappe.app (127.0.0.1, a free port)"


@contextmanager
def gunicorn(site: str, workers: int | None = None, timeout: int = 120, ready_within: float = 90):
	"""Yields (base_url, description); the server is stopped on exit, whatever happened."""
	bench = frappe.utils.get_bench_path()
	sites = os.path.join(bench, "sites")
	binary = os.path.join(bench, "env", "bin", "gunicorn")
	if not os.path.exists(binary):
		raise RuntimeError(f"no gunicorn in the bench's environment ({binary}); pass --url instead")
	workers = workers or gunicorn_workers()
	port = free_port()
	log_path = os.path.join(bench, "logs", "customer_360_benchmark_web.log")
	log = open(log_path, "ab")
	cmd = [
		binary,
		"-b",
		f"127.0.0.1:{port}",
		"-w",
		str(workers),
		"-t",
		str(timeout),
		"--graceful-timeout",
		"30",
		"frappe.app:application_with_statics()",
		"--preload",
	]
	proc = subprocess.Popen(cmd, cwd=sites, stdout=log, stderr=log, start_new_session=True)
	url = f"http://127.0.0.1:{port}"
	try:
		_wait_ready(url, site, proc, ready_within, log_path)
		yield url, describe(workers)
	finally:
		_stop(proc)
		log.close()


def _wait_ready(url: str, site: str, proc: subprocess.Popen, within: float, log_path: str) -> None:
	deadline = time.monotonic() + within
	while time.monotonic() < deadline:
		if proc.poll() is not None:
			raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log_path}")
		try:
			r = requests.get(f"{url}/api/method/ping", headers={"Host": site}, timeout=5)
			if r.status_code == 200:
				return
		except requests.RequestException:
			pass
		time.sleep(0.5)
	raise RuntimeError(f"gunicorn did not answer within {within} s; see {log_path}")


def _stop(proc: subprocess.Popen) -> None:
	if proc.poll() is not None:
		return
	try:
		os.killpg(proc.pid, signal.SIGTERM)  # its own session: the master and its workers, nothing else
		proc.wait(timeout=40)
	except (ProcessLookupError, subprocess.TimeoutExpired):
		try:
			os.killpg(proc.pid, signal.SIGKILL)
		except ProcessLookupError:
			pass
		proc.wait(timeout=10)

"""Timing helpers shared by the benchmarks: medians of several runs, warm caches first."""

from __future__ import annotations

import statistics
import time


def median_ms(fn, runs: int, warm: int = 1) -> float:
	for _ in range(warm):
		fn()
	times = []
	for _ in range(runs):
		t = time.perf_counter()
		fn()
		times.append((time.perf_counter() - t) * 1000)
	return round(statistics.median(times), 1)


def ratio(ours: float | None, anchor: float | None) -> float | None:
	if not ours or not anchor:
		return None
	return round(ours / anchor, 3)

"""Benchmarks behind `bench --site SITE customer-360 benchmark` (figures printed, never timed tests)."""

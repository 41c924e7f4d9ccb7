"""Developer tools, outside the runtime path (nothing in the app imports them; `bench customer-360 ...` does):

- seed/   demo data (`seed-demo`) and bulk benchmark data (`seed-scale`, voucher clones)
- perf/   every benchmark: `benchmark` (run.py: all rows, each next to its anchor) and the single figures
          (`benchmark-timeline`, `benchmark-health`, `benchmark-merge`); shared timing, percentile, customer and
          bulk-insert helpers in perf/common.py
"""

"""Risk flags and health scores: the Frappe adapters around core.risk and core.health.

- config.py     settings (weights, bands, thresholds, VIP rule), checked by the cores' validators
- facts.py      facts_for(): per-customer aggregates with one grouped query per fact family
- evidence.py   the documents behind a new automatic flag, fetched only for flags being raised
- flags.py      apply the rules' plan to Customer Risk Flag documents, under a lock
- job.py        recompute_all (nightly), recompute_customer / enqueue_recompute (after a document changes),
                doc_events handlers, the bulk upsert of Customer Health Score rows
- customer_signals.py  lifetime value, repurchase rhythm, dormancy, VIP for the 360 page; expansion (report)
(the benchmark of the nightly recompute is devtools/perf/health.py)

Submodules are imported where used (frappe.qb tables are built at import time, after frappe.init).
"""

"""Duplicate customers and their merge: thin Frappe adapters over core.duplicates and core.merge_plan.

links.py       every field in the installed apps that can hold a customer's name; set-based reads/writes
customer.py    conflict fields, the loser's snapshot and restore, child rows the survivor takes over
preview.py     what a merge would do, before it does anything
lock.py        per-customer Redis locks shared by merge and undo
job.py         the RQ jobs: merge (committed steps with progress) and undo (one transaction)
resolve.py     a merged customer's name keeps resolving to its survivor
duplicates.py  candidate groups for the report/page and the form warning
benchmark.py   our merge vs ERPNext's rename(merge=True) on identical data
"""

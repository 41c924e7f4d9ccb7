"""Duplicate customers and their merge: thin Frappe adapters over core.duplicates and core.merge_plan.

links.py       every field in the installed apps that can hold a customer's name; set-based reads/writes
customer.py    conflict fields, the loser's snapshot and restore, child rows the survivor takes over
preview.py     what a merge would do, before it does anything
request.py     a merge or undo request checked (shape, core rules, rights) before anything is locked
access.py      who may merge which customers, and who may see a merge log
lock.py        per-customer Redis locks shared by merge and undo; state.py: busy customers, dead jobs
log.py         the merge log: queueing, manifest rows, status and progress
job.py         the merge job (committed steps with progress); steps.py: what merge and undo share
undo.py        the undo: queued after its blockers are checked, run in one transaction
duplicates.py  candidate groups for the report/page and the form warning
(the benchmark against ERPNext's rename(merge=True) is devtools/perf/merge.py)
"""

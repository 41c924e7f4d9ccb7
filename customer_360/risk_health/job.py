"""Recompute risk flags and health scores: nightly for every customer, and for one customer soon after one of
its documents changes.

Both paths run the same steps: facts (set-based SQL) -> risk rules -> flag changes (under a lock) -> scores,
explained against the customer's previous stored score, written as one row per customer per day with a
multi-row upsert on the (customer, score_date) unique key. Nothing is loaded or saved per customer except the
few flags that change.
"""

from __future__ import annotations

import json
import time

import frappe
from frappe.utils import getdate, now_datetime, nowdate

from customer_360 import lifecycle
from customer_360.core import health, messages, risk
from customer_360.core.health_explain import explain_change
from customer_360.events import after_index
from customer_360.facts import scores
from customer_360.risk_health import alerts, flags, wording
from customer_360.risk_health.common import Windows
from customer_360.risk_health.config import Config, load_config
from customer_360.risk_health.customer_signals import forget_signals
from customer_360.risk_health.facts import active_flags, facts_for

SCORE = "Customer Health Score"
RECOMPUTE_JOB = "customer_360.risk_health.job.recompute_customer"
RECOMPUTE_HOOK = (
	"customer_360.risk_health.job.enqueue_recompute"  # called by the index job (events.after_index)
)
CHUNK = 1000  # rows per INSERT statement
COLUMNS = (
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "idx",
	"customer", "score_date", "score", "band", "factors", "explanation", "previous_score", "previous_band",
	"explanation_codes", "figures",
)  # fmt: skip
_KEPT = ("name", "creation", "owner", "docstatus", "idx", "customer", "score_date")


CUSTOMERS_PER_PASS = 2000


def recompute_all(today=None) -> dict:
	"""Scheduled (daily_long): every enabled customer, CUSTOMERS_PER_PASS at a time in name order, so the job
	holds one pass's facts in memory whatever the number of customers (each pass is set-based over its names).
	A last pass expires the flags of customers no pass covered (disabled ones)."""
	started = time.perf_counter()
	names = frappe.get_all("Customer", filters={"disabled": 0}, pluck="name", order_by="name asc")
	totals: dict = {}
	for i in range(0, len(names), CUSTOMERS_PER_PASS):
		for key, value in _recompute(names[i : i + CUSTOMERS_PER_PASS], today).items():
			totals[key] = totals.get(key, 0) + value
	expired = flags.FlagChanges()
	with flags.flag_lock():
		frappe.db.commit()
		flags.expire(None, Windows(getdate(today or nowdate()), 0), expired)
		frappe.db.commit()
	totals["flags_expired"] = totals.get("flags_expired", 0) + expired.expired
	totals["flag_errors"] = totals.get("flag_errors", 0) + expired.failed
	totals["seconds"] = round(time.perf_counter() - started, 2)
	return totals


def recompute_customer(customer: str, today=None) -> dict:
	"""One customer (the job enqueue_recompute queues, and the API's "recompute" button)."""
	if not frappe.db.exists("Customer", customer):
		return {"customers": 0}  # deleted or renamed since the job was queued
	return _recompute([customer], today)


def _recompute(scope: list[str] | None, today) -> dict:
	started = time.perf_counter()
	config = load_config()
	w = Windows(getdate(today or nowdate()), int(config.thresholds["window_days"]))
	facts = facts_for(scope, w.today, config.thresholds)
	detections = {c: risk.detect(rf, config.thresholds) for c, (_cf, rf, _x) in facts.items()}
	with flags.flag_lock():
		frappe.db.commit()  # a fresh snapshot: see the flags another job committed while we waited
		changes = flags.sync(detections, scope, w)
		frappe.db.commit()  # publish them before the next job takes the lock
	if changes.any:
		current = active_flags(scope)
		for customer, (cf, _rf, _x) in facts.items():
			cf.active_flags = tuple(flag_type for flag_type, _s in current.get(customer, {}).values())
	rows = score_rows(facts, config, w.today, previous_results(scope, w.today))
	write_scores(rows)
	_update_lifecycle(scope, w.today)
	forget_signals(scope[0] if scope and len(scope) == 1 else None)
	# Alerts read the rows just written; they never fail the run (see alerts.py).
	drops = alerts.send_drop_alerts(scope, w.today)
	return {
		"customers": len(facts),
		"scored": sum(1 for r in rows if r[COLUMNS.index("band")]),
		"flags_raised": changes.raised,
		"flags_resolved": changes.resolved,
		"flags_expired": changes.expired,
		"flag_errors": changes.failed,
		"drop_alerts": drops,
		"seconds": round(time.perf_counter() - started, 2),
	}


def _update_lifecycle(scope: list[str] | None, today) -> None:
	"""Lifecycle stages read the scores and flags just written; a failure there must not fail the scores."""
	try:
		lifecycle.update(scope, today)
	except Exception:
		frappe.log_error("customer_360: lifecycle stages failed")


def score_rows(facts: dict, config: Config, today, previous: dict) -> list[tuple]:
	now, user = now_datetime(), frappe.session.user
	rows = []
	for customer, (cf, _rf, _x) in facts.items():
		result = health.score(cf, today, config.weights, config.bands)
		before = previous.get(customer)
		lines = explain_change(before, result)
		# Readers of the row may lack see_finance: amounts go to `figures` (permlevel 1), never into the text.
		factors, explained, figures = health.split_result(result, lines)
		rows.append(
			(
				frappe.generate_hash(length=10),
				now,
				now,
				user,
				user,
				0,
				0,
				customer,
				today,
				# Int columns cannot be NULL in Frappe: an empty band is what says "no data".
				result.score or 0,
				result.band or "",
				_json(factors),
				"\n".join(messages.render_all(lines, see_finance=False)),
				(before.score or 0) if before else 0,
				(before.band or "") if before else "",
				_json(explained),
				_json(figures),
			)
		)
	return rows


def write_scores(rows: list[tuple]) -> None:
	"""Upsert: a second run on the same day replaces that day's row (keeping its name)."""
	columns = ", ".join(f"`{c}`" for c in COLUMNS)
	update = ", ".join(f"`{c}` = values(`{c}`)" for c in COLUMNS if c not in _KEPT)
	row_marks = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
	for start in range(0, len(rows), CHUNK):
		chunk = rows[start : start + CHUNK]
		frappe.db.sql(
			f"insert into `tab{SCORE}` ({columns}) values {', '.join([row_marks] * len(chunk))}"
			f" on duplicate key update {update}",
			[value for row in chunk for value in row],
		)


def previous_results(scope: list[str] | None, today) -> dict[str, health.HealthResult]:
	"""Each customer's latest stored score before `today` (yesterday's, when the job ran yesterday)."""
	rows = scores.latest(
		scope, today, strictly_before=True, banded=False, fields=("score", "band", "factors", "figures")
	)
	return {customer: stored_result(r) for customer, r in rows.items()}


def stored_result(row, see_finance: bool = True) -> health.HealthResult:
	"""A stored score; its finance figures only with see_finance (the job compares full results)."""
	return health.join_result(
		row.get("score") if row.get("band") else None,
		row.get("band") or None,
		wording.parse(row.get("factors")) or [],
		wording.parse(row.get("figures")) if see_finance else None,
	)


def _json(value) -> str:
	return json.dumps(value, separators=(",", ":"), default=str)


# --- after a document changes ---------------------------------------------------------------------------------


def health_job_id(customer: str) -> str:
	return f"customer_360:health:{customer}"


def enqueue_recompute(customer: str) -> None:
	if _hooks_off():
		return
	# Deduplicated per customer: ten invoices submitted in a minute cost one recompute, not ten.
	frappe.enqueue(
		RECOMPUTE_JOB,
		queue="short",
		job_id=health_job_id(customer),
		deduplicate=True,
		enqueue_after_commit=True,
		customer=customer,
	)
	if frappe.flags.in_test:
		# Integration tests wait for the jobs their commits caused (customer_360.tests.jobs): this one too, or
		# it lands after a test has planted the scores it asserts on.
		from frappe.utils.background_jobs import create_job_id

		job = create_job_id(health_job_id(customer))
		frappe.local.c360_test_jobs = [*getattr(frappe.local, "c360_test_jobs", []), job]


def on_customer_document(doc, method=None):
	"""doc_events handler (Sales Invoice, Payment Entry, Sales Order, Issue, Delivery Note, ...). It runs inside
	the ERP transaction: it only notes the customers (customer_360.events), and the one index job that request
	queues after commit queues their recomputes (enqueue_recompute). It never raises: a failure is logged and the
	nightly job catches up."""
	try:
		for customer in customers_of(doc):
			after_index(RECOMPUTE_HOOK, customer, health_job_id(customer))
	except Exception:
		frappe.log_error("customer_360: could not queue a health recompute")


def customers_of(doc) -> list[str]:
	"""The customers a document concerns: its customer or party, or a journal entry's Customer lines."""
	if doc.doctype == "Journal Entry":
		parties = (row.party for row in doc.get("accounts") or () if row.party_type == "Customer")
		return sorted({p for p in parties if p})
	customer = customer_of(doc)
	return [customer] if customer else []


def customer_of(doc) -> str | None:
	if doc.get("customer"):
		return doc.customer
	if doc.get("party_type") == "Customer" and doc.get("party"):
		return doc.party
	if doc.get("party_name") and "Customer" in (doc.get("quotation_to"), doc.get("opportunity_from")):
		return doc.party_name
	return None


def _hooks_off() -> bool:
	flags_ = frappe.flags
	# Install/migrate/patches: the nightly job covers them. Benchmarks and tests that recompute by themselves
	# switch hooks off so no background job races them.
	return bool(flags_.in_install or flags_.in_migrate or flags_.in_patch or flags_.c360_hooks_off)


# --- the customer record itself --------------------------------------------------------------------------------


def on_customer_trash(doc, method=None):
	"""Scores and flags belong to the customer: they go with it (hooks list them in ignore_links_on_delete)."""
	frappe.db.delete(SCORE, {"customer": doc.name})
	names = frappe.get_all("Customer Risk Flag", filters={"customer": doc.name}, pluck="name")
	if names:
		frappe.db.delete("Customer Risk Flag Evidence", {"parent": ["in", names]})
		frappe.db.delete("Customer Risk Flag", {"name": ["in", names]})


def on_customer_before_rename(doc, method=None, old=None, new=None, merge=False):
	"""Merging A into B rewrites A's scores to B; where both have a row for the same day the unique key would
	stop the merge. B's own row wins; the nightly job rescores B anyway."""
	if merge and old and new:
		frappe.db.sql(
			f"""delete a from `tab{SCORE}` a
			join `tab{SCORE}` b on b.customer = %(new)s and b.score_date = a.score_date
			where a.customer = %(old)s""",
			{"old": old, "new": new},
		)

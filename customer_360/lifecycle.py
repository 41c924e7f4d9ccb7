"""Lifecycle stages: computed set-based by the nightly job (risk_health.job calls `update` after the scores),
kept as history in Customer Lifecycle Stage (one row per change), read per customer for the 360 header."""

from __future__ import annotations

import frappe
from frappe.query_builder import DocType
from frappe.utils import getdate, now_datetime, nowdate

from customer_360.core import lifecycle as core
from customer_360.facts import activity, purchases, scores
from customer_360.risk_health.config import load_config
from customer_360.risk_health.facts import active_flags

STAGE = "Customer Lifecycle Stage"
QUOTED_DOCTYPES = ("Quotation", "Opportunity")
CHUNK = 500


def update(scope: list[str] | None, today) -> int:
	"""Derive every customer's stage in `scope` (None: every enabled customer) for `today` and record the
	changes. Returns the number of customers whose stage changed."""
	today = getdate(today)
	facts = _facts(scope, today)
	if not facts:
		return 0
	current = current_stages(list(facts) if scope is not None else None)
	dormant_days = load_config().dormant_days
	inserts, changed = [], 0
	for customer, f in facts.items():
		row = current.get(customer)
		stage = core.derive(f, today, (row.stage, getdate(row.since)) if row else None, dormant_days)
		if row and row.stage == stage:
			continue
		changed += 1
		if row and getdate(row.since) == today:
			# A second run on the same day corrects today's row instead of adding one.
			if row.previous == stage:
				frappe.db.delete(STAGE, {"name": row.name})
			else:
				frappe.db.set_value(STAGE, row.name, "stage", stage, update_modified=False)
			continue
		inserts.append((customer, stage, today, row.stage if row else None))
	_insert(inserts)
	return changed


def current_stages(customers: list[str] | None) -> dict[str, frappe._dict]:
	"""customer -> its latest stage row (stage, since, previous, name)."""
	if customers is not None and not customers:
		return {}
	t = DocType(STAGE)
	q = (
		frappe.qb.from_(t)
		.select(t.name, t.customer, t.stage, t.since, t.previous)
		.orderby(t.customer)
		.orderby(t.since)
		.orderby(t.creation)
	)
	if customers is not None:
		q = q.where(t.customer.isin(customers))
	return {r.customer: r for r in q.run(as_dict=True)}  # the latest row of each customer wins


def derive_now(customer: str) -> str | None:
	"""Today's stage, computed (not stored): for a customer the nightly job has not reached yet."""
	today = getdate(nowdate())
	f = _facts([customer], today).get(customer)
	return core.derive(f, today, None, load_config().dormant_days) if f else None


def history(customer: str) -> list[dict]:
	"""The customer's stage changes, oldest first."""
	return frappe.get_all(
		STAGE,
		filters={"customer": customer},
		fields=["stage", "since", "previous"],
		order_by="since asc, creation asc",
		ignore_permissions=True,  # the API checked the customer and masks risk stages for the reader
	)


def _facts(scope: list[str] | None, today) -> dict[str, core.LifecycleFacts]:
	Customer = DocType("Customer")
	q = frappe.qb.from_(Customer).select(Customer.name, Customer.creation)
	q = q.where(Customer.disabled == 0) if scope is None else q.where(Customer.name.isin(list(scope)))
	out = {
		name: core.LifecycleFacts(created=getdate(created) if created else None) for name, created in q.run()
	}
	if not out:
		return out
	names = list(out) if scope is not None else None
	for customer, (first, last, n) in purchases.span(names, today).items():
		if customer in out:
			out[customer].first_purchase, out[customer].last_purchase, out[customer].purchases = (
				first,
				last,
				n,
			)
	for customer in _quoted(names):
		if customer in out:
			out[customer].quoted = True
	for customer, day in activity.last_activity(names, today).items():
		if customer in out:
			out[customer].last_activity = day
	for customer, row in scores.latest(names, today).items():
		if customer in out:
			out[customer].red = row.band == "red"
	for customer in active_flags(names):
		if customer in out:
			out[customer].flagged = True
	return out


def _quoted(customers: list[str] | None) -> list[str]:
	"""Customers with a quotation or an opportunity, from the timeline index (one indexed query)."""
	Event = DocType("Customer Timeline Event")
	q = (
		frappe.qb.from_(Event)
		.select(Event.customer)
		.distinct()
		.where(Event.source_doctype.isin(QUOTED_DOCTYPES))
	)
	if customers is not None:
		q = q.where(Event.customer.isin(customers))
	return q.run(pluck=True)


def _insert(rows: list[tuple]) -> None:
	if not rows:
		return
	now, user = now_datetime(), frappe.session.user
	values = [
		(frappe.generate_hash(length=10), now, now, user, user, customer, stage, since, previous or "")
		for customer, stage, since, previous in rows
	]
	fields = [
		"name",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"customer",
		"stage",
		"since",
		"previous",
	]
	for start in range(0, len(values), CHUNK):
		frappe.db.bulk_insert(STAGE, fields, values[start : start + CHUNK])


def on_customer_trash(doc, method=None):
	"""The stage history belongs to the customer: it goes with it (hooks list the doctype in
	ignore_links_on_delete, so it never blocks deleting a customer). Never fails the deletion."""
	try:
		frappe.db.delete(STAGE, {"customer": doc.name})
	except Exception:
		frappe.log_error(f"customer_360: could not delete the lifecycle stages of {doc.name}")

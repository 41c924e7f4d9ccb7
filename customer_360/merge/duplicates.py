"""Frappe adapter for duplicate detection (core.duplicates): read customers with their contacts' emails and
phones, tax id and addresses in four set-based queries, then score in Python with blocking keys."""

from __future__ import annotations

import re
from collections import defaultdict

import frappe

from customer_360.core import duplicates as dup

CACHE_KEY = "customer_360:duplicate_groups"
CACHE_SECONDS = 600


def _in(names: list[str] | None, column: str) -> tuple[str, dict]:
	if names is None:
		return "", {}
	return f" and {column} in %(names)s", {"names": list(names) or ["\x00"]}


def load_records(names: list[str] | None = None) -> list[dict]:
	"""Customers (all, or `names`) as dicts of CustomerRecord fields."""
	cond, params = _in(names, "c.name")
	customers = frappe.db.sql(
		f"""select c.name, c.customer_name, c.tax_id, c.email_id, c.mobile_no, c.disabled
		from `tabCustomer` c where 1=1{cond}""",
		params,
		as_dict=True,
	)
	emails, phones, addresses = defaultdict(set), defaultdict(set), defaultdict(set)
	for c in customers:
		if c.email_id:
			emails[c.name].add(c.email_id)
		if c.mobile_no:
			phones[c.name].add(c.mobile_no)
	cond, params = _in(names, "dl.link_name")
	link = f"dl.parenttype = %(pt)s and dl.link_doctype = 'Customer'{cond}"
	for customer, email in frappe.db.sql(
		f"""select dl.link_name, ce.email_id from `tabDynamic Link` dl
		join `tabContact Email` ce on ce.parent = dl.parent and ce.parenttype = 'Contact' where {link}""",
		{**params, "pt": "Contact"},
	):
		emails[customer].add(email)
	for customer, phone in frappe.db.sql(
		f"""select dl.link_name, cp.phone from `tabDynamic Link` dl
		join `tabContact Phone` cp on cp.parent = dl.parent and cp.parenttype = 'Contact' where {link}""",
		{**params, "pt": "Contact"},
	):
		phones[customer].add(phone)
	for customer, line1, city, pincode in frappe.db.sql(
		f"""select dl.link_name, a.address_line1, a.city, a.pincode from `tabDynamic Link` dl
		join `tabAddress` a on a.name = dl.parent where {link}""",
		{**params, "pt": "Address"},
	):
		addresses[customer].add(", ".join(p for p in (line1, city, pincode) if p))
	return [
		{
			**c,
			"emails": tuple(sorted(e for e in emails[c.name] if e)),
			"phones": tuple(sorted(p for p in phones[c.name] if p)),
			"addresses": tuple(sorted(addresses[c.name])),
		}
		for c in customers
	]


def _record(row: dict) -> dup.CustomerRecord:
	return dup.CustomerRecord(
		row["name"],
		row.get("customer_name") or row["name"],
		row["emails"],
		row["phones"],
		row.get("tax_id"),
		row["addresses"],
		bool(row.get("disabled")),
	)


def find_groups(threshold: int = dup.DEFAULT_THRESHOLD, use_cache: bool = True) -> dict:
	"""All candidate groups, best first, with the customers' names; cached for CACHE_SECONDS."""
	key = f"{CACHE_KEY}:{int(threshold)}"
	if use_cache:
		cached = frappe.cache.get_value(key)
		if cached is not None:
			return cached
	rows = {r["name"]: r for r in load_records()}
	skipped: dict[str, int] = {}
	matches = dup.find_matches([_record(r) for r in rows.values()], threshold, skipped=skipped)
	groups = dup.group_matches(matches)
	invoices = _invoice_counts([n for g in groups for n in g.names])
	out = {
		"customers_scanned": len(rows),
		"skipped": [{"key": k, "customers": n} for k, n in sorted(skipped.items(), key=lambda kv: -kv[1])],
		"groups": [
			{
				"score": g.score,
				"customers": [
					{
						"name": n,
						"customer_name": rows[n]["customer_name"],
						"disabled": bool(rows[n]["disabled"]),
						"invoices": invoices.get(n, 0),
					}
					for n in g.names
				],
				"suggested_survivor": _suggest(g.names, rows, invoices),
				"matches": [{"a": m.a, "b": m.b, "score": m.score, "reasons": m.reasons} for m in g.matches],
			}
			for g in groups
		],
	}
	frappe.cache.set_value(key, out, expires_in_sec=CACHE_SECONDS)
	return out


def clear_cache() -> None:
	frappe.cache.delete_keys(CACHE_KEY)


def _invoice_counts(names: list[str]) -> dict[str, int]:
	if not names:
		return {}
	return dict(
		frappe.db.sql(
			"select customer, count(*) from `tabSales Invoice` where customer in %(n)s group by customer",
			{"n": names},
		)
	)


def _suggest(names: list[str], rows: dict, invoices: dict) -> str:
	"""The enabled customer with the most invoices (ties: the first name) keeps its history in place."""
	return min(names, key=lambda n: (bool(rows[n]["disabled"]), -invoices.get(n, 0), n))


_DIGITS = re.compile(r"\D")


def duplicates_of(customer: str, threshold: int = dup.DEFAULT_THRESHOLD) -> list[dict]:
	"""Likely duplicates of one customer, for the form warning: candidates found by a few indexed-or-cheap
	queries (same email, phone digits, tax id, address line or first name word), then scored exactly."""
	mine = load_records([customer])
	if not mine:
		return []
	me = mine[0]
	record = _record(me)
	profile_keys = dup.blocking_keys(record)
	candidates: set[str] = set()
	emails = [e.strip().lower() for e in me["emails"] if e]
	if emails:
		candidates.update(
			frappe.db.sql(
				"""select dl.link_name from `tabContact Email` ce
				join `tabDynamic Link` dl on dl.parent = ce.parent and dl.parenttype = 'Contact'
					and dl.link_doctype = 'Customer'
				where ce.email_id in %(e)s""",
				{"e": emails},
				pluck=True,
			)
		)
		candidates.update(frappe.get_all("Customer", filters={"email_id": ["in", emails]}, pluck="name"))
	for phone in {dup.normalize_phone(p) for p in me["phones"]} - {None}:
		candidates.update(
			frappe.db.sql(
				"""select dl.link_name from `tabContact Phone` cp
				join `tabDynamic Link` dl on dl.parent = cp.parent and dl.parenttype = 'Contact'
					and dl.link_doctype = 'Customer'
				where regexp_replace(cp.phone, '[^0-9]', '') like %(p)s""",
				{"p": f"%{phone}"},
				pluck=True,
			)
		)
	tax_id = dup.normalize_tax_id(me.get("tax_id"))
	if tax_id:
		candidates.update(
			frappe.db.sql(
				"select name from `tabCustomer` where regexp_replace(upper(tax_id), '[^0-9A-Z]', '') = %s",
				tax_id,
				pluck=True,
			)
		)
	lines = {a.split(",")[0].strip().lower() for a in me["addresses"]} - {""}
	if lines:
		candidates.update(
			frappe.db.sql(
				"""select dl.link_name from `tabAddress` a
				join `tabDynamic Link` dl on dl.parent = a.name and dl.parenttype = 'Address'
					and dl.link_doctype = 'Customer'
				where lower(a.address_line1) in %(l)s""",
				{"l": list(lines)},
				pluck=True,
			)
		)
	words = [w for w in dup.normalize_name(me["customer_name"]).split() if len(w) >= 3]
	for word in words[:2]:
		candidates.update(
			frappe.get_all(
				"Customer", filters={"customer_name": ["like", f"%{word}%"]}, pluck="name", limit=300
			)
		)
	candidates.discard(customer)
	if not candidates or not profile_keys:
		return []
	others = {r["name"]: r for r in load_records(sorted(candidates))}
	found = dup.duplicates_of(record, [_record(r) for r in others.values()], threshold)
	return [
		{
			"customer": m.other(customer),
			"customer_name": others[m.other(customer)]["customer_name"],
			"disabled": bool(others[m.other(customer)]["disabled"]),
			"score": m.score,
			"reasons": m.reasons,
		}
		for m in found
	]

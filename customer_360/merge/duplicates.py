"""Frappe adapter for duplicate detection (core.duplicates): read customers with their contacts' emails and
phones, tax id and addresses in four set-based queries, then score in Python with blocking keys.

`find_groups` (the duplicate finder, for merge users) reads every customer, cached for ten minutes;
`duplicates_of` (every Customer form open) reads only through indexes, see there."""

from __future__ import annotations

import hashlib
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
	"""Customers (all, or `names`) as dicts of CustomerRecord fields (plus their addresses' `pincodes`)."""
	if names is not None:
		return _load_some(list(names))
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


def _parents_of(customers: list[str], parenttype: str) -> dict[str, set[str]]:
	"""{Contact or Address: the given customers it links to}, through the (link_doctype, link_name) index."""
	out: dict[str, set[str]] = defaultdict(set)
	if customers:
		for parent, customer in frappe.db.sql(
			"""select parent, link_name from `tabDynamic Link`
			where link_doctype = 'Customer' and link_name in %(n)s and parenttype = %(pt)s""",
			{"n": customers, "pt": parenttype},
		):
			out[parent].add(customer)
	return out


def _load_some(names: list[str]) -> list[dict]:
	"""`load_records` for a few customers: one query per table, each by primary key or an indexed column (no
	join left to the optimizer, which on small tables likes to scan)."""
	if not names:
		return []
	customers = frappe.db.sql(
		"""select name, customer_name, tax_id, email_id, mobile_no, disabled from `tabCustomer`
		where name in %(n)s""",
		{"n": names},
		as_dict=True,
	)
	emails, phones, addresses, pincodes = (defaultdict(set) for _ in range(4))
	for c in customers:
		if c.email_id:
			emails[c.name].add(c.email_id)
		if c.mobile_no:
			phones[c.name].add(c.mobile_no)
	contacts = _parents_of(names, "Contact")
	if contacts:
		for table, column, into in (
			("Contact Email", "email_id", emails),
			("Contact Phone", "phone", phones),
		):
			for parent, value in frappe.db.sql(
				f"select parent, {column} from `tab{table}` where parent in %(p)s and parenttype = 'Contact'",
				{"p": list(contacts)},
			):
				for customer in contacts[parent]:
					into[customer].add(value)
	linked_addresses = _parents_of(names, "Address")
	if linked_addresses:
		for name, line1, city, pincode in frappe.db.sql(
			"select name, address_line1, city, pincode from `tabAddress` where name in %(a)s",
			{"a": list(linked_addresses)},
		):
			for customer in linked_addresses[name]:
				addresses[customer].add(", ".join(p for p in (line1, city, pincode) if p))
				if pincode:
					pincodes[customer].add(pincode)
	return [
		{
			**c,
			"emails": tuple(sorted(e for e in emails[c.name] if e)),
			"phones": tuple(sorted(p for p in phones[c.name] if p)),
			"addresses": tuple(sorted(addresses[c.name])),
			"pincodes": tuple(sorted(pincodes[c.name])),
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


WARNING_CACHE_KEY = "customer_360:duplicate_warning"
WARNING_CACHE_SECONDS = 120
# Candidates scored for one customer: each lookup below is bounded, and so is their union.
LOOKUP_LIMIT = 200
MAX_CANDIDATES = 500
_WORD = re.compile(r"[\W_]+")


def duplicates_of(
	customer: str, threshold: int = dup.DEFAULT_THRESHOLD, use_cache: bool = True
) -> list[dict]:
	"""Likely duplicates of one customer, for the form warning and the 360 badge (every form open).

	Never a scan of Customer, Contact or Address: the customer and its candidates are read through indexes
	only (`_load_some`, `_candidates`). The answer is cached per customer for WARNING_CACHE_SECONDS and
	recomputed at once when the customer's own data changes (its name, tax id, or a contact's or address's
	email, phone or line: the cache key carries a fingerprint of them); a new duplicate elsewhere shows
	within WARNING_CACHE_SECONDS. The caller filters the answer by what the user may read."""
	mine = load_records([customer])
	if not mine:
		return []
	me = mine[0]
	fingerprint = hashlib.sha1(frappe.as_json(me, indent=None).encode()).hexdigest()
	key = f"{WARNING_CACHE_KEY}:{int(threshold)}:{customer}"
	if use_cache:
		cached = frappe.cache.get_value(key)
		if isinstance(cached, dict) and cached.get("fingerprint") == fingerprint:
			return cached["matches"]
	matches = _duplicates_of(me, threshold)
	frappe.cache.set_value(
		key, {"fingerprint": fingerprint, "matches": matches}, expires_in_sec=WARNING_CACHE_SECONDS
	)
	return matches


def _indexed(table: str, column: str) -> bool:
	"""Whether `column` leads an index of `table` (an administrator, or a later version of the app, may add
	one for tax id, phone or secondary emails): only then is it looked up on every form open."""
	key = f"customer_360:indexed:{table}:{column}"
	found = frappe.cache.get_value(key)
	if found is None:
		found = bool(
			frappe.db.sql(f"show index from `{table}` where Column_name = %s and Seq_in_index = 1", column)
		)
		frappe.cache.set_value(key, found, expires_in_sec=3600)
	return found


def _limited(sql: str, values: dict) -> list[str]:
	return frappe.db.sql(sql + f" limit {LOOKUP_LIMIT}", values, pluck=True)


def _customers_of(parents: list[str], parenttype: str) -> list[str]:
	if not parents:
		return []
	return _limited(
		"""select distinct link_name from `tabDynamic Link`
		where parent in %(p)s and parenttype = %(pt)s and link_doctype = 'Customer'""",
		{"p": parents, "pt": parenttype},
	)


def _candidates(customer: str, me: dict) -> list[str]:
	"""Customers sharing an exact value with `me`, each found through an index: a contact's primary email
	(`tabContact`.email_id), an address's postcode (`tabAddress`.pincode), the first word of the name
	(a `customer_name` prefix), and tax id, phone and secondary emails when their columns are indexed; then
	`tabDynamic Link` by parent. One table per query (no join for the optimizer to turn into a scan), each
	capped; strongest signals first, so the overall cap keeps them."""
	found: list[str] = []
	emails = sorted({e for e in (dup.normalize_email(x) for x in me["emails"]) if e})
	if emails:
		contacts = _limited("select name from `tabContact` where email_id in %(e)s", {"e": emails})
		if _indexed("tabContact Email", "email_id"):
			contacts += _limited(
				"select parent from `tabContact Email` where email_id in %(e)s and parenttype = 'Contact'",
				{"e": emails},
			)
		found += _customers_of(sorted(set(contacts)), "Contact")
	tax_id = dup.normalize_tax_id(me.get("tax_id"))
	if tax_id and _indexed("tabCustomer", "tax_id"):
		found += _limited(
			"select name from `tabCustomer` where tax_id in %(t)s", {"t": sorted({tax_id, me["tax_id"]})}
		)
	if me["phones"] and _indexed("tabContact Phone", "phone"):
		contacts = _limited(
			"select parent from `tabContact Phone` where phone in %(p)s and parenttype = 'Contact'",
			{"p": sorted(me["phones"])},
		)
		found += _customers_of(contacts, "Contact")
	pincodes = sorted({p for p in me.get("pincodes") or () if p and p.strip()})
	if pincodes:
		found += _customers_of(
			_limited("select name from `tabAddress` where pincode in %(p)s", {"p": pincodes}), "Address"
		)
	words = [w for w in _WORD.split(me.get("customer_name") or "") if w][:1]
	words += dup.normalize_name(me.get("customer_name")).split()[:1]
	for word in dict.fromkeys(w.lower() for w in words if len(w) >= 3):
		# A prefix LIKE is a range on the customer_name index (names starting with the word).
		found += _limited("select name from `tabCustomer` where customer_name like %(w)s", {"w": f"{word}%"})
	return [n for n in dict.fromkeys(found) if n != customer][:MAX_CANDIDATES]


def _duplicates_of(me: dict, threshold: int) -> list[dict]:
	customer = me["name"]
	record = _record(me)
	if not dup.blocking_keys(record):
		return []
	candidates = _candidates(customer, me)
	if not candidates:
		return []
	others = {r["name"]: r for r in load_records(candidates)}
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


def readable_groups(found: dict) -> dict:
	"""`find_groups`' answer with only the customers the session user may read (User Permissions included,
	one permission-filtered query): a group keeps its readable members if two or more are left, and the
	matches between them."""
	names = sorted({c["name"] for g in found["groups"] for c in g["customers"]})
	readable = set()
	for start in range(0, len(names), 1000):
		readable.update(
			frappe.get_list("Customer", filters={"name": ["in", names[start : start + 1000]]}, pluck="name")
		)
	groups = []
	for g in found["groups"]:
		customers = [c for c in g["customers"] if c["name"] in readable]
		matches = [m for m in g["matches"] if m["a"] in readable and m["b"] in readable]
		if len(customers) < 2 or not matches:
			continue
		members = {c["name"] for c in customers}
		suggested = g["suggested_survivor"] if g["suggested_survivor"] in members else customers[0]["name"]
		groups.append(
			{**g, "customers": customers, "matches": matches, "suggested_survivor": suggested,
			 "score": max(m["score"] for m in matches)}
		)  # fmt: skip
	groups.sort(key=lambda g: (-g["score"], g["customers"][0]["name"]))
	return {**found, "groups": groups}

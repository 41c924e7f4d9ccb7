"""Clone a real, submitted voucher thousands of times, straight into the database.

Submitting 10,000 Sales Invoices through ERPNext takes the better part of an hour on a small machine; the
benchmarks need them in seconds, and they need them *real*: the Accounts Receivable report and our money panel
read the Payment Ledger, the ledgers must balance, and the rows must look like ERPNext's own.

So one voucher of each kind is created and submitted through ERPNext's API (the template), and its rows — the
document, its child tables, its GL Entries and Payment Ledger Entries — are copied with a new name, date and
amount. Every column that held one of the template's values named in `subs` (its name, the invoice a payment is
against, the customer, the dates) gets the clone's; every column that held the template amount gets the clone's
amount; everything else (accounts, cost centre, currency, flags) keeps ERPNext's own value. The template amount
is odd (1234.5) so that it cannot be confused with a quantity, a rate of exchange or a percentage.
"""

from __future__ import annotations

from decimal import Decimal

import frappe

TEMPLATE_AMOUNT = 1234.5
CHUNK = 1000
_KEEP = frozenset(("docstatus", "idx", "creation", "modified", "owner", "modified_by"))


def voucher_rows(doctype: str, name: str) -> dict[str, list[dict]]:
	"""Every row ERPNext wrote for one submitted voucher, by table."""
	rows = {doctype: frappe.db.sql(f"select * from `tab{doctype}` where name = %s", name, as_dict=True)}
	for df in frappe.get_meta(doctype).get_table_fields():
		found = frappe.db.sql(
			f"select * from `tab{df.options}` where parent = %s and parenttype = %s",
			(name, doctype),
			as_dict=True,
		)
		if found:
			rows.setdefault(df.options, []).extend(found)
	for ledger in ("GL Entry", "Payment Ledger Entry"):
		rows[ledger] = frappe.db.sql(
			f"select * from `tab{ledger}` where voucher_type = %s and voucher_no = %s",
			(doctype, name),
			as_dict=True,
		)
	return rows


def clone(
	template: dict[str, list[dict]],
	key: str,
	amount: float,
	subs: dict,
	overrides: dict[str, dict] | None = None,
) -> dict[str, list[dict]]:
	"""One copy of `template`. Row names: the voucher's own name comes from `subs`; other rows get `key-<n>`."""
	factor = amount / TEMPLATE_AMOUNT
	out: dict[str, list[dict]] = {}
	n = 0
	for table, rows in template.items():
		copies = out.setdefault(table, [])
		for row in rows:
			new = {}
			for column, value in row.items():
				if column in _KEEP:
					new[column] = value
				elif column == "name":
					n += 1
					new[column] = subs.get(value) or f"{key}-{n}"
				elif isinstance(value, float | Decimal):
					new[column] = round(float(value) * factor, 2) if _is_amount(value) else value
				elif isinstance(value, str) or type(value).__name__ == "date":
					new[column] = subs.get(value, value)
				else:
					new[column] = value
			new.update((overrides or {}).get(table, {}))
			copies.append(new)
	return out


def _is_amount(value) -> bool:
	return abs(abs(float(value)) - TEMPLATE_AMOUNT) < 0.005


def insert_rows(table: str, rows: list[dict]) -> int:
	if not rows:
		return 0
	columns = list(rows[0])
	marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
	for start in range(0, len(rows), CHUNK):
		part = rows[start : start + CHUNK]
		frappe.db.sql(
			f"insert into `tab{table}` ({', '.join(f'`{c}`' for c in columns)}) values "
			+ ", ".join([marks] * len(part)),
			[row.get(c) for row in part for c in columns],
		)
	return len(rows)

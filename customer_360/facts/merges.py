"""Where a merged customer's name went: the merge log says.

`resolve_customer(name)` gives the customer a name means today: itself while it exists, else the survivor of the
last completed merge that took it (following chains: A merged into B, B later into C, gives C), else None.
The 360 API and page call it before refusing an unknown customer, so bookmarks and links in emails or other
systems to a merged customer land on the survivor.

ERPNext's own documents never dangle: every Link, party and Dynamic Link field was re-pointed by the merge, so
no ERPNext form, report or ledger still names the loser. Only text outside the database (a bookmark, an export,
an email) can: the 360 page and API resolve it through here, and the desk URL /app/customer/<loser> shows
Frappe's "not found" (ERPNext's own merge behaves the same); the log (searchable by merged customer) says where
it went, and `customer_360.api.merge.resolve` answers the same question over REST.
"""

from __future__ import annotations

import frappe

MAX_HOPS = 20


def merged_into(name: str) -> str | None:
	"""The survivor of the last completed merge of `name`, one hop."""
	row = frappe.db.sql(
		"""select l.survivor from `tabCustomer Merge Log Loser` x
		join `tabCustomer Merge Log` l on l.name = x.parent and x.parenttype = 'Customer Merge Log'
		where x.customer = %s and l.status = 'Done' order by l.finished desc, l.creation desc limit 1""",
		name,
	)
	return row[0][0] if row else None


def resolve_customer(name: str | None) -> str | None:
	seen = set()
	while name and name not in seen and len(seen) < MAX_HOPS:
		if frappe.db.exists("Customer", name):
			return name
		seen.add(name)
		name = merged_into(name)
	return None

"""Related open records of a customer for the 360: open opportunities, open sales orders, open issues and
contracts with their renewal (end) dates. Each list is read with frappe.get_list, so the reader's DocPerm and
User Permissions decide what appears; a doctype the reader may not read (or a site without it) is left out.
Amounts are finance figures: null + masked for a reader without the capability on this customer."""

from __future__ import annotations

import frappe
from frappe.utils import get_url_to_form, getdate, nowdate

from customer_360.core import masking
from customer_360.core.capabilities import Capabilities
from customer_360.core.definitions import CLOSED_ISSUE_STATUSES

LIMIT = 20
CLOSED_OPPORTUNITY = ("Converted", "Lost", "Closed")
CLOSED_ORDER = ("Completed", "Closed", "Cancelled")
# section -> (doctype, filters(customer), fields, amount field or None, order)
SECTIONS = {
	"opportunities": (
		"Opportunity",
		lambda c: {"opportunity_from": "Customer", "party_name": c, "status": ["not in", CLOSED_OPPORTUNITY]},
		["name", "title", "status", "transaction_date", "expected_closing", "currency", "opportunity_amount"],
		"opportunity_amount",
		"expected_closing asc",
	),
	"orders": (
		"Sales Order",
		lambda c: {"customer": c, "docstatus": 1, "status": ["not in", CLOSED_ORDER]},
		[
			"name",
			"status",
			"transaction_date",
			"delivery_date",
			"currency",
			"grand_total",
			"per_delivered",
			"per_billed",
		],
		"grand_total",
		"transaction_date desc",
	),
	"issues": (
		"Issue",
		lambda c: {"customer": c, "status": ["not in", list(CLOSED_ISSUE_STATUSES)]},
		["name", "subject", "status", "opening_date", "priority"],
		None,
		"opening_date asc",
	),
	"contracts": (
		"Contract",
		lambda c: {"party_type": "Customer", "party_name": c, "status": ["!=", "Inactive"]},
		["name", "status", "start_date", "end_date", "is_signed"],
		None,
		"end_date asc",
	),
}


def related(customer: str, caps: Capabilities) -> dict:
	out: dict = {"customer": customer}
	today = getdate(nowdate())
	for section, (doctype, filters, fields, amount, order) in SECTIONS.items():
		if not frappe.db.table_exists(doctype) or not frappe.has_permission(doctype, "read"):
			out[section] = None  # not tracked on this site, or not the reader's to see
			continue
		meta = frappe.get_meta(doctype)
		rows = frappe.get_list(
			doctype,
			filters=filters(customer),
			fields=[f for f in fields if f == "name" or meta.has_field(f)],
			order_by=order,
			limit_page_length=LIMIT,
		)
		for row in rows:
			row["url"] = get_url_to_form(doctype, row.name)
			row["doctype"] = doctype
			if amount:
				row["amount"] = row.pop(amount, None)
				masking.mask(row, caps, ("amount",))
			if section == "contracts" and row.get("end_date"):
				row["days_to_renewal"] = (getdate(row.end_date) - today).days
		out[section] = rows
	return out

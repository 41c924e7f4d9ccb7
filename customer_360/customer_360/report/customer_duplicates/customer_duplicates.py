"""Customer Duplicates: groups of likely duplicate customers with their scores and reasons, one row per
customer, the suggested survivor first. Same data as customer_360.api.merge.find_duplicates (and the same
can_merge capability check); "Review" in the merge tool page merges a group."""

import frappe
from frappe import _
from frappe.utils import cint

from customer_360.core.capabilities import CAN_MERGE
from customer_360.core.duplicates import DEFAULT_THRESHOLD
from customer_360.merge import duplicates as dups
from customer_360.messages import plain
from customer_360.permissions import check_capability


def execute(filters=None):
	check_capability(CAN_MERGE)
	filters = frappe._dict(filters or {})
	threshold = cint(filters.threshold) or DEFAULT_THRESHOLD
	if not 1 <= threshold <= 100:
		frappe.throw(_("The threshold is a score from 1 to 100."))
	# Only customers the reader may open (User Permissions included): a report is one more path to them.
	found = dups.readable_groups(dups.find_groups(threshold, use_cache=not cint(filters.rescan)))
	rows = []
	for number, group in enumerate(found["groups"], 1):
		survivor = group["suggested_survivor"]
		reasons = {}
		for m in group["matches"]:
			for n in (m["a"], m["b"]):
				if m["score"] > reasons.get(n, (0, ""))[0]:
					reasons[n] = (m["score"], ", ".join(m["reasons"]))
		ordered = sorted(group["customers"], key=lambda c: (c["name"] != survivor, c["name"]))
		for c in ordered:
			rows.append(
				{
					"group": number,
					"group_score": group["score"],
					"customer": c["name"],
					"customer_name": c["customer_name"],
					"disabled": c["disabled"],
					"invoices": c["invoices"],
					"suggested_survivor": int(c["name"] == survivor),
					"score": reasons.get(c["name"], (0, ""))[0],
					"reasons": reasons.get(c["name"], (0, ""))[1],
				}
			)
	columns = [
		{"fieldname": "group", "label": _("Group"), "fieldtype": "Int", "width": 70},
		{"fieldname": "group_score", "label": _("Group Score"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 180,
		},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 200},
		{
			"fieldname": "suggested_survivor",
			"label": _("Suggested Survivor"),
			"fieldtype": "Check",
			"width": 90,
		},
		{"fieldname": "disabled", "label": _("Disabled"), "fieldtype": "Check", "width": 80},
		{"fieldname": "invoices", "label": _("Invoices"), "fieldtype": "Int", "width": 80},
		{"fieldname": "score", "label": _("Best Match"), "fieldtype": "Int", "width": 90},
		{"fieldname": "reasons", "label": _("Why"), "fieldtype": "Data", "width": 320},
	]
	message = None
	if found["skipped"]:
		message = _("Values shared by too many customers to count as evidence: {0}").format(
			", ".join(plain(f"{s['key']} ({s['customers']})") for s in found["skipped"][:5])
		)
	return columns, rows, message

"""Who may merge which customers, and who may see a merge log.

Besides the can_merge capability, a merge (and its preview and undo) needs what ERPNext's own rename-merge
needs: read and write on the survivor, read, write and delete on every duplicate, with User Permissions
applied (frappe.has_permission on the document). A merge log shows customers, so it is readable only by a
holder of the capability who may read every customer it names; a merged-away customer no longer exists and
is judged on its snapshot (the record as it was, with the links User Permissions look at).

The same rule serves the API (check_*), the desk (the Customer Merge Log has_permission hook) and lists
(`log_query_condition`, the permission_query_conditions hook).
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import escape_html

from customer_360.compat import NO_OBJECTION
from customer_360.core.capabilities import CAN_MERGE
from customer_360.merge.log import LOG, LOSER, log_customers
from customer_360.messages import bold
from customer_360.permissions import has_capability

SURVIVOR_RIGHTS = ("read", "write")
LOSER_RIGHTS = ("read", "write", "delete")


def _snapshot_doc(snapshot: str | None, name: str):
	"""The deleted customer as it was, for the permission check (no database row to load)."""
	data = {}
	if snapshot:
		try:
			data = json.loads(snapshot)
		except ValueError:
			data = {}
	data = {k: v for k, v in data.items() if not isinstance(v, list | dict)}  # links only, no child rows
	return frappe.get_doc({**data, "doctype": "Customer", "name": name})


def customer_allows(
	name: str, ptype: str, user: str | None = None, snapshot: str | None = None, memo: dict | None = None
) -> bool:
	"""frappe.has_permission on one customer, User Permissions included; a customer that no longer exists is
	judged on its snapshot. `memo`: a dict the caller keeps for one request that checks many logs."""
	user = user or frappe.session.user
	key = (user, name, ptype)
	memo = {} if memo is None else memo
	if key not in memo:
		if frappe.db.exists("Customer", name):
			doc = name
		else:
			doc = _snapshot_doc(snapshot, name)
		memo[key] = bool(frappe.has_permission("Customer", ptype, doc=doc, user=user))
	return memo[key]


def missing_rights(name: str, rights, user: str | None = None, snapshot: str | None = None) -> list[str]:
	return [p for p in rights if not customer_allows(name, p, user, snapshot)]


def check_merge_rights(survivor: str, losers: list[str], snapshots: dict | None = None) -> None:
	"""PermissionError unless the user may write the survivor and write and delete every duplicate."""
	snapshots = snapshots or {}
	for name, rights in ((survivor, SURVIVOR_RIGHTS), *((n, LOSER_RIGHTS) for n in losers)):
		missing = missing_rights(name, rights, snapshot=snapshots.get(name))
		if "read" in missing:
			frappe.throw(
				_("You do not have permission to view customer {0}.").format(bold(name)),
				frappe.PermissionError,
			)
		if missing:
			frappe.throw(
				_("Merging needs {0} permission on customer {1}.").format(
					", ".join(_(p) for p in missing), bold(name)
				),
				frappe.PermissionError,
				title=_("Not permitted"),
			)


def log_snapshots(losers: list[dict]) -> dict[str, str]:
	return {r.customer: r.snapshot for r in losers if r.snapshot}


def log_readable(log: str, user: str | None = None, memo: dict | None = None) -> bool:
	"""Every customer the log names is one the user may read."""
	survivor, losers = log_customers(log)
	if survivor and not customer_allows(survivor, "read", user, memo=memo):
		return False
	return all(customer_allows(r.customer, "read", user, r.snapshot, memo) for r in losers)


def check_log_read(log: str) -> None:
	if not log_readable(log):
		frappe.throw(_("You do not have permission to view this merge."), frappe.PermissionError)


def check_log_undo(log: str) -> None:
	"""Undo needs what the merge needed, on the customers the log names."""
	survivor, losers = log_customers(log)
	check_merge_rights(survivor, [r.customer for r in losers], log_snapshots(losers))


# ---------------------------------------------------------------- desk hooks (Customer Merge Log)


def has_log_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	user = user or frappe.session.user
	if user == "Administrator":
		return NO_OBJECTION
	if not has_capability(CAN_MERGE, user):
		return False
	name = doc if isinstance(doc, str) else doc.name
	if not name or not frappe.db.exists(LOG, name):
		return NO_OBJECTION  # nothing to show yet
	return NO_OBJECTION if log_readable(name, user) else False


def log_query_condition(user: str | None = None) -> str:
	"""SQL condition on `tabCustomer Merge Log` for lists and reports: the capability, then the customers.

	A customer that no longer exists (merged away) cannot be matched in SQL against User Permissions: for a
	user whose Customer read is restricted, such logs stay out of lists (the form and the API judge them on
	their snapshot)."""
	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	if not has_capability(CAN_MERGE, user):
		return "1=0"
	from frappe.model.db_query import DatabaseQuery

	try:
		condition = DatabaseQuery("Customer", user=user).build_match_conditions()
	except frappe.PermissionError:
		return "1=0"
	if not condition:
		return ""  # reads every customer
	readable = f"select `tabCustomer`.`name` from `tabCustomer` where {condition}"
	return (
		f"(`tab{LOG}`.`survivor` in ({readable}) and not exists (select 1 from `tab{LOSER}` x"
		f" where x.parent = `tab{LOG}`.`name` and x.parenttype = {frappe.db.escape(LOG)}"
		f" and x.customer not in ({readable})))"
	)

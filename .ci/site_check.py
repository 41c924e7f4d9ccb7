"""Site checks for .ci/run, run with the bench's python from the bench's sites/ folder.

fingerprint SITE OUT          what the app set up outside its doctypes (to prove `bench migrate` changes nothing)
snapshot SITE OUT             row counts of ERPNext/Frappe tables before uninstall
verify-uninstalled SITE SNAP  nothing of customer_360 is left; no ERPNext/Frappe row was lost
"""

import glob
import json
import os
import sys

import frappe

APP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "customer_360")
MODULE = "Customer 360"
# Tables whose rows must survive an uninstall untouched (ERPNext business data and Frappe records on it).
KEPT_TABLES = (
	"Customer",
	"Contact",
	"Address",
	"Dynamic Link",
	"Sales Invoice",
	"Sales Invoice Item",
	"Payment Entry",
	"GL Entry",
	"Payment Ledger Entry",
	"Sales Order",
	"Quotation",
	"Delivery Note",
	"Issue",
	"Opportunity",
	"Communication",
	"Communication Link",
	"ToDo",
	"File",
	"Comment",
	"Company",
	"Item",
	"User",
)


def our_doctypes():
	names = []
	for path in glob.glob(os.path.join(APP_DIR, "customer_360", "doctype", "*", "*.json")):
		with open(path) as f:
			doc = json.load(f)
		if doc.get("doctype") == "DocType":
			names.append(doc["name"])
	return sorted(names)


def fingerprint():
	fields = frappe.get_all(
		"Custom Field",
		filters={"fieldname": ["like", "c360_%"]},
		fields=[
			"name",
			"dt",
			"fieldname",
			"fieldtype",
			"options",
			"label",
			"insert_after",
			"hidden",
			"permlevel",
		],
		order_by="name",
	)
	settings_rows = frappe.db.sql(
		"select role, see_finance, see_risk, manage_flags, can_merge, note_scopes"
		" from `tabCustomer 360 Role Capability` order by idx",
		as_dict=True,
	)
	roles = frappe.get_all("Role", filters={"name": ["like", "Customer 360%"]}, pluck="name", order_by="name")
	doctypes = frappe.get_all("DocType", filters={"module": MODULE}, pluck="name", order_by="name")
	return {"custom_fields": fields, "settings": settings_rows, "roles": roles, "doctypes": doctypes}


def counts():
	return {t: frappe.db.count(t) for t in KEPT_TABLES if frappe.db.table_exists(t)}


def verify_uninstalled(snapshot):
	problems = []
	for dt in our_doctypes():
		if frappe.db.table_exists(dt):
			problems.append(f"table `tab{dt}` still exists")
	if frappe.db.exists("Module Def", MODULE):
		problems.append("Module Def still exists")
	for dt in ("DocType", "Page", "Report", "Workspace"):
		left = frappe.get_all(dt, filters={"module": MODULE}, pluck="name")
		if left:
			problems.append(f"{dt} left: {left}")
	left = frappe.get_all("Custom Field", filters={"fieldname": ["like", "c360_%"]}, pluck="name")
	if left:
		problems.append(f"Custom Field left: {left}")
	for dt in ("Customer",):
		cols = frappe.db.get_table_columns(dt)
		if any(c.startswith("c360_") for c in cols):
			problems.append(f"column c360_* left on `tab{dt}`")
	left = frappe.db.sql(
		"select table_name, index_name from information_schema.statistics"
		" where table_schema = database() and index_name like 'c360\\_%%'"
	)
	if left:
		problems.append(f"indexes c360_* left: {sorted(set(left))}")
	left = frappe.get_all("Role", filters={"name": ["like", "Customer 360%"]}, pluck="name")
	if left:
		problems.append(f"Role left: {left}")
	left = frappe.db.sql("select distinct doctype from tabSingles where doctype like 'Customer 360%%'")
	if left:
		problems.append(f"settings values left in tabSingles: {left}")
	if "customer_360" in frappe.get_installed_apps():
		problems.append("still listed in installed apps")
	after = counts()
	for table, n in snapshot["counts"].items():
		if after.get(table) != n:
			problems.append(f"`tab{table}` had {n} rows before uninstall, {after.get(table)} after")
	return problems


def main():
	mode, site, path = sys.argv[1:4]
	frappe.init(site=site)
	frappe.connect()
	try:
		if mode == "fingerprint":
			with open(path, "w") as f:
				json.dump(fingerprint(), f, indent=1, sort_keys=True, default=str)
		elif mode == "snapshot":
			with open(path, "w") as f:
				json.dump({"counts": counts()}, f, indent=1, sort_keys=True)
		elif mode == "verify-uninstalled":
			with open(path) as f:
				problems = verify_uninstalled(json.load(f))
			for p in problems:
				print("uninstall check:", p)
			print(
				f"uninstall check: {len(problems)} problem(s); ERPNext row counts compared: {len(counts())} tables"
			)
			sys.exit(1 if problems else 0)
		else:
			sys.exit(f"unknown mode {mode}")
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()

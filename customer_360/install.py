"""Everything the app adds to a site outside its own doctypes, created in code and removed on uninstall.

Every function here is idempotent: install, `bench migrate` (after_migrate) and a re-run change nothing once
the site is set up. Our own doctypes, pages and reports are removed by Frappe's uninstall itself.
"""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from customer_360.core import capabilities
from customer_360.core.people import ACCOUNT_ROLES

# Custom fields on ERPNext doctypes. Prefixed so they never clash with ERPNext's or another app's fields.
CUSTOM_FIELDS = {
	"Customer": [
		{
			"fieldname": "c360_parent_customer",
			"label": "Parent Customer",
			"fieldtype": "Link",
			"options": "Customer",
			"insert_after": "account_manager",
			"description": "Figures of this customer roll up into the parent's Customer 360.",
			"is_system_generated": 1,
		},
		{
			"fieldname": "c360_referred_by",
			"label": "Referred By",
			"fieldtype": "Link",
			"options": "Customer",
			"insert_after": "c360_parent_customer",
			"is_system_generated": 1,
		},
		{
			"fieldname": "c360_household",
			"label": "Household",
			"fieldtype": "Link",
			"options": "Customer",
			"insert_after": "c360_referred_by",
			"description": "The household this customer belongs to: its figures roll up into the household's 360.",
			"is_system_generated": 1,
		},
	],
	"Contact": [
		{
			"fieldname": "c360_account_role",
			"label": "Role on the Account",
			"fieldtype": "Select",
			"options": "\n" + "\n".join(ACCOUNT_ROLES),
			"insert_after": "designation",
			"description": "Shown in the People panel of the customer's 360.",
			"is_system_generated": 1,
		},
	],
}


def before_install():
	# The settings doctype's permissions name our role, so it must exist before the doctypes sync.
	ensure_roles()


def after_install():
	ensure_setup()
	# Existing history appears on the timeline once this job has run (progress shows in the desk).
	from customer_360.indexer import enqueue_backfill

	try:
		enqueue_backfill(restart=True)
		frappe.db.commit()
	except Exception:
		# Redis unreachable must not fail the install; the admin can run it later.
		print(
			"customer_360: could not queue the timeline backfill; run `bench --site SITE customer-360 backfill`"
		)


def after_migrate():
	ensure_setup()


def ensure_setup():
	ensure_roles()
	# Indexes are added by on_doctype_update only when the doctype's JSON changes; make sure on every migrate.
	from customer_360.customer_360.doctype.customer_health_score import customer_health_score
	from customer_360.customer_360.doctype.customer_risk_flag import customer_risk_flag
	from customer_360.customer_360.doctype.customer_timeline_event import customer_timeline_event

	customer_timeline_event.on_doctype_update()
	# The nightly upsert relies on the (customer, score_date) unique key: without it a re-run adds rows.
	customer_health_score.on_doctype_update()
	customer_risk_flag.on_doctype_update()
	create_custom_fields(CUSTOM_FIELDS, update=True)
	ensure_erp_indexes()  # after the custom fields: two indexes are on them
	ensure_settings_defaults()
	frappe.db.commit()


def ensure_roles():
	for role in capabilities.APP_ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def ensure_settings_defaults():
	"""Seed the role table once; an administrator's later edits are never overwritten."""
	_fill_new_setting_defaults()
	settings = frappe.get_single("Customer 360 Settings")
	if settings.role_capabilities:
		return
	existing_roles = set(frappe.get_all("Role", pluck="name"))
	for row in capabilities.default_rows():
		# ERPNext roles that a site removed (or never had) are skipped rather than failing the install.
		if row["role"] in existing_roles:
			settings.append("role_capabilities", row)
	settings.flags.ignore_permissions = True
	settings.save()


# Indexes on ERPNext tables for "this customer's documents, newest first": without them the money panel of a
# customer with ten thousand invoices reads and sorts every one of them (Payment Entry has no party index at
# all). Named with our prefix, added idempotently, dropped on uninstall.
LEDGER_INDEX_COLUMNS = (
	*("party", "party_type", "company", "posting_date", "name", "is_cancelled"),
	# account_currency makes the balance (sum per party-account currency) an index-only read: without it each
	# of the whale's 19,000 rows was a lookup into the table (100-160 ms against 11 ms).
	*("debit_in_account_currency", "credit_in_account_currency", "account_currency"),
)
# What falls due (outstanding by due date), lifetime value and the paid invoices of days-to-pay, each read from
# the index alone (on the whale: 69 -> 0.2 ms, 43 -> 15 ms).
SI_OPEN_COLUMNS = (
	*("customer", "company", "docstatus", "due_date", "outstanding_amount"),
	*("is_return", "posting_date", "base_net_total"),
)
# A customer's last payment per invoice (facts.receivables.days_to_pay), grouped inside the index.
PAID_AGAINST_COLUMNS = (
	*("party", "against_voucher_type", "voucher_type", "delinked", "against_voucher_no", "posting_date"),
)
ERP_INDEXES = (  # (doctype, index name, columns)
	("Sales Invoice", "c360_customer_posting", ("customer", "posting_date")),
	("Sales Invoice", "c360_customer_open", SI_OPEN_COLUMNS),
	# Payments and refunds newest first: the refund list no longer walks every payment (9,000 on the whale).
	("Payment Entry", "c360_party_posting", ("party", "payment_type", "posting_date")),
	("Payment Ledger Entry", "c360_paid_against", PAID_AGAINST_COLUMNS),
	# The ledger (ledger.py): a customer's GL rows newest first, keyset-paged, and its balance, from the index.
	("GL Entry", "c360_party_ledger", LEDGER_INDEX_COLUMNS),
	# The duplicate warning runs on every Customer form open: exact lookups, never a scan.
	("Customer", "c360_tax_id", ("tax_id",)),
	# A group's or household's members (rollup.py), read by the money panel on every 360 open: never a scan.
	("Customer", "c360_parent_customer", ("c360_parent_customer",)),
	("Customer", "c360_household", ("c360_household",)),
	# A merge asks every link field to a Customer whether the loser's rows use it: an exact lookup each, never a
	# scan (these three were the ones without an index).
	("Customer", "c360_referred_by", ("c360_referred_by",)),
	("Journal Entry Account", "c360_party", ("party",)),
	("Payment Entry Reference", "c360_advance_voucher", ("advance_voucher_no",)),
	("Contact Phone", "c360_phone", ("phone",)),
	("Contact Email", "c360_email_id", ("email_id",)),
)


def ensure_erp_indexes():
	for doctype, name, columns in ERP_INDEXES:
		# add_index skips a name that exists: an index whose columns changed in an upgrade is rebuilt.
		if (have := _index_columns(doctype, name)) and have != list(columns):
			frappe.db.sql_ddl(f"alter table `tab{doctype}` drop index `{name}`")
		frappe.db.add_index(doctype, list(columns), name)


def _index_columns(doctype: str, name: str) -> list[str]:
	rows = frappe.db.sql(f"show index from `tab{doctype}` where Key_name = %s", name, as_dict=True)
	return [r.Column_name for r in sorted(rows, key=lambda r: r.Seq_in_index)]


def drop_erp_indexes():
	for doctype, name, _columns in ERP_INDEXES:
		if frappe.db.has_index(f"tab{doctype}", name):
			frappe.db.sql_ddl(f"alter table `tab{doctype}` drop index `{name}`")


def _fill_new_setting_defaults():
	"""A field added by an upgrade has no stored value, and the first save would store 0 for it (a green band
	from 0 makes every customer green). Store each missing field's default, once; existing values stay."""
	doctype = "Customer 360 Settings"
	stored = set(frappe.db.sql_list("select field from `tabSingles` where doctype = %s", doctype))
	for df in frappe.get_meta(doctype).fields:
		if df.default not in (None, "") and df.fieldname not in stored:
			frappe.db.set_single_value(doctype, df.fieldname, df.default)


def before_uninstall():
	drop_erp_indexes()
	for doctype, fields in CUSTOM_FIELDS.items():
		for df in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": df["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
			# Frappe keeps the column of a deleted custom field; uninstall leaves no trace of ours.
			frappe.db.sql_ddl(f"alter table `tab{doctype}` drop column if exists `{df['fieldname']}`")
		frappe.clear_cache(doctype=doctype)
	for role in capabilities.APP_ROLES:
		# Role assignments go with the role; users themselves are untouched.
		frappe.db.delete("Has Role", {"role": role})
		frappe.db.delete("Custom DocPerm", {"role": role})
		if frappe.db.exists("Role", role):
			frappe.delete_doc("Role", role, ignore_permissions=True, force=True)
	frappe.cache.delete_value("customer_360:role_capability_rows")

"""Customer Health Score: one row per customer per day, kept as history for trends.

Rows are written in bulk by customer_360.risk_health.job (an upsert on the (customer, score_date) unique key),
never through Document.insert: the nightly job scores every customer in seconds. Visibility follows the risk
capability, with the same hooks as Customer Risk Flag (re-exported here so hooks.py can name either module).
"""

import frappe
from frappe.model.document import Document

from customer_360.customer_360.doctype.customer_risk_flag.customer_risk_flag import (
	get_permission_query_conditions,
	has_permission,
)

UNIQUE_KEY = "customer_score_date"


class CustomerHealthScore(Document):
	pass


def on_doctype_update():
	# One row per customer per day; the job's upsert relies on it, and it serves "latest score before today".
	frappe.db.add_unique("Customer Health Score", ["customer", "score_date"], UNIQUE_KEY)

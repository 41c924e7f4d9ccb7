"""Where Frappe/ERPNext v15 and v16 differ, named once. Nothing else in the app checks a version.

Each difference this app meets, and how the one code path handles it:

1. Permission hooks (`has_permission`): v15 reads None as "no opinion", v16 as "deny". A hook that does not
   object returns NO_OBJECTION (True), which both read as "no objection" (controllers can only deny).
2. Test base class: v16 has `frappe.tests.IntegrationTestCase`, v15 `frappe.tests.utils.FrappeTestCase`:
   `test_base()`.
3. Selling documents (Quotation, Sales Order, Sales Invoice, Delivery Note) lost their `title` field in
   ERPNext v16: the app never selects `title` from them (a document is labelled by its name);
   tests/test_compat_rules.py checks the queries.
4. `frappe.get_all/get_list(order_by=...)` accepts only plain "field [asc|desc]" terms in v16 (no expressions
   such as "date is null", no backquoted table prefixes): expression sorts are done with frappe.qb or in
   Python; tests/test_compat_rules.py holds every order_by in the app to that rule.
5. The desk moved from /app to /desk: no URL is built by hand, on the server or in the page (Frappe's
   router, `frappe.set_route` and `frappe.utils.get_form_link` know the prefix); tests/test_compat_rules.py
   finds none.
6. `frappe.require([...])` no longer keeps script order: the page ships as one bundle (customer_360.bundle.js).
7. Python 3.14 (v16): nothing version-specific found; the pure tier runs on 3.11 and 3.14.
8. The database connection: v15 connects through PyMySQL in utf8mb4_unicode_ci (the collation of every Frappe
   table), v16 through mysqlclient in the server's default for utf8mb4 (utf8mb4_general_ci). Strings a
   statement makes are in the connection's collation: the merge's manifest sets the tables' collation for its
   job and names it where it joins (merge/log.py, COLLATION and DOCS).
9. Caching of website pages: v15 sends no Cache-Control on a page, v16 sends no-store unless the page opts in.
   The web view (/customer-360/<customer>, masked for its reader) names its own, "no-store, private", through
   an after_request hook on its route only (www/customer_360.py, no_store), the same on both.
"""

from __future__ import annotations

# 1. A has_permission hook's "I do not object" on both versions.
NO_OBJECTION = True


def integration_test_base():
	"""2. The integration test base class of the running Frappe."""
	try:  # v16
		from frappe.tests import IntegrationTestCase

		return IntegrationTestCase
	except ImportError:  # v15
		from frappe.tests.utils import FrappeTestCase

		return FrappeTestCase

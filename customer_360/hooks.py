app_name = "customer_360"
app_title = "Customer 360"
app_publisher = "customer_360 developers"
app_description = "One 360 view of every ERPNext Customer: timeline, money, notes, risk, health, merge"
app_email = "customer360@example.com"
app_license = "MIT"

required_apps = ["erpnext"]

# Install / migrate / uninstall: everything outside our own doctypes is created in code (install.py).
before_install = "customer_360.install.before_install"
after_install = "customer_360.install.after_install"
after_migrate = "customer_360.install.after_migrate"
before_uninstall = "customer_360.install.before_uninstall"

# The "Customer 360" button (and later badges) on the Customer form.
doctype_js = {"Customer": "public/js/customer.js"}

# run-tests: complete ERPNext's setup (company, fiscal year, chart of accounts) on a fresh site.
before_tests = "customer_360.tests.fixtures.before_tests"

# ---------------------------------------------------------------- timeline index
# Handlers only remember the document; an RQ job indexes it after the transaction commits (events.py).
_TIMELINE_EVENTS = {
	event: "customer_360.events.on_change"
	for event in ("on_update", "on_submit", "on_cancel", "on_update_after_submit", "on_trash")
}
_TIMELINE_EVENTS["after_rename"] = "customer_360.events.on_rename"
doc_events = {
	doctype: dict(_TIMELINE_EVENTS)
	for doctype in (
		"Sales Invoice",
		"Payment Entry",
		"Sales Order",
		"Quotation",
		"Delivery Note",
		"Issue",
		"Opportunity",
		"Communication",
		"ToDo",
		"File",
		"Comment",
		"Appointment",
		"Customer Note",
		"Customer Interaction",
	)
}
doc_events["Customer"] = {"on_trash": "customer_360.events.on_change"}
# A share would grant read past the note's scope: refuse shares to users outside the audience.
doc_events["DocShare"] = {"validate": "customer_360.notes.on_share"}

# ---------------------------------------------------------------- notes: the scope decides, on every path
has_permission = {
	"Customer Note": "customer_360.customer_360.doctype.customer_note.customer_note.has_permission",
}
permission_query_conditions = {
	"Customer Note": "customer_360.customer_360.doctype.customer_note.customer_note.get_permission_query_conditions",
}

# Our index rows link to Customer, Contact, Company and to their source documents: they must never block
# deleting or cancelling an ERP record. The indexer removes them instead.
ignore_links_on_delete = ["Customer Timeline Event"]

scheduler_events = {
	# Repairs whatever a failed hook or a stopped worker missed.
	"hourly_long": ["customer_360.indexer.reconcile"],
}

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
doctype_js = {
	"Customer": ["public/js/page_code.js", "public/js/customer.js", "public/js/customer_duplicates.js"]
}
# The desk pages' code, and its preload where the 360 is one click away (public/js/page_code.js).
doctype_list_js = {"Customer": ["public/js/page_code.js", "public/js/customer_list.js"]}
page_js = {
	page: "public/js/page_code.js"
	for page in ("customer-360", "customer-360-directory", "customer-360-merge")
}
boot_session = "customer_360.boot.boot_session"
# The 360's first screen without the desk, for a link typed or opened from outside (customer_360.api.web_view).
website_route_rules = [{"from_route": "/customer-360/<path:customer>", "to_route": "customer-360"}]
after_request = ["customer_360.www.customer_360.no_store"]

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
		"Installation Note",
		"Maintenance Schedule",
		"Maintenance Visit",
		"Warranty Claim",
		"Serial No",
		"Contract",
		"Subscription",
		"Project",
		"Task",
		"Blanket Order",
		"Journal Entry",
		"POS Invoice",
		"Dunning",
		"Loyalty Point Entry",
		"Lead",
		"Event",
		"Call Log",
	)
}
# Optional apps' documents, registered through the same hook other apps use (sources/__init__.py). A source
# whose doctype the site lacks (the app is not installed) is skipped, and its doc_events never fire.
customer_360_timeline_sources = [
	"customer_360.sources.hd_ticket.SOURCE",
	"customer_360.sources.crm.DEAL_SOURCE",
	"customer_360.sources.crm.LEAD_SOURCE",
	"customer_360.sources.crm.NOTE_SOURCE",
	"customer_360.sources.crm.CALL_SOURCE",
]
for _doctype in ("HD Ticket", "CRM Deal", "CRM Lead", "FCRM Note", "CRM Call Log"):
	doc_events[_doctype] = dict(_TIMELINE_EVENTS)
doc_events["Customer"] = {"on_trash": "customer_360.events.on_change"}
# A share would grant read past the note's scope (or past the risk capability): refuse it.
doc_events["DocShare"] = {
	"validate": [
		"customer_360.notes.on_share",
		"customer_360.customer_360.doctype.customer_risk_flag.customer_risk_flag.on_share",
	]
}

# ---------------------------------------------------------------- risk & health: one de-duplicated job per customer
_RISK = "customer_360.risk_health.job.on_customer_document"
for _doctype in ("Sales Invoice", "Payment Entry", "Sales Order", "Delivery Note", "Journal Entry"):
	for _event in ("on_submit", "on_cancel", "on_update_after_submit"):
		doc_events[_doctype][_event] = [doc_events[_doctype][_event], _RISK]
for _event in ("on_update", "on_trash"):
	for _doctype in ("Issue", "Warranty Claim"):  # both count towards frequent_claims
		doc_events[_doctype][_event] = [doc_events[_doctype][_event], _RISK]
doc_events["Customer"]["on_trash"] = [
	doc_events["Customer"]["on_trash"],
	"customer_360.risk_health.job.on_customer_trash",
	"customer_360.lifecycle.on_customer_trash",
]
doc_events["Customer"]["before_rename"] = "customer_360.risk_health.job.on_customer_before_rename"
# Documents another document changes without their own hooks firing (events.py): a delivery's serial numbers,
# a project's tasks.
for _doctype in ("Delivery Note", "Sales Invoice"):
	for _event in ("on_submit", "on_cancel"):
		doc_events[_doctype][_event] = [*doc_events[_doctype][_event], "customer_360.events.on_stock_voucher"]
doc_events["Project"]["on_update"] = [
	doc_events["Project"]["on_update"],
	"customer_360.events.on_project_change",
]

# ---------------------------------------------------------------- first contact and milestones (first_contact.py)
# A customer's own milestones, and a converted Lead's history moved onto it in a job.
doc_events["Customer"]["on_update"] = "customer_360.first_contact.on_customer_update"
for _event in ("on_submit", "on_cancel"):
	# the first purchase may move; an order marks its quotations ordered without their hooks
	doc_events["Sales Invoice"][_event].append("customer_360.first_contact.on_invoice_change")
	doc_events["Sales Order"][_event].append("customer_360.first_contact.on_order_change")

# ---------------------------------------------------------------- notes: the scope decides, on every path
_DT = "customer_360.customer_360.doctype"
has_permission = {
	"Customer Note": f"{_DT}.customer_note.customer_note.has_permission",
	# Risk data: only holders of the see_risk capability, whatever DocPerm a role was given.
	"Customer Risk Flag": f"{_DT}.customer_risk_flag.customer_risk_flag.has_permission",
	"Customer Health Score": f"{_DT}.customer_risk_flag.customer_risk_flag.has_permission",
	# Note events carry the note's text: scopes apply to the index table too.
	"Customer Timeline Event": f"{_DT}.customer_timeline_event.customer_timeline_event.has_permission",
	# A merge log names customers: only for who may read them all (and may merge).
	"Customer Merge Log": "customer_360.merge.access.has_log_permission",
	# Decisions: the customer's readers holding the capability the suggestion needs.
	"Customer Suggestion Decision": f"{_DT}.customer_suggestion_decision.customer_suggestion_decision.has_permission",
}
permission_query_conditions = {
	"Customer Note": f"{_DT}.customer_note.customer_note.get_permission_query_conditions",
	"Customer Risk Flag": f"{_DT}.customer_risk_flag.customer_risk_flag.get_permission_query_conditions",
	"Customer Health Score": f"{_DT}.customer_risk_flag.customer_risk_flag.get_permission_query_conditions",
	"Customer Timeline Event": f"{_DT}.customer_timeline_event.customer_timeline_event.get_permission_query_conditions",
	"Customer Merge Log": "customer_360.merge.access.log_query_condition",
	"Customer Suggestion Decision": f"{_DT}.customer_suggestion_decision.customer_suggestion_decision.get_permission_query_conditions",
}

# Our index rows link to Customer, Contact, Company and to their source documents: they must never block
# deleting or cancelling an ERP record. The indexer removes them instead.
ignore_links_on_delete = [
	"Customer Timeline Event",
	"Customer Risk Flag",
	"Customer Risk Flag Evidence",
	"Customer Health Score",
	"Customer Suggestion Decision",
	"Customer Lifecycle Stage",
	# A model-call log row names its user: it must not keep the user from being deleted.
	"Customer 360 Assistant Log",
]

scheduler_events = {
	# Repairs whatever a failed hook or a stopped worker missed.
	"hourly_long": ["customer_360.indexer.reconcile"],
	# Every customer's flags and today's health score, set-based.
	# Then the briefings of the next days' meetings with customers, prepared as each meeting's owner.
	"daily_long": [
		"customer_360.risk_health.job.recompute_all",
		"customer_360.assistant.meetings.prepare_upcoming",
	],
	# Each account manager's digest of their customers (switchable off in Customer 360 Settings).
	"weekly_long": ["customer_360.next_steps.digest.send_weekly_digests"],
	# A merge or undo whose worker died is marked within minutes, so it can be undone or retried.
	"cron": {"*/3 * * * *": ["customer_360.merge.state.watchdog"]},
}

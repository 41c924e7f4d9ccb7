"""/customer-360/<customer>: the 360's first screen without the desk (customer_360.api.web_view says why)."""

from urllib.parse import urlencode

import frappe
from frappe import _

from customer_360.api.web_view import context_for, desk_home, route_of

ROUTE = "/customer-360"
no_cache = 1  # per reader: masked for their capabilities, never cached for the next one
sitemap = 0


def get_context(context):
	customer = frappe.form_dict.get("customer")
	if frappe.session.user == "Guest":
		# To the login page, and back here after it. 302, not Frappe's default 301: a browser keeps a 301, and
		# would send the reader to the login again after they have logged in.
		frappe.local.flags.redirect_location = "/login?" + urlencode(
			{"redirect-to": route_of(customer) if customer else "/customer-360"}
		)
		raise frappe.Redirect(302)
	if not customer:
		# No customer named: the desk's directory of customers is where one is chosen.
		frappe.local.flags.redirect_location = desk_home()
		raise frappe.Redirect(302)
	context.update(context_for(customer))  # the record check first: 403/404 before anything is read
	context.no_breadcrumbs = 1
	context.show_sidebar = 0
	# No script: the page is complete as sent (the template drops Frappe's website bundle and boot data too).
	# The website's scripts cost about 0.3 s in the browser before the page has loaded, for nothing it uses.
	context.web_include_js = []
	context.web_include_icons = []
	# Frappe prints `title` unescaped (base.html: striptags, which decodes entities): a fixed text here, and the
	# template's own title block prints the customer's name escaped.
	context.title = _("Customer 360")
	return context


def no_store(response, request):
	"""after_request: the web view's answer is the reader's own (masked for them), so no cache, private or shared,
	keeps it for the next one, nor the browser's back button after a logout. Frappe sets no Cache-Control on
	website pages; this names only this route's answers."""
	if (request.path == ROUTE or request.path.startswith(ROUTE + "/")) and response.mimetype == "text/html":
		response.headers["Cache-Control"] = "no-store, private"

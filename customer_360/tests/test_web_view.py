"""/customer-360/<customer>, the first screen without the desk (customer_360.api.web_view), rendered through Frappe's
own website handler as a browser would get it: what it shows, what it masks for the reader, whom it refuses, and
that hostile text from a customer or a document comes out as text."""

import re

import frappe
from frappe.utils import set_request
from frappe.website.serve import get_response
from markupsafe import escape

from customer_360.api.web_view import route_of
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.utils import C360TestCase, make_customer, make_user

HOSTILE = "<img src=x onerror=window.__x=1>"
ENCODED = "&lt;img src=x onerror=window.__x=3&gt;"
TITLE_BREAK = "&lt;/title&gt;&lt;script&gt;window.__x=5&lt;/script&gt;"


def render(path: str) -> tuple[int, str, dict]:
	"""Status, body and headers of GET `path`, answered by Frappe's website handler for the session's user."""
	frappe.local.form_dict = frappe._dict()
	set_request(method="GET", path=path)
	response = get_response()
	return response.status_code, response.get_data(as_text=True), response.headers


class TestWebView(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.customer = make_customer()
		invoice = erp.sales_invoice(cls.customer, rate=4321.5)
		cls.invoice = invoice.name
		erp.todo(cls.customer, "zq web task")
		cls.other = make_customer()
		erp.sales_invoice(cls.other, rate=111)
		frappe.db.commit()
		wait_for_jobs()

	def test_shows_the_first_screen_to_a_reader_who_sees_everything(self):
		status, html, headers = render(route_of(self.customer))
		self.assertEqual(status, 200)
		self.assertIn('class="c360-web" data-state="ready"', html)
		self.assertIn(f"<title>{escape(self.customer)} · Customer 360</title>", html)
		self.assertIn("4,321.50", html)  # the money panel's outstanding, and the invoice on the timeline
		self.assertIn(self.invoice, html)
		self.assertIn(frappe.utils.get_absolute_url("Sales Invoice", self.invoice), html)
		self.assertIn("zq web task", html)
		# the desk page for the rest, at the desk's own prefix (/app on v15, /desk on v16)
		self.assertIn(f'href="{frappe.utils.get_absolute_url("Customer 360", self.customer)}"', html)
		# never cached for the next reader: each reader's figures are their own
		self.assertNotIn("public", headers.get("Cache-Control", ""))
		self.assertNotIn(self.other, html)
		# complete as sent: no script to load (Frappe's website bundle and the apps' web scripts are left out)
		self.assertIsNone(re.search(r"<script[^>]*\bsrc=", html), "the web view loads a script")

	def test_masks_finance_and_risk_for_a_reader_without_them(self):
		frappe.set_user(make_user(["Sales User"]))  # reads customers; no finance, no risk
		status, html, _ = render(route_of(self.customer))
		self.assertEqual(status, 200)
		self.assertIn(self.customer, html)
		self.assertIn("c360-web-masked", html)
		self.assertIn("Finance figures are hidden for your role.", html)
		self.assertIn("Health and risk are hidden for your role.", html)
		self.assertNotIn("4,321", html)  # the amount: not in the money panel, not on the timeline
		self.assertNotIn("c360-web-health", html)

	def test_refuses_a_customer_the_reader_may_not_read(self):
		user = make_user(["Accounts Manager", "Sales Manager"])
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": self.customer}
		).insert(ignore_permissions=True)
		frappe.set_user(user)
		status, html, _ = render(route_of(self.customer))
		self.assertEqual(status, 200)  # positive control: the permitted customer
		status, html, _ = render(route_of(self.other))
		self.assertEqual(status, 403)
		self.assertNotIn("c360-web", html)
		self.assertNotIn("111.00", html)

	def test_unknown_customer_is_not_found(self):
		status, html, _ = render(route_of("No Such Customer zq360"))
		self.assertEqual(status, 404)
		self.assertNotIn("c360-web", html)

	def test_a_guest_is_sent_to_the_login_and_back(self):
		frappe.set_user("Guest")
		status, html, headers = render(route_of(self.customer))
		self.assertEqual(status, 302)  # not a 301, which the browser would keep after the login
		location = headers.get("Location", "")
		self.assertIn("/login?redirect-to=", location)
		self.assertIn(frappe.utils.quote(route_of(self.customer), safe=""), location)
		self.assertNotIn(self.customer, html)

	def test_a_name_with_slashes_and_unicode_round_trips(self):
		customer = make_customer("C360 Web/Ünïcode ? & # " + frappe.generate_hash(length=6))
		status, html, _ = render(route_of(customer))
		self.assertEqual(status, 200)
		self.assertIn(escape(customer), html)


class TestWebViewHostileText(C360TestCase):
	def test_hostile_text_is_shown_as_text(self):
		customer = make_customer()
		# Renamed as a user would, through the document: Frappe's save sanitizer turns the raw tag into a
		# harmless <img src="x">, and keeps the encoded ones, which a careless renderer decodes back into tags.
		doc = frappe.get_doc("Customer", customer)
		doc.customer_name = f"{HOSTILE} {TITLE_BREAK} {ENCODED}"
		doc.save(ignore_permissions=True)
		erp.todo(customer, f"<p>{ENCODED}</p>")
		erp.issue(customer, subject=f"{ENCODED} zq-issue")
		frappe.db.commit()
		wait_for_jobs()
		status, html, _ = render(route_of(customer))
		self.assertEqual(status, 200)
		self.assertIn("zq-issue", html)  # positive control: the hostile documents are on the page
		for tag in ("<img src=x", "<script>window.__x", "</title><script"):
			self.assertNotIn(tag, html)
		self.assertIn("&lt;img src=x onerror=window.__x=", html)

"""No path outside the 360 API hands timeline rows (and their amounts) to roles that may not see them."""

import frappe
from frappe.desk.reportview import export_query
from frappe.desk.reportview import get as reportview_get

from customer_360.api.timeline import get_timeline
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.utils import C360TestCase, make_customer, make_user

EVENT = "Customer Timeline Event"


class TestTimelineEventLeaks(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.customer = make_customer()
		cls.invoice = erp.sales_invoice(cls.customer, rate=8765)
		cls.order = erp.sales_order(cls.customer, rate=4321)
		wait_for_jobs()

	def test_event_rows_exist(self):
		self.assertTrue(
			frappe.db.exists(EVENT, {"customer": self.customer, "source_name": self.invoice.name})
		)

	def test_other_roles_cannot_read_the_index_directly(self):
		for roles in (["Sales User"], ["Accounts User"], ["Sales Manager"], ["Support Team"], ["Stock User"]):
			frappe.set_user(make_user(roles))
			with self.assertRaises(frappe.PermissionError, msg=roles):
				frappe.get_list(EVENT, fields=["name", "amount"], filters={"customer": self.customer})
			with self.assertRaises(frappe.PermissionError, msg=roles):
				frappe.get_doc(EVENT, {"customer": self.customer}).check_permission("read")
			frappe.local.form_dict = frappe._dict(
				doctype=EVENT, fields=["name", "amount"], filters=[[EVENT, "customer", "=", self.customer]]
			)
			with self.assertRaises(frappe.PermissionError, msg=roles):
				reportview_get()
			frappe.local.form_dict = frappe._dict(
				doctype=EVENT, file_format_type="CSV", fields=["name", "amount"], filters=[]
			)
			with self.assertRaises(frappe.PermissionError, msg=roles):
				export_query()
			frappe.set_user("Administrator")

	def test_amount_is_permlevel_1(self):
		meta = frappe.get_meta(EVENT)
		self.assertEqual(meta.get_field("amount").permlevel, 1)
		self.assertEqual(
			{p.role for p in meta.permissions if p.permlevel == 1}, {"System Manager", "Customer 360 Manager"}
		)

	def test_amounts_reach_finance_roles_only(self):
		frappe.set_user(make_user(["Accounts User"]))  # finance capability, may read invoices
		self.assertIn(8765.0, [e["amount"] for e in get_timeline(self.customer)["events"]])
		frappe.set_user(make_user(["Sales User"]))  # reads the order event, never its amount
		response = frappe.as_json(get_timeline(self.customer))
		self.assertIn(self.order.name, response)
		self.assertNotIn("4321", response)
		self.assertNotIn("8765", response)

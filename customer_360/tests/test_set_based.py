"""The set-based backfill (sources/sql.py) must write exactly what the Python mappers write.

Real documents of every built-in source, in every state the mappers distinguish (submitted, cancelled,
returned, lost, closed, open with a due date, done, HTML and odd whitespace, long text, no subject), are
indexed both ways and compared column by column.
"""

import frappe
from frappe.utils import add_days, now_datetime, nowdate

from customer_360.indexer import store
from customer_360.sources import BUILTIN_SOURCES
from customer_360.tests import erp, first_contact_docs, money_docs, service_docs
from customer_360.tests.utils import C360TestCase, make_customer

WEIRD = "Line one\n\tline\u00a0two   with  spaces " + "x" * 200


def _rows_by_name(source, names):
	return {
		r["name"]: r
		for r in frappe.db.sql(
			f"select name, {', '.join(f'`{c}`' for c in (*store.EVENT_FIELDS, store.SEARCH_FIELD))}"
			f" from `{store.TABLE}`"
			" where source_doctype = %(dt)s and source_name in %(names)s",
			{"dt": source.doctype, "names": names},
			as_dict=True,
		)
	}


def _comparable(row: dict) -> dict:
	out = dict(row)
	out["amount"] = round(float(out["amount"] or 0), 6)
	out["has_amount"] = int(out["has_amount"])
	out["cancelled"] = int(out["cancelled"])
	return out


def _index_both_ways(source, names):
	store.replace_events(source.doctype, names, [])
	python_events = store.build_events(source, store.read_rows(source, "name in %(names)s", {"names": names}))
	store.write_events(python_events)
	by_python = _rows_by_name(source, names)
	store.replace_events(source.doctype, names, [])
	store.write_events_sql(source, store.in_names, {"names": names})
	by_sql = _rows_by_name(source, names)
	return python_events, by_python, by_sql


class TestSetBasedBackfill(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		frappe.flags.c360_hooks_off = True  # index only through the two paths under test
		try:
			cls._make_history()
		finally:
			frappe.flags.c360_hooks_off = False

	@classmethod
	def _make_history(cls):
		c = cls.customer = make_customer()
		other = cls.other = make_customer()
		docs = cls.docs = {}
		invoice = erp.sales_invoice(c, rate=1000, posting_date=add_days(nowdate(), -40))
		cancelled_invoice = erp.sales_invoice(c, rate=10)
		cancelled_invoice.cancel()
		paid = erp.sales_invoice(c, rate=200)
		credit = erp.credit_note(paid.name)
		payment = erp.payment_for("Sales Invoice", invoice.name, 400)
		refund = erp.payment_for("Sales Invoice", credit.name)
		cancelled_payment = erp.payment_for("Sales Invoice", invoice.name, 50)
		cancelled_payment.cancel()
		docs["Sales Invoice"] = [invoice.name, cancelled_invoice.name, paid.name, credit.name]
		docs["Payment Entry"] = [payment.name, refund.name, cancelled_payment.name]

		order = erp.sales_order(c)
		cancelled_order = erp.sales_order(c)
		cancelled_order.cancel()
		delivery = erp.delivery_note(order.name)
		docs["Sales Order"] = [order.name, cancelled_order.name]
		docs["Delivery Note"] = [delivery.name]

		quote, lost = erp.quotation(c), erp.quotation(c)
		lost.db_set("status", "Lost")
		docs["Quotation"] = [quote.name, lost.name]

		opened = erp.issue(c, subject=WEIRD[:130])
		closed = erp.issue(c, subject="")
		frappe.db.set_value("Issue", closed.name, {"status": "Closed", "priority": None})
		docs["Issue"] = [opened.name, closed.name]

		if frappe.db.table_exists("Opportunity"):
			opp = frappe.get_doc(
				{
					"doctype": "Opportunity",
					"opportunity_from": "Customer",
					"party_name": c,
					"title": WEIRD[:130],
				}
			).insert(ignore_permissions=True)
			won = frappe.get_doc(
				{"doctype": "Opportunity", "opportunity_from": "Customer", "party_name": c}
			).insert(ignore_permissions=True)
			frappe.db.set_value("Opportunity", won.name, {"status": "Lost", "order_lost_reason": "Price"})
			docs["Opportunity"] = [opp.name, won.name]

		contact = erp.contact(c)
		both = erp.contact(c)
		both.append("links", {"link_doctype": "Customer", "link_name": other})
		both.save(ignore_permissions=True)
		received = erp.email(WEIRD, contact.email_ids[0].email_id)
		sent = erp.email("Re: prices", "Administrator", sent_or_received="Sent", recipients="a@example.com")
		sent.add_link("Customer", c)
		sent.save(ignore_permissions=True)
		sms = erp.email(
			"SMS",
			"sms-gateway@example.com",
			communication_medium="SMS",
			reference_doctype="Customer",
			reference_name=c,
		)
		frappe.db.set_value("Communication", sms.name, "subject", "")  # mandatory in the form, not in data
		shared = erp.email("To both", both.email_ids[0].email_id)
		about_order = erp.email("Order question", "x@example.com", reference_doctype="Sales Order",
			reference_name=order.name)  # fmt: skip
		docs["Communication"] = [received.name, sent.name, sms.name, shared.name, about_order.name]

		due = erp.todo(c, WEIRD, due=add_days(nowdate(), 3))
		done = erp.todo(c, "Done task")
		frappe.db.set_value("ToDo", done.name, "status", "Closed")
		dropped = erp.todo(c, "Dropped", due=nowdate())
		frappe.db.set_value("ToDo", dropped.name, {"status": "Cancelled", "description": ""})
		docs["ToDo"] = [due.name, done.name, dropped.name]

		attached = frappe.get_doc(
			{"doctype": "File", "file_name": "contract.txt", "content": b"terms", "is_private": 1,
			 "attached_to_doctype": "Customer", "attached_to_name": c}
		).insert(ignore_permissions=True)  # fmt: skip
		docs["File"] = [attached.name]

		customer = frappe.get_doc("Customer", c)
		html = customer.add_comment("Comment", "<p>Called  <b>twice</b></p>\n<br>" + "y" * 400)
		blank = customer.add_comment("Comment", "<p> </p>")
		docs["Comment"] = [html.name, blank.name]

		note = frappe.get_doc(
			{"doctype": "Customer Note", "customer": c, "scope": "sales", "pinned": 1,
			 "content": "<p>Big  <b>deal</b>\n" + "z" * 300 + "</p>"}
		).insert()  # fmt: skip
		docs["Customer Note"] = [note.name]
		touch = frappe.get_doc(
			{"doctype": "Customer Interaction", "customer": c, "interaction_type": "showroom visit",
			 "summary": WEIRD, "outcome": "Interested", "contact": contact.name}
		).insert()  # fmt: skip
		plain = frappe.get_doc(
			{"doctype": "Customer Interaction", "customer": c, "interaction_type": "call", "summary": "Hi"}
		).insert()  # fmt: skip
		docs["Customer Interaction"] = [touch.name, plain.name]

		if frappe.db.table_exists("Appointment"):
			appointment = frappe.get_doc(
				{"doctype": "Appointment", "appointment_with": "Customer", "party": c,
				 "scheduled_time": now_datetime(), "customer_name": "", "customer_email": "a@example.com",
				 "status": "Open"}
			)  # fmt: skip
			appointment.db_insert()  # its controller books calendar events and mails the customer
			docs["Appointment"] = [appointment.name]

		# Money that is not an invoice: journal receipts/refunds/write-offs, till sales, reminders, points.
		docs.update(money_docs.money_documents(c, other))
		# First contact: a converted Lead's history, calendar events, calls, the customer's own milestones.
		for doctype, names in first_contact_docs.parity_documents(c).items():
			docs.setdefault(doctype, []).extend(names)
		# Service, installed base and commitments: serial numbers, installations, maintenance, claims, contracts...
		docs.update(service_docs.parity_documents(c))

	def test_every_builtin_source_has_a_set_based_path(self):
		for path in BUILTIN_SOURCES:
			source = frappe.get_attr(path)
			if not frappe.db.table_exists(source.doctype):
				continue
			self.assertTrue(source.sql_events, source.doctype)
			self.assertIn(source.doctype, self.docs, "no parity documents for " + source.doctype)

	def test_set_based_rows_equal_python_rows(self):
		for source in store.get_sources():
			if not source.sql_events:
				continue  # another app's source: backfilled through its Python mapper
			names = self.docs[source.doctype]
			with self.subTest(source=source.doctype):
				python_events, by_python, by_sql = _index_both_ways(source, names)
				# Every document produced something, so the comparison is not vacuous.
				self.assertEqual({e.source_name for e in python_events}, set(names))
				self.assertEqual(sorted(by_sql), sorted(by_python))
				for name, row in by_python.items():
					self.assertEqual(_comparable(by_sql[name]), _comparable(row), name)

	def test_the_cases_the_mappers_distinguish_are_present(self):
		kinds = set()
		for source in store.get_sources():
			_, by_python, _ = _index_both_ways(source, self.docs[source.doctype])
			kinds |= {(r["kind"], r["cancelled"]) for r in by_python.values()}
		for expected in [
			("invoice_submitted", 1), ("invoice_cancelled", 1), ("credit_note", 0), ("refund_issued", 0),
			("payment_cancelled", 1), ("order_cancelled", 1), ("quotation_lost", 0), ("issue_closed", 0),
			("email_sent", 0), ("message_received", 0), ("task_done", 0), ("task_created", 1),
			("journal_receipt", 0), ("journal_refund", 0), ("write_off", 0), ("journal_entry", 0),
			("journal_cancelled", 1), ("pos_sale", 0), ("pos_return", 1), ("dunning_sent", 0),
			("points_earned", 0), ("points_redeemed", 0),
			("serial_delivered", 0), ("amc_expires", 0), ("installation_cancelled", 1),
			("maintenance_schedule_cancelled", 1), ("maintenance_visit_cancelled", 1), ("claim_closed", 0),
			("claim_opened", 1), ("contract_cancelled", 1), ("subscription_renewed", 0),
			("subscription_cancelled", 1), ("subscription_invoice_due", 0), ("project_completed", 0),
			("project_cancelled", 1), ("project_task_completed", 0), ("project_task_created", 1),
			("blanket_order_cancelled", 1),
		]:  # fmt: skip
			self.assertIn(expected, kinds)

	def test_shared_contact_email_reaches_both_customers(self):
		source = store.get_source("Communication")
		shared = self.docs["Communication"][3]
		_, _, by_sql = _index_both_ways(source, [shared])
		self.assertEqual({r["customer"] for r in by_sql.values()}, {self.customer, self.other})

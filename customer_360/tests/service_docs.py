"""Service, installed base and commitment documents for the source tests, made through ERPNext's own APIs:
a serial-numbered delivery (stock received, delivered with serial numbers) with an installation note, a
maintenance schedule and visit, warranty claims, a contract, a subscription, a project with tasks and a
blanket order.
"""

from __future__ import annotations

import frappe
from frappe.utils import add_days, add_to_date, now_datetime, nowdate, random_string

from customer_360.tests import erp

WARRANTY_DAYS = 365


def serial_item() -> str:
	"""A stock item with serial numbers and a one-year warranty (ERPNext dates the warranty from delivery)."""
	code = "C360-SERIAL"
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": "C360 Serial Pump",
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}) or "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 1,
				"has_serial_no": 1,
				"warranty_period": WARRANTY_DAYS,
			}
		).insert(ignore_permissions=True)
	return code


def warehouse(company: str | None = None) -> str:
	company = company or erp.company()
	return frappe.db.get_value(
		"Warehouse", {"company": company, "is_group": 0, "warehouse_name": "Stores"}
	) or (frappe.db.get_value("Warehouse", {"company": company, "is_group": 0}))


def serials_in_stock(count: int = 2, company: str | None = None) -> list[str]:
	"""New serial numbers received into a warehouse by a Material Receipt."""
	company = company or erp.company()
	serials = [f"C360SN-{random_string(8).upper()}" for _ in range(count)]
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"purpose": "Material Receipt",
			"company": company,
			"items": [
				{
					"item_code": serial_item(),
					"qty": count,
					"t_warehouse": warehouse(company),
					"basic_rate": 100,
					"use_serial_batch_fields": 1,
					"serial_no": "\n".join(serials),
				}
			],
		}
	)
	entry.insert(ignore_permissions=True)
	entry.submit()
	return serials


def serial_delivery(customer: str, serials: list[str], company: str | None = None):
	"""A Delivery Note of these serial numbers (ERPNext then sets their customer and warranty)."""
	company = company or erp.company()
	doc = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"customer": customer,
			"company": company,
			"posting_date": nowdate(),
			"items": [
				{
					"item_code": serial_item(),
					"qty": len(serials),
					"rate": 400,
					"warehouse": warehouse(company),
					"use_serial_batch_fields": 1,
					"serial_no": "\n".join(serials),
				}
			],
		}
	).insert(ignore_permissions=True)
	doc.submit()
	return doc


def installation_note(delivery_name: str):
	from erpnext.stock.doctype.delivery_note.delivery_note import make_installation_note

	doc = make_installation_note(delivery_name)
	doc.inst_date = nowdate()
	doc.remarks = "Mounted and  tested\non site"
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


def sales_person() -> str:
	name = "C360 Service Engineer"
	if not frappe.db.exists("Sales Person", name):
		frappe.get_doc(
			{
				"doctype": "Sales Person",
				"sales_person_name": name,
				"parent_sales_person": frappe.db.get_value("Sales Person", {"is_group": 1}) or "Sales Team",
			}
		).insert(ignore_permissions=True)
	return name


def maintenance_schedule(customer: str, visits: int = 3):
	doc = frappe.get_doc(
		{
			"doctype": "Maintenance Schedule",
			"customer": customer,
			"company": erp.company(),
			"transaction_date": nowdate(),
			"items": [
				{
					"item_code": erp.item(),
					"start_date": nowdate(),
					"end_date": add_days(nowdate(), 30 * visits),
					"periodicity": "Monthly",
					"no_of_visits": visits,
					"sales_person": sales_person(),
				}
			],
		}
	)
	doc.insert(ignore_permissions=True)
	doc.generate_schedule()
	doc.save(ignore_permissions=True)
	doc.submit()
	return doc


def maintenance_visit(schedule_name: str):
	from erpnext.maintenance.doctype.maintenance_schedule.maintenance_schedule import make_maintenance_visit

	doc = make_maintenance_visit(schedule_name)
	doc.mntc_date = nowdate()
	doc.completion_status = "Fully Completed"
	doc.customer_feedback = "Runs quietly"
	for purpose in doc.purposes[1:]:
		doc.remove(purpose)
	doc.purposes[0].work_done = "Serviced"
	doc.purposes[0].service_person = sales_person()
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


def warranty_claim(customer: str, serial_no: str | None = None, status: str = "Open", complaint_date=None):
	doc = frappe.get_doc(
		{
			"doctype": "Warranty Claim",
			"customer": customer,
			"company": erp.company(),
			"complaint_date": complaint_date or nowdate(),
			"complaint": "<p>Leaks <b>water</b></p>",
			"serial_no": serial_no,
			"item_code": serial_item() if serial_no else None,
			"status": "Open",
		}
	).insert(ignore_permissions=True)
	if status != "Open":
		doc.status = status
		if status == "Closed":
			doc.resolution_date = frappe.utils.now_datetime()
			doc.resolution_details = "Replaced the seal"
		doc.save(ignore_permissions=True)
	return doc


def contract(customer: str, signed: bool = True, submit: bool = True, signed_on=None):
	"""signed_on: when the customer signed (ERPNext's portal records it; a contract marked signed by hand has none)."""
	doc = frappe.get_doc(
		{
			"doctype": "Contract",
			"party_type": "Customer",
			"party_name": customer,
			"contract_terms": "<p>Service level: next business day</p>",
			"start_date": nowdate(),
			"end_date": add_days(nowdate(), 20),
			"is_signed": 1 if signed else 0,
			"signee": "Dana Buyer" if signed else None,
			"signed_on": signed_on,
		}
	).insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def subscription_plan(cost: float = 120) -> str:
	name = f"C360 Plan {int(cost)}"
	if not frappe.db.exists("Subscription Plan", name):
		frappe.get_doc(
			{
				"doctype": "Subscription Plan",
				"plan_name": name,
				"item": erp.item(),
				"currency": frappe.db.get_value("Company", erp.company(), "default_currency"),
				"price_determination": "Fixed Rate",
				"cost": cost,
				"billing_interval": "Month",
				"billing_interval_count": 1,
			}
		).insert(ignore_permissions=True)
	return name


def subscription(customer: str, qty: int = 2, start=None):
	return frappe.get_doc(
		{
			"doctype": "Subscription",
			"party_type": "Customer",
			"party": customer,
			"company": erp.company(),
			"start_date": start or nowdate(),
			"generate_invoice_at": "End of the current subscription period",
			"plans": [{"plan": subscription_plan(), "qty": qty}],
		}
	).insert(ignore_permissions=True)


def project(customer: str, status: str = "Open"):
	doc = frappe.get_doc(
		{
			"doctype": "Project",
			"project_name": f"C360 Fit-out {random_string(5)}",
			"customer": customer,
			"company": erp.company(),
			"expected_start_date": nowdate(),
			"expected_end_date": add_days(nowdate(), 60),
		}
	).insert(ignore_permissions=True)
	if status != "Open":
		doc.status = status
		doc.save(ignore_permissions=True)
	return doc


def task(project_name: str, subject: str = "Site survey", status: str = "Open"):
	doc = frappe.get_doc(
		{
			"doctype": "Task",
			"subject": subject,
			"project": project_name,
			"exp_start_date": nowdate(),
			"exp_end_date": add_days(nowdate(), 5),
		}
	).insert(ignore_permissions=True)
	if status != "Open":
		doc.status = status
		doc.save(ignore_permissions=True)
	return doc


def blanket_order(customer: str, rate: float = 50, qty: float = 10, cancel: bool = False):
	doc = frappe.get_doc(
		{
			"doctype": "Blanket Order",
			"blanket_order_type": "Selling",
			"customer": customer,
			"company": erp.company(),
			"from_date": nowdate(),
			"to_date": add_days(nowdate(), 365),
			"order_no": f"PO-{random_string(4)}",
			"items": [{"item_code": erp.item(), "qty": qty, "rate": rate}],
		}
	).insert(ignore_permissions=True)
	doc.submit()
	if cancel:
		doc.cancel()
	return doc


def parity_documents(customer: str) -> dict[str, list[str]]:
	"""Documents of every service and commitment source in every state its mapper distinguishes, for the
	set-based parity test (customer_360/tests/test_set_based.py). Some states ERPNext reaches only over time
	(a renewed or cancelled subscription, an AMC end date, a serial delivered without warranty) are set on the
	row directly, as ERPNext's scheduler would."""
	docs: dict[str, list[str]] = {}
	serials = serials_in_stock(3)
	delivery = serial_delivery(customer, serials)
	first, no_warranty, under_amc = serials
	frappe.db.set_value("Serial No", no_warranty, {"warranty_period": 0})
	frappe.db.set_value("Serial No", under_amc, {"amc_expiry_date": add_days(nowdate(), 400)})
	docs["Serial No"] = serials

	installed = installation_note(delivery.name)
	withdrawn = installation_note(serial_delivery(customer, serials_in_stock(1)).name)
	withdrawn.cancel()
	docs["Installation Note"] = [installed.name, withdrawn.name]

	schedule = maintenance_schedule(customer)
	dropped = maintenance_schedule(customer, visits=2)
	dropped.cancel()
	docs["Maintenance Schedule"] = [schedule.name, dropped.name]
	visit = maintenance_visit(schedule.name)
	undone = maintenance_visit(schedule.name)
	undone.cancel()
	docs["Maintenance Visit"] = [visit.name, undone.name]

	claims = [
		warranty_claim(customer, first),
		warranty_claim(customer, status="Closed"),
		warranty_claim(customer, status="Cancelled"),
	]
	frappe.db.set_value("Warranty Claim", claims[1].name, "item_name", "  Pump\n  housing ")
	docs["Warranty Claim"] = [c.name for c in claims]

	signed = contract(customer, signed_on=add_to_date(now_datetime(), hours=-2))
	unsigned, cancelled = contract(customer, signed=False), contract(customer)
	cancelled.cancel()
	docs["Contract"] = [signed.name, unsigned.name, cancelled.name]

	active = subscription(customer)
	renewed = subscription(customer, qty=1, start=add_days(nowdate(), -40))
	frappe.db.set_value(
		"Subscription",
		renewed.name,
		{
			"current_invoice_start": add_days(nowdate(), -9),
			"current_invoice_end": add_days(nowdate(), 20),
			"end_date": add_days(nowdate(), 300),
		},
	)
	ended = subscription(customer)
	frappe.db.set_value(
		"Subscription",
		ended.name,
		{
			"status": "Cancelled",
			"cancelation_date": nowdate(),
			"generate_invoice_at": "Days before the current subscription period",
			"number_of_days": 3,
		},
	)
	ahead = subscription(customer)
	frappe.db.set_value(
		"Subscription",
		ahead.name,
		{"generate_invoice_at": "Days before the current subscription period", "number_of_days": 3},
	)
	docs["Subscription"] = [active.name, renewed.name, ended.name, ahead.name]

	open_, done, dropped_project = (
		project(customer),
		project(customer, "Completed"),
		project(customer, "Cancelled"),
	)
	docs["Project"] = [open_.name, done.name, dropped_project.name]
	tasks = [
		task(open_.name, "Survey  the\tsite"),
		task(open_.name, "Install", "Completed"),
		task(done.name, "Dropped", "Cancelled"),
	]
	frappe.db.set_value("Task", tasks[2].name, "subject", "")  # mandatory in the form, not in data
	docs["Task"] = [t.name for t in tasks]

	docs["Blanket Order"] = [blanket_order(customer).name, blanket_order(customer, cancel=True).name]
	return docs

"""seed-scale for the sources beyond invoices and payments: per customer a realistic mix of journal receipts,
warranty claims, maintenance visits, contracts, projects with tasks, the Lead it was converted from (with
comments, to-dos and emails on the Lead), calendar events with the customer as a participant and call logs.

Rows go straight into ERPNext's tables with multi-row inserts (ledger_clone.insert_rows), like the rest of the
generator: only the columns the sources (customer_360/sources/) read, plus what ERPNext's own lists need to show
them. The journal entries are timeline data, not accounting: they post no GL entries, so they do not move the
receivables the money panel reads from the Payment Ledger.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import frappe
from frappe.utils import getdate, nowdate, random_string

from customer_360.devtools.seed.ledger_clone import insert_rows

# Documents of each kind for one portfolio customer (a mean: each customer draws around it); the whale gets
# `whale_scale` times as many.
PER_CUSTOMER = {
	"journal": 2.0,
	"claim": 0.6,
	"visit": 0.8,
	"contract": 0.4,
	"project": 0.3,
	"lead_note": 1.5,
	"event": 1.2,
	"call": 2.0,
}
TASKS_PER_PROJECT = 4
DAYS = 3 * 365
ADMIN = "Administrator"


class _Run:
	def __init__(self, company: str, item: str | None, rnd: random.Random):
		self.rnd, self.company, self.item = rnd, company, item
		self.tag = random_string(5).upper()
		self.today = getdate(nowdate())
		self.tables: dict[str, list[dict]] = {}
		self.seq = 0
		currency, receivable, write_off = frappe.db.get_value(
			"Company", company, ["default_currency", "default_receivable_account", "write_off_account"]
		)
		self.currency, self.receivable = currency, receivable
		self.write_off = write_off or frappe.db.get_value(
			"Account", {"company": company, "root_type": "Expense", "is_group": 0}
		)
		self.bank = frappe.db.get_value(
			"Account", {"company": company, "account_type": ("in", ("Bank", "Cash")), "is_group": 0}
		)
		self.task_lft = int(frappe.db.sql("select coalesce(max(rgt), 0) from `tabTask`")[0][0]) + 1
		self.leads: list[tuple[str, str]] = []  # (customer, lead)

	def name(self, kind: str) -> str:
		self.seq += 1
		return f"C360S-{self.tag}-{kind}-{self.seq:07d}"

	def when(self) -> datetime:
		day = self.today - timedelta(days=self.rnd.randint(1, DAYS))
		return datetime.combine(day, time(self.rnd.randint(8, 17), self.rnd.randint(0, 59)))

	def count(self, mean: float) -> int:
		"""A draw around `mean` (0 .. 2 x mean), so customers differ."""
		drawn = mean * self.rnd.uniform(0, 2)
		return int(drawn) + (self.rnd.random() < drawn % 1)

	def add(self, table: str, at: datetime, **row) -> dict:
		meta = {"creation": at, "modified": at, "owner": ADMIN, "modified_by": ADMIN, "docstatus": 0}
		full = {**meta, **row}
		self.tables.setdefault(table, []).append(full)
		return full

	def child(self, table: str, parent: dict, parenttype: str, field: str, idx: int, **row) -> None:
		self.add(
			table,
			parent["creation"],
			name=f"{parent['name']}-{idx}",
			parent=parent["name"],
			parenttype=parenttype,
			parentfield=field,
			idx=idx,
			docstatus=parent["docstatus"],
			**row,
		)


def seed_sources(
	customers: list[str], whale: str, whale_scale: int, company: str, item: str | None, seed: int
) -> dict:
	"""Insert the mix for `customers` (once each) and `whale` (whale_scale times); returns rows per doctype."""
	run = _Run(company, item, random.Random(seed))
	for customer in customers:
		_customer_docs(run, customer, 1)
	_customer_docs(run, whale, whale_scale)
	_convert_leads(run)
	for table, rows in run.tables.items():
		insert_rows(table, rows)
	return {t: len(rows) for t, rows in run.tables.items()}


def _customer_docs(run: _Run, customer: str, scale: int) -> None:
	n = {k: run.count(v * scale) for k, v in PER_CUSTOMER.items()}
	_lead(run, customer, n.pop("lead_note"))
	for kind, many in n.items():
		for _ in range(many):
			MAKERS[kind](run, customer)


def _journal(run: _Run, customer: str) -> None:
	"""Mostly receipts (bank debited, customer credited); some refunds and write-offs."""
	at = run.when()
	roll = run.rnd.random()
	kind = "receipt" if roll < 0.8 else "refund" if roll < 0.9 else "write_off"
	amount = float(run.rnd.randint(50, 3000))
	other = run.write_off if kind == "write_off" else run.bank
	doc = run.add(
		"Journal Entry",
		at,
		name=run.name("JV"),
		docstatus=1,
		title=customer,
		voucher_type="Write Off Entry" if kind == "write_off" else "Bank Entry",
		company=run.company,
		posting_date=at.date(),
		cheque_no=random_string(8) if kind != "write_off" else None,
		cheque_date=at.date() if kind != "write_off" else None,
		total_debit=amount,
		total_credit=amount,
		total_amount=amount,
		total_amount_currency=run.currency,
		is_opening="No",
	)
	# the customer's line is credited unless it is a refund (money back to the customer)
	customer_credit = kind != "refund"
	lines = (
		dict(account=run.receivable, account_type="Receivable", party_type="Customer", party=customer),
		dict(
			account=other, account_type="Bank" if kind != "write_off" else None, party_type=None, party=None
		),
	)
	for idx, line in enumerate(lines, start=1):
		credit = amount if (idx == 1) == customer_credit else 0.0
		debit = amount - credit
		run.child(
			"Journal Entry Account",
			doc,
			"Journal Entry",
			"accounts",
			idx,
			account_currency=run.currency,
			exchange_rate=1,
			debit=debit,
			debit_in_account_currency=debit,
			credit=credit,
			credit_in_account_currency=credit,
			is_advance="No",
			**line,
		)


def _claim(run: _Run, customer: str) -> None:
	at = run.when()
	status = run.rnd.choice(("Open", "Closed", "Closed", "Work In Progress", "Cancelled"))
	closed = status == "Closed"
	run.add(
		"Warranty Claim",
		at,
		name=run.name("WC"),
		status=status,
		complaint_date=at.date(),
		customer=customer,
		customer_name=customer,
		complaint="Stopped working after an update",
		item_code=run.item,
		item_name="Scale Service" if run.item else None,
		warranty_amc_status=run.rnd.choice(("Under Warranty", "Out of Warranty", "Under AMC")),
		resolution_date=at + timedelta(days=run.rnd.randint(1, 20)) if closed else None,
		resolved_by=ADMIN if closed else None,
		resolution_details="Replaced the unit" if closed else None,
		company=run.company,
	)


def _visit(run: _Run, customer: str) -> None:
	at = run.when()
	run.add(
		"Maintenance Visit",
		at,
		name=run.name("MV"),
		docstatus=1,
		status="Submitted",
		customer=customer,
		customer_name=customer,
		mntc_date=at.date(),
		mntc_time=at.time(),
		completion_status=run.rnd.choice(("Fully Completed", "Partially Completed")),
		maintenance_type=run.rnd.choice(("Scheduled", "Unscheduled", "Breakdown")),
		customer_feedback=run.rnd.choice((None, "Happy with the fix", "Took too long")),
		company=run.company,
	)


def _contract(run: _Run, customer: str) -> None:
	at = run.when()
	start = at.date()
	signed = run.rnd.random() < 0.8
	end = start + timedelta(days=run.rnd.choice((180, 365, 730)))
	run.add(
		"Contract",
		at,
		name=run.name("CT"),
		docstatus=1 if signed else 0,
		party_type="Customer",
		party_name=customer,
		party_full_name=customer,
		is_signed=int(signed),
		signed_on=at if signed else None,
		signee="Buyer" if signed else None,
		status="Active" if end >= run.today else "Inactive",
		start_date=start,
		end_date=end,
		contract_terms="<p>Service terms</p>",
	)


def _project(run: _Run, customer: str) -> None:
	at = run.when()
	start = at.date()
	status = run.rnd.choice(("Open", "Open", "Completed", "Cancelled"))
	project = run.add(
		"Project",
		at,
		name=run.name("PROJ"),
		project_name=f"Rollout {run.tag} {run.seq}",
		status=status,
		is_active="Yes" if status == "Open" else "No",
		expected_start_date=start,
		expected_end_date=start + timedelta(days=run.rnd.randint(30, 180)),
		customer=customer,
		company=run.company,
	)
	for i in range(run.count(TASKS_PER_PROJECT)):
		created = at + timedelta(days=i)
		done = status == "Completed" or run.rnd.random() < 0.5
		run.add(
			"Task",
			created,
			name=run.name("TASK"),
			subject=f"Step {i + 1} of {project['project_name']}",
			project=project["name"],
			status="Completed" if done else "Cancelled" if status == "Cancelled" else "Open",
			priority=run.rnd.choice(("Low", "Medium", "High")),
			exp_end_date=created.date() + timedelta(days=14),
			completed_by=ADMIN if done else None,
			completed_on=(created + timedelta(days=10)).date() if done else None,
			is_group=0,
			is_template=0,
			company=run.company,
			lft=run.task_lft,
			rgt=run.task_lft + 1,
		)
		run.task_lft += 2


def _lead(run: _Run, customer: str, notes: int) -> None:
	"""The Lead the customer was converted from, with its history: comments, to-dos and an email or two."""
	at = datetime.combine(run.today - timedelta(days=DAYS + run.rnd.randint(1, 60)), time(10))
	lead = run.name("LEAD")
	run.add(
		"Lead",
		at,
		name=lead,
		owner="Guest" if run.rnd.random() < 0.3 else ADMIN,  # a web-form lead is owned by Guest
		first_name=f"Buyer {run.seq}",
		lead_name=f"Buyer {run.seq}",
		company_name=customer,
		email_id=f"buyer{run.seq}@{run.tag.lower()}.example.com",
		status="Converted",
		company=run.company,
	)
	run.leads.append((customer, lead))
	for i in range(notes):
		when = at + timedelta(days=run.rnd.randint(1, 60), minutes=i)  # before the conversion
		kind = i % 3
		if kind == 0:
			run.add(
				"Comment",
				when,
				name=run.name("CMT"),
				comment_type="Comment",
				reference_doctype="Lead",
				reference_name=lead,
				content=f"<p>Discovery call {i}: needs a quote</p>",
				comment_email=ADMIN,
				comment_by=ADMIN,
			)
		elif kind == 1:
			run.add(
				"ToDo",
				when,
				name=run.name("TODO"),
				status="Closed",
				priority="Medium",
				description=f"Send the brochure ({i})",
				reference_type="Lead",
				reference_name=lead,
				allocated_to=ADMIN,
				date=when.date(),
			)
		else:
			run.add(
				"Communication",
				when,
				name=run.name("COMM"),
				communication_type="Communication",
				communication_medium="Email",
				sent_or_received="Received",
				subject=f"Pricing question {i}",
				sender=f"buyer{run.seq}@example.com",
				communication_date=when,
				reference_doctype="Lead",
				reference_name=lead,
				content="<p>Could you send your prices?</p>",
			)


def _convert_leads(run: _Run) -> None:
	"""ERPNext's conversion: Customer.lead_name names the Lead (a CASE update per chunk, not one per row)."""
	for start in range(0, len(run.leads), 500):
		part = run.leads[start : start + 500]
		cases = " ".join(["when %s then %s"] * len(part))
		frappe.db.sql(
			f"update `tabCustomer` set lead_name = case name {cases} end"
			f" where name in ({', '.join(['%s'] * len(part))})",
			[v for pair in part for v in pair] + [c for c, _ in part],
		)


def _event(run: _Run, customer: str) -> None:
	at = run.when()
	category = run.rnd.choice(("Meeting", "Call", "Event"))
	event = run.add(
		"Event",
		at,
		name=run.name("EV"),
		subject=f"Quarterly review {run.seq}",
		event_category=category,
		event_type="Public",
		starts_on=at,
		ends_on=at + timedelta(hours=1),
		status="Completed" if at.date() < run.today else "Open",
		location=run.rnd.choice((None, "Customer site", "Video call")),
	)
	run.child(
		"Event Participants",
		event,
		"Event",
		"event_participants",
		1,
		reference_doctype="Customer",
		reference_docname=customer,
	)


def _call(run: _Run, customer: str) -> None:
	at = run.when()
	outgoing = run.rnd.random() < 0.5
	status = run.rnd.choice(("Completed", "Completed", "Completed", "No Answer", "Busy"))
	number = f"+1555{run.rnd.randint(1000000, 9999999)}"
	name = run.name("CALL")
	run.add(
		"Call Log",
		at,
		name=name,
		id=name,
		**{"from": "+15550000000" if outgoing else number, "to": number if outgoing else "+15550000000"},
		type="Outgoing" if outgoing else "Incoming",
		status=status,
		start_time=at,
		end_time=at + timedelta(minutes=5),
		duration=300 if status == "Completed" else 0,
		customer=customer,
		employee_user_id=ADMIN,
		summary="Asked about the renewal" if status == "Completed" else None,
	)


MAKERS = {
	"journal": _journal,
	"claim": _claim,
	"visit": _visit,
	"contract": _contract,
	"project": _project,
	"event": _event,
	"call": _call,
}

"""The ledger (customer_360.ledger, api/ledger.py): paging over a customer's whole history agrees with
ERPNext's Accounts Receivable report and General Ledger; the running balance continues across pages through the
cursor; dues are computed over every open invoice; finance capability only."""

import itertools

import frappe
from frappe.utils import add_days, flt, nowdate

from customer_360.api.ledger import get_dues, get_ledger
from customer_360.devtools.perf.money import ar_report_rows
from customer_360.tests import erp, money_docs
from customer_360.tests.utils import C360TestCase, make_customer, make_user


def all_pages(customer, limit=4, **filters):
	rows, cursor, pages = [], None, 0
	while True:
		page = get_ledger(customer, cursor=cursor, limit=limit, **filters)
		rows.extend(page["rows"])
		pages += 1
		cursor = page["next_cursor"]
		if not cursor:
			return rows, pages, page


class TestLedger(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		c = cls.customer = make_customer()
		cls.company = erp.company()
		old = add_days(nowdate(), -200)
		# 12 overdue invoices: more than the money panel's list of 10, all counted in the dues.
		cls.overdue = [erp.sales_invoice(c, rate=100 + i, posting_date=add_days(old, i)) for i in range(12)]
		cls.soon = erp.sales_invoice(c, rate=70, posting_date=add_days(nowdate(), -25))  # due in 5 days
		paid = erp.sales_invoice(c, rate=300, posting_date=add_days(old, -10))
		erp.payment_for("Sales Invoice", paid.name)
		cls.paid = paid
		erp.payment_for("Sales Invoice", cls.overdue[0].name, 40)  # part-paid
		erp.credit_note(cls.overdue[1].name)
		cls.receipt = money_docs.journal_entry(c, 55, "receipt")
		cls.write_off = money_docs.journal_entry(c, 3, "write_off")
		cls.refund = money_docs.journal_entry(c, 8, "refund")
		frappe.db.commit()

	def test_pages_add_up_to_erpnext_ar_report_and_general_ledger(self):
		rows, pages, _last = all_pages(self.customer, limit=4)
		gl = frappe.db.sql(
			"""select count(*), sum(debit_in_account_currency - credit_in_account_currency) from `tabGL Entry`
			where party_type = 'Customer' and party = %s and is_cancelled = 0""",
			self.customer,
		)[0]
		self.assertEqual(len(rows), gl[0])
		self.assertGreater(pages, 4)
		self.assertEqual(len({r["name"] for r in rows}), len(rows), "a row on two pages")
		total = flt(sum(r["debit"] - r["credit"] for r in rows), 2)
		self.assertEqual(total, flt(gl[1], 2))
		ar_total = flt(sum(flt(r.get("outstanding")) for r in ar_report_rows(self.customer, self.company)), 2)
		self.assertEqual(total, ar_total)
		# Newest first, and the running balance continues across pages: the first row shows the closing balance,
		# each next row the balance before the row above it, and the last row's opening is zero.
		keys = [(r["posting_date"], r["name"]) for r in rows]
		self.assertEqual(keys, sorted(keys, reverse=True))
		self.assertEqual(flt(rows[0]["balance"], 2), total)
		for above, below in itertools.pairwise(rows):
			self.assertAlmostEqual(below["balance"], above["balance"] - (above["debit"] - above["credit"]), 2)
		self.assertAlmostEqual(rows[-1]["balance"] - (rows[-1]["debit"] - rows[-1]["credit"]), 0, 2)

	def test_kinds_of_rows(self):
		rows, _, _ = all_pages(self.customer, limit=200)
		by_voucher = {r["voucher_no"]: r["kind"] for r in rows}
		self.assertEqual(by_voucher[self.receipt.name], "journal_receipt")
		self.assertEqual(by_voucher[self.write_off.name], "write_off")
		self.assertEqual(by_voucher[self.refund.name], "journal_refund")
		self.assertEqual(by_voucher[self.paid.name], "invoice")
		self.assertIn("credit_note", by_voucher.values())
		self.assertIn("payment", by_voucher.values())

	def test_status_and_amount_filters(self):
		overdue, _, page = all_pages(self.customer, limit=5, status="overdue")
		self.assertFalse(page["running_balance"])
		self.assertTrue(all(r["balance"] is None for r in overdue))
		names = {r["voucher_no"] for r in overdue}
		self.assertEqual(names, {i.name for i in self.overdue})
		paid, _, _ = all_pages(self.customer, status="paid")
		self.assertIn(self.paid.name, {r["voucher_no"] for r in paid})
		self.assertTrue(all(r["status"] == "paid" for r in paid))
		big, _, _ = all_pages(self.customer, min_amount=250, max_amount=400)
		self.assertTrue(big and all(250 <= abs(r["debit"] - r["credit"]) <= 400 for r in big))

	def test_date_range_keeps_the_balance_at_its_end(self):
		to = add_days(nowdate(), -100)
		rows, _, page = all_pages(self.customer, to_date=to, limit=3)
		self.assertTrue(page["running_balance"])
		self.assertTrue(all(r["posting_date"] <= to for r in rows))
		self.assertAlmostEqual(rows[-1]["balance"] - (rows[-1]["debit"] - rows[-1]["credit"]), 0, 2)

	def test_dues_cover_every_open_invoice(self):
		self.assertNotIn(
			"dues", get_ledger(self.customer)
		)  # a page is a keyset read; the dues are their own call
		dues = get_dues(self.customer)["dues"]
		self.assertEqual(dues["overdue_count"], 12)
		# The invoice due in 5 days, and the refund journal: due on its posting date, as ERPNext's AR report ages it.
		self.assertEqual(dues["due_soon_count"], 2)
		self.assertAlmostEqual(dues["due_soon_total"], 70 + 8, 2)
		open_overdue = sum(
			flt(frappe.db.get_value("Sales Invoice", i.name, "outstanding_amount")) for i in self.overdue
		)
		self.assertAlmostEqual(dues["overdue_total"], open_overdue, 2)
		self.assertGreater(dues["oldest_overdue_days"], 150)

	def test_money_panel_lists_what_falls_due_over_every_open_invoice(self):
		from customer_360.api.overview import get_money

		(figures,) = get_money(self.customer, company=self.company)["companies"]
		# More than the panel's 10 newest invoices: every open invoice due within 30 days or overdue.
		expected = {i.name for i in self.overdue} | {self.soon.name}
		self.assertEqual(figures["due_soon_count"], len(expected))
		self.assertEqual({r["name"] for r in figures["due_soon"]}, expected)
		dates = [r["due_date"] for r in figures["due_soon"]]
		self.assertEqual(dates, sorted(dates))

	def test_finance_capability_only(self):
		frappe.set_user(make_user(["Sales User"]))
		out = get_ledger(self.customer)
		self.assertTrue(out["masked"])
		self.assertIsNone(out["rows"])
		dues = get_dues(self.customer)
		self.assertTrue(dues["masked"])
		self.assertIsNone(dues["dues"])

	def test_statement_pdf_equals_the_ledger_for_its_range(self):
		import io

		from pypdf import PdfReader

		from customer_360 import statement
		from customer_360.api.ledger import download_statement

		start, end = add_days(nowdate(), -195), add_days(nowdate(), -1)
		rows, _, _ = all_pages(self.customer, limit=5, from_date=start, to_date=end)
		data = statement.statement(
			self.customer, self.company, frappe.utils.getdate(start), frappe.utils.getdate(end)
		)
		self.assertEqual(len(data["rows"]), len(rows))
		self.assertAlmostEqual(data["total_debit"], sum(r["debit"] for r in rows), 2)
		self.assertAlmostEqual(data["total_credit"], sum(r["credit"] for r in rows), 2)
		self.assertAlmostEqual(
			data["closing"], rows[0]["balance"], 2
		)  # the ledger's balance at the range's end
		self.assertGreater(data["opening"], 0)  # invoices before the range are part of the opening balance
		self.assertAlmostEqual(
			data["opening"], rows[-1]["balance"] - (rows[-1]["debit"] - rows[-1]["credit"]), 2
		)

		download_statement(self.customer, self.company, start, end)
		pdf = frappe.local.response.filecontent
		self.assertTrue(pdf.startswith(b"%PDF"))
		text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
		closing = " ".join(frappe.utils.fmt_money(data["closing"], currency=data["currency"]).split())
		self.assertIn(f"Closing balance {closing}", text)
		self.assertIn(self.overdue[-1].name, text)

	def test_statement_email_draft_sends_nothing(self):
		from customer_360.api.ledger import statement_email_draft

		queued = frappe.db.count("Email Queue")
		draft = statement_email_draft(self.customer, self.company, add_days(nowdate(), -30), nowdate())
		self.assertIn("Statement", draft["subject"])
		attached = frappe.get_doc("File", draft["attachment"]["name"])
		self.assertEqual((attached.attached_to_name, attached.is_private), (self.customer, 1))
		self.assertEqual(frappe.db.count("Email Queue"), queued)
		frappe.set_user(make_user(["Sales User"]))
		with self.assertRaises(frappe.PermissionError):
			statement_email_draft(self.customer, self.company, add_days(nowdate(), -30), nowdate())

	def test_bad_input_is_a_message(self):
		for kwargs in ({"cursor": "not-a-cursor"}, {"status": "<b>x</b>"}, {"min_amount": "lots"}):
			with self.assertRaises(frappe.ValidationError):
				get_ledger(self.customer, **kwargs)


def eur_receivable(company: str) -> str:
	"""A receivable account in EUR on a company keeping its books in another currency (as ERPNext's own
	multi-currency tests do with '_Test Receivable USD')."""
	abbr = frappe.get_cached_value("Company", company, "abbr")
	name = f"C360 Debtors EUR - {abbr}"
	if not frappe.db.exists("Account", name):
		parent = frappe.db.get_value(
			"Account",
			frappe.get_cached_value("Company", company, "default_receivable_account"),
			"parent_account",
		)
		frappe.get_doc(
			{"doctype": "Account", "account_name": "C360 Debtors EUR", "company": company, "parent_account": parent,
			 "account_type": "Receivable", "account_currency": "EUR"}
		).insert(ignore_permissions=True)  # fmt: skip
	return name


class TestTwoCurrencies(C360TestCase):
	"""A customer whose party account is in EUR on a company in another currency: both currencies shown, never
	added together."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.company = erp.company()
		cls.company_currency = frappe.get_cached_value("Company", cls.company, "default_currency")
		if cls.company_currency == "EUR":
			raise cls.skipTest(cls, "the test company keeps its books in EUR")
		frappe.db.set_value("Currency", "EUR", "enabled", 1)
		account = eur_receivable(cls.company)
		c = cls.customer = make_customer()
		customer = frappe.get_doc("Customer", c)
		customer.default_currency = "EUR"
		customer.append("accounts", {"company": cls.company, "account": account})
		customer.save(ignore_permissions=True)
		kw = {"currency": "EUR", "conversion_rate": 1.25, "debit_to": account, "plc_conversion_rate": 1}
		cls.overdue = erp.sales_invoice(c, rate=100, posting_date=add_days(nowdate(), -90), **kw)
		cls.recent = erp.sales_invoice(c, rate=40, **kw)
		frappe.db.commit()

	def test_money_panel_shows_both_currencies_without_a_mixed_sum(self):
		from customer_360.api.overview import get_money

		(figures,) = get_money(self.customer, company=self.company)["companies"]
		self.assertEqual(figures["currency"], self.company_currency)
		self.assertAlmostEqual(figures["outstanding"], 140 * 1.25, 2)  # company currency only
		(eur,) = figures["in_party_currency"]
		self.assertEqual(eur["currency"], "EUR")
		self.assertAlmostEqual(eur["outstanding"], 140, 2)
		self.assertAlmostEqual(eur["overdue"], 100, 2)

	def test_ledger_runs_in_the_party_account_currency(self):
		rows, _, page = all_pages(self.customer, limit=1, company=self.company)
		self.assertEqual({r["currency"] for r in rows}, {"EUR"})
		self.assertEqual(page["closing_balances"], None)  # only the first page carries them
		first = get_ledger(self.customer, company=self.company)
		self.assertEqual(first["closing_balances"], {"EUR": 140.0})
		self.assertAlmostEqual(first["rows"][0]["balance"], 140, 2)
		dues = get_dues(self.customer, company=self.company)["dues"]
		self.assertEqual(dues["currency"], self.company_currency)
		self.assertAlmostEqual(dues["overdue_total"], 125, 2)
		(eur,) = dues["in_party_currency"]
		self.assertEqual((eur["currency"], eur["overdue_total"], eur["overdue_count"]), ("EUR", 100, 1))

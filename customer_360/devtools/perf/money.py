"""The money panel against ERPNext's Accounts Receivable report: same customer, company and date, same run.

Both must agree (outstanding and every ageing bucket) or the figure is not printed as a success: a fast wrong
answer is no answer.
"""

from __future__ import annotations

import frappe
from frappe.utils import flt, nowdate

from customer_360.api.overview import get_money
from customer_360.devtools.perf.common import median_ms, ratio


def ar_report_rows(customer: str, company: str) -> list[dict]:
	from erpnext.accounts.report.accounts_receivable.accounts_receivable import execute

	filters = {
		"company": company,
		"report_date": nowdate(),
		"party_type": "Customer",
		"party": [customer],
		"ageing_based_on": "Due Date",
		"calculate_ageing_with": "Report Date",
		"range": "30, 60, 90, 120",
	}
	return [r for r in execute(filters)[1] if isinstance(r, dict)]


def money_benchmark(customer: str, company: str, runs: int = 5) -> dict:
	from customer_360.indexer.store import bump_version

	frappe.set_user("Administrator")

	def uncached():
		bump_version()  # the figures computed, as on a first visit after a change (customer_360.cache)
		get_money(customer, company=company)

	ours_ms = median_ms(uncached, runs)
	cached_ms = median_ms(lambda: get_money(customer, company=company), runs)
	report_ms = median_ms(lambda: ar_report_rows(customer, company), runs)
	ours = get_money(customer, company=company)["companies"][0]
	rows = ar_report_rows(customer, company)

	def total(field):
		return flt(sum(flt(r.get(field)) for r in rows), 2)

	theirs = {
		"outstanding": total("outstanding"),
		"0_30": total("range1"),
		"31_60": total("range2"),
		"61_90": total("range3"),
		"90_plus": flt(total("range4") + total("range5"), 2),
	}
	mine = {
		"outstanding": flt(ours["outstanding"], 2),
		**{k: flt(ours["ageing"][k], 2) for k in theirs if k != "outstanding"},
	}
	invoices = frappe.db.count("Sales Invoice", {"customer": customer, "company": company, "docstatus": 1})
	payments = frappe.db.count("Payment Entry", {"party": customer, "company": company, "docstatus": 1})
	return {
		"invoices": invoices,
		"payments": payments,
		"get_money_ms": ours_ms,
		"get_money_cached_ms": cached_ms,
		"ar_report_ms": report_ms,
		"ratio": ratio(ours_ms, report_ms),
		"same_totals": mine == theirs,
		"ours": mine,
		"report": theirs,
	}

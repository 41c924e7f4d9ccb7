"""Signals on one customer for the 360 page: lifetime value, repurchase rhythm, dormancy and VIP; and expansion
items, for the Expansion Signals report.

The page's signals are computed on demand from the facts families they read (a few indexed queries for one
customer). Expansion looks at other customers' baskets (on a whale, 0.4 s of reading invoice lines), which the
page does not show: it is the report's, capped (items, peers) and cached for a few hours.
"""

from __future__ import annotations

import frappe
from frappe.utils import add_days, getdate, nowdate

from customer_360 import cache
from customer_360.core import health
from customer_360.core.definitions import is_dormant, quiet_since
from customer_360.facts import revenue
from customer_360.risk_health import vip
from customer_360.risk_health.config import load_config
from customer_360.risk_health.facts import facts_for

EXPANSION_DAYS = 365  # baskets of the last year: what customers buy now
MAX_OWN_ITEMS = 200
MAX_PEERS = 500  # the most recent buyers of the customer's items; enough for shares, bounded on big sites
EXPANSION_CACHE_SECONDS = 6 * 3600
# Signals of a long history take a second or two to compute; the 360 opens often. A change to any indexed
# document (the index version) or a recompute of the customer forgets them.
SIGNALS_CACHE_SECONDS = 15 * 60
SIGNALS = "signals"  # the kind of entry in customer_360.cache
SIGNAL_KINDS = frozenset(("buying", "activity"))  # of risk_health.facts.KINDS: order dates, last activity


def signals(customer: str, today=None) -> dict:
	"""Unmasked, shared by every reader (customer_360.cache): the caller masks lifetime value for its reader."""
	today = getdate(today or nowdate())
	return cache.get_or_compute(
		SIGNALS, customer, [str(today)], lambda: _signals(customer, today), ttl=SIGNALS_CACHE_SECONDS
	)


def forget_signals(customer: str | None = None) -> None:
	cache.forget(SIGNALS, customer)


def _signals(customer: str, today) -> dict:
	config = load_config()
	# Only the families read below: the score's other facts (receivables, discounts...) are the nightly job's.
	cf, _rf, extras = facts_for([customer], today, config.thresholds, kinds=SIGNAL_KINDS)[customer]
	lifetime = revenue.lifetime_value([customer]).get(customer, 0.0)
	rhythm = health.repurchase_rhythm(cf.order_dates, today)
	last = quiet_since(cf.last_activity, extras["creation"])
	return {
		"lifetime_value": lifetime,
		"repurchase_rhythm": (
			{
				"text": rhythm.text,
				"median_interval_days": rhythm.median_interval_days,
				"days_since_last": rhythm.days_since_last,
				"orders": rhythm.orders,
				"late": rhythm.late,
			}
			if rhythm
			else None
		),
		"last_activity": str(last) if last else None,
		"dormant": is_dormant(last, today, config.dormant_days),
		"dormant_days": config.dormant_days,
		"orders_365": extras["orders_365"],
		"vip": customer
		in vip.vips([customer], config.vip, today, {customer: lifetime}, {customer: extras["orders_365"]}),
	}


def expansion(customer: str, today) -> list[dict]:
	key = f"customer_360:expansion:{customer}:{today}"
	# expires=True: from Redis, not Frappe's per-request copy, which remembers a first miss and so never sees
	# the value set just below (a process that opens several customers recomputed each one every time).
	cached = frappe.cache.get_value(key, expires=True)
	if cached is not None:
		return cached
	found = _expansion(customer, today)
	frappe.cache.set_value(key, found, expires_in_sec=EXPANSION_CACHE_SECONDS)
	return found


def _expansion(customer: str, today) -> list[dict]:
	since = add_days(today, -EXPANSION_DAYS)
	params = {"customer": customer, "since": since, "today": today}
	sold = """from `tabSales Invoice Item` sii
		join `tabSales Invoice` si on si.name = sii.parent and sii.parenttype = 'Sales Invoice'
		where si.docstatus = 1 and si.is_return = 0 and si.posting_date > %(since)s and si.posting_date <= %(today)s
			and ifnull(sii.item_code, '') != ''"""
	own = frappe.db.sql_list(
		f"select sii.item_code {sold} and si.customer = %(customer)s"
		f" group by sii.item_code order by max(si.posting_date) desc limit {MAX_OWN_ITEMS}",
		params,
	)
	if not own:
		return []
	peers = frappe.db.sql_list(
		f"select si.customer {sold} and sii.item_code in %(own)s and si.customer != %(customer)s"
		f" group by si.customer order by max(si.posting_date) desc limit {MAX_PEERS}",
		{**params, "own": own},
	)
	if not peers:
		return []
	baskets: dict[str, set[str]] = {}
	for peer, item in frappe.db.sql(
		f"select si.customer, sii.item_code {sold} and si.customer in %(peers)s group by si.customer, sii.item_code",
		{**params, "peers": peers},
	):
		baskets.setdefault(peer, set()).add(item)
	found = health.expansion_items(set(own), baskets)
	if not found:
		return []
	names = dict(
		frappe.get_all(
			"Item",
			filters={"name": ["in", [i for i, *_ in found]]},
			fields=["name", "item_name"],
			as_list=True,
		)
	)
	return [
		{"item_code": item, "item_name": names.get(item, item), "share": round(share, 3), "peers": n}
		for item, share, n in found
	]

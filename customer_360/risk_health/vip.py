"""The VIP rule with its relative part resolved: "the top N % of customers by 12-month net revenue" becomes the
revenue at that rank, computed over the whole site once a day (in the default company's currency, each
company's revenue converted with the site's exchange rates) and cached."""

from __future__ import annotations

from dataclasses import replace

import frappe
from frappe.utils import add_days, getdate

from customer_360.core import signals
from customer_360.core.signals import VipRule
from customer_360.facts import revenue

CACHE_KEY = "customer_360:vip_revenue_threshold"
CACHE_SECONDS = 6 * 3600


def currency() -> str:
	return revenue.default_currency()


def revenue_365(customers: list[str] | None, today) -> dict[str, float]:
	today = getdate(today)
	return revenue.net_billed_in(customers, add_days(today, -365), today, currency())


def resolved(rule: VipRule, today) -> VipRule:
	"""The rule with min_revenue_365 set from top_percent (unchanged without one)."""
	if not rule.top_percent:
		return rule
	key = f"{CACHE_KEY}:{getdate(today)}:{rule.top_percent}"
	cached = frappe.cache.get_value(key)
	if cached is None:
		threshold = signals.top_percent_threshold(revenue_365(None, today).values(), rule.top_percent)
		cached = {"threshold": threshold}
		frappe.cache.set_value(key, cached, expires_in_sec=CACHE_SECONDS)
	return replace(rule, min_revenue_365=cached["threshold"])


def vips(names: list[str], rule: VipRule, today, lifetime: dict, orders_365: dict) -> set[str]:
	"""Which of `names` are VIPs (lifetime and orders_365 given by the caller, who has them already)."""
	rule = resolved(rule, today)
	revenues = revenue_365(names, today) if rule.min_revenue_365 is not None else {}
	return {
		n for n in names if signals.is_vip(lifetime.get(n, 0.0), orders_365.get(n), rule, revenues.get(n))
	}

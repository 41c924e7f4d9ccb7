"""Risk & Health settings, read from Customer 360 Settings and checked by the pure cores' own validators."""

from __future__ import annotations

import json
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import cint, flt

from customer_360.core import health, risk

SETTINGS = "Customer 360 Settings"
DEFAULT_DORMANT_DAYS = 90


@dataclass(frozen=True)
class Config:
	weights: dict
	bands: tuple
	thresholds: dict
	dormant_days: int
	vip: health.VipRule
	show_under_review_badge: bool


def load_config() -> Config:
	# Uncast: a field never saved is absent (a cast Int would read 0), so its default applies.
	raw = frappe.db.get_singles_dict(SETTINGS)
	return build_config(raw)


def build_config(raw) -> Config:
	try:
		weights = health.resolve_weights(_json(raw.get("health_weights"), "health_weights"))
		bands = health.validate_bands(
			(
				_int(raw.get("health_green_from"), health.DEFAULT_BANDS[0]),
				_int(raw.get("health_yellow_from"), health.DEFAULT_BANDS[1]),
			)
		)
		thresholds = risk.resolve_thresholds(_json(raw.get("risk_thresholds"), "risk_thresholds"))
	except ValueError as e:
		frappe.throw(_("Customer 360 Settings, Risk & Health: {0}").format(str(e)), frappe.ValidationError)
	min_value = flt(raw.get("vip_min_lifetime_value"))
	min_orders = cint(raw.get("vip_min_orders_365"))
	top_percent = min(flt(raw.get("vip_top_percent")), 100.0)
	return Config(
		weights=weights,
		bands=bands,
		thresholds=thresholds,
		dormant_days=_int(raw.get("dormant_days"), DEFAULT_DORMANT_DAYS) or DEFAULT_DORMANT_DAYS,
		# 0 means "no rule": a VIP threshold of 0 would make every customer a VIP.
		vip=health.VipRule(
			min_value if min_value > 0 else None,
			min_orders if min_orders > 0 else None,
			top_percent=top_percent if top_percent > 0 else None,
		),
		show_under_review_badge=bool(cint(raw.get("show_under_review_badge"))),
	)


def validate_settings(doc) -> None:
	"""For Customer360Settings.validate: a typo in weights or thresholds fails on save, not in the nightly job."""
	build_config(doc.as_dict())


def _json(value, fieldname: str) -> dict:
	if value in (None, ""):
		return {}
	data = json.loads(value) if isinstance(value, str) else value
	if not isinstance(data, dict):
		raise ValueError(f'{fieldname} must be a JSON object such as {{"payment": 30}}')
	return data


def _int(value, default: int) -> int:
	return default if value in (None, "") else cint(value)

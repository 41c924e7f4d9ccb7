"""What the core says, as a code + parameters, and the one function that turns it into a sentence. Pure Python.

Rules (risk flags, health factors and explanations, next steps) never write English with figures inside: they
return a `Message` (`{"code": "overdue_invoices", "params": {"count": 3, "days": 45, "owed": 12345.0,
"oldest": 80}}`). `render` writes the sentence for one reader, with the adapter's translate function (Frappe's
`_`) and the reader's capabilities: a finance figure (declared per code in `customer_360.core.wording`) is
dropped with its clause, or shown as MASK, for a reader without see_finance.

Stored records keep the code, the parameters a reader of the record may see (`split` puts the finance figures
apart, for a field nobody but the renderer reads) and, for list view / print / export, the sentence rendered
without finance figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from customer_360.core.wording import CATALOG, FACTOR_LABELS, FLAG_LABELS, LEGACY_TEXT, NOUNS, Wording

MASK = "•••"
MINUS = "\u2212"  # the real minus sign: a hyphen reads as a dash in a sentence
NESTED = "detail"  # a parameter that is itself a message (a factor's detail inside a general explanation)

Translate = Callable[[str], str]


def _same(text: str) -> str:
	return text


@dataclass(frozen=True)
class Message:
	code: str
	params: Mapping = field(default_factory=dict)

	def as_dict(self) -> dict:
		return {"code": self.code, "params": dict(self.params)}

	@classmethod
	def coerce(cls, value) -> Message | None:
		"""A Message from a Message, its dict, or a plain string (stored before codes: finance-only text)."""
		if value is None or isinstance(value, Message):
			return value
		if isinstance(value, str):
			return cls(LEGACY_TEXT, {"text": value}) if value else None
		if isinstance(value, Mapping) and value.get("code"):
			return cls(str(value["code"]), dict(value.get("params") or {}))
		return None


def finance_params(code: str) -> frozenset[str]:
	"""The parameters of `code` that are finance figures (what a reader without see_finance may not see)."""
	wording = CATALOG.get(code)
	return frozenset(wording.finance) if wording else frozenset()


def render(message, translate: Translate = _same, see_finance: bool = True) -> str:
	"""The sentence for one reader. A finance parameter missing from `message` (left in the figures store) is
	masked too, so a half-joined message never prints a wrong number."""
	message = Message.coerce(message)
	if message is None:
		return ""
	wording = CATALOG.get(message.code)
	if wording is None:
		return translate(message.code)
	params = message.params
	masked = not see_finance and bool(wording.finance)
	template = _template(wording, params, masked and wording.without_finance is not None)
	values = {k: _format(k, v, wording, masked, translate, see_finance) for k, v in params.items()}
	return translate(template).format_map(_Defaults(values, wording))


def split(message) -> tuple[dict | None, dict]:
	"""(the message without finance figures, the finance figures) — stored apart, joined by `join`."""
	message = Message.coerce(message)
	if message is None:
		return None, {}
	finance = finance_params(message.code)
	public, figures = {}, {}
	for key, value in message.params.items():
		if key in finance:
			figures[key] = value
		elif key == NESTED and isinstance(value, Mapping):
			inner, inner_figures = split(value)
			public[key] = inner
			if inner_figures:
				figures[key] = inner_figures
		else:
			public[key] = value
	return {"code": message.code, "params": public}, figures


def join(public, figures: Mapping | None) -> Message | None:
	"""The message with its finance figures back (None or {} figures: a reader without see_finance)."""
	message = Message.coerce(public)
	if message is None or not figures:
		return message
	params = dict(message.params)
	for key, value in figures.items():
		if key == NESTED and isinstance(params.get(key), Mapping):
			inner = join(params[key], value)
			params[key] = inner.as_dict() if inner else None
		else:
			params[key] = value
	return Message(message.code, params)


def render_all(messages, translate: Translate = _same, see_finance: bool = True) -> list[str]:
	return [render(m, translate, see_finance) for m in messages or ()]


# --- formatting ----------------------------------------------------------------------------------------------


class _Defaults(dict):
	"""format_map that never raises: a missing finance figure is masked, anything else shows '?'."""

	def __init__(self, values: dict, wording: Wording):
		super().__init__(values)
		self.wording = wording

	def __missing__(self, key):
		return MASK if key in self.wording.finance else "?"


def _template(wording: Wording, params: Mapping, without_finance: bool) -> str:
	one = params.get("count") == 1
	if without_finance:
		return (wording.without_finance_one if one else None) or wording.without_finance
	return (wording.one if one else None) or wording.text


def _format(key: str, value, wording: Wording, masked: bool, translate: Translate, see_finance: bool):
	if key in wording.finance:
		if masked:
			return MASK
		if key == "amounts":
			return "; ".join(money(float(a), c) for a, c in value or ())
		return num(value)
	if key == NESTED:
		return render(value, translate, see_finance)
	if value is None:
		return "?"
	if key.endswith("_days"):
		return days(int(value), translate)
	if key.endswith("_pct"):
		return f"{float(value):.0%}"
	if key == "change":
		return signed_pct(float(value))
	if key == "points":
		return signed(int(value))
	if key in NOUNS:
		one, many = NOUNS[key]
		return translate(one) if value == 1 else translate(many).format(value)
	if key in ("flags", "cleared"):
		return ", ".join(_flag_label(f, translate) for f in value)
	if key == "factor":
		return _factor_label(value, translate)
	if key == "documents":  # [[name, age in days], ...]
		return ", ".join(f"{name} ({days(int(age), translate)})" for name, age in value)
	if key == "renewals":  # [[doctype, name, ends, in days], ...]
		return ", ".join(
			translate("{0} {1} ends {2} (in {3})").format(translate(dt), name, ends, days(int(n), translate))
			for dt, name, ends, n in value
		)
	if isinstance(value, bool):
		return str(value)
	if isinstance(value, int | float):
		return num(value)
	return str(value)


def num(x) -> str:
	"""1200 -> '1,200', 1200.5 -> '1,200.50': no currency symbol, the page shows the customer's currency."""
	try:
		x = float(x)
	except (TypeError, ValueError):
		return "?"
	return f"{x:,.0f}" if x.is_integer() else f"{x:,.2f}"


def money(amount: float, currency: str = "") -> str:
	return f"{amount:,.2f} {currency}".strip()


def days(n: int, translate: Translate = _same) -> str:
	return translate("1 day") if n == 1 else translate("{0} days").format(n)


def signed(points: int) -> str:
	return f"+{points}" if points > 0 else f"{MINUS}{-points}"


def signed_pct(change: float) -> str:
	return f"+{change:.0%}" if change >= 0 else f"{MINUS}{-change:.0%}"


def _flag_label(flag_type: str, translate: Translate) -> str:
	return translate(FLAG_LABELS.get(flag_type, flag_type)).lower()


def _factor_label(name: str, translate: Translate) -> str:
	return translate(FACTOR_LABELS.get(name, name))

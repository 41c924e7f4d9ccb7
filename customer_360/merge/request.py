"""A merge or undo request, checked before anything is looked up, locked or written: its shape (sizes, JSON,
names), the core's rules (customer_360.core.merge_plan: request_shape first, validate_request as the last word,
with every customer a merge or undo has not finished with as busy), who may merge these customers
(customer_360.merge.access) and ERPNext's own currency rule. Every refusal is a translated frappe.throw, every
value the user sent escaped when echoed."""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import escape_html

from customer_360.core.merge_plan import MergeError, request_shape, resolve_fields, validate_request
from customer_360.facts.merges import merged_into, resolve_customer
from customer_360.merge import access, state
from customer_360.merge import customer as cust
from customer_360.merge.log import LOG
from customer_360.messages import bold

MAX_LOSERS = 20
# Longest customer name Frappe stores (varchar 140), and the most text a list or choices may be sent as.
MAX_NAME = 140
MAX_INPUT = 20_000


def check_read(customer: str) -> None:
	"""The customer exists and the user may read it (User Permissions included); the name is escaped."""
	if not customer or not isinstance(customer, str):
		frappe.throw(_("A customer is required."), frappe.ValidationError)
	if len(customer) > MAX_NAME or not frappe.db.exists("Customer", customer):
		frappe.throw(_("Customer {0} does not exist.").format(bold(customer)), frappe.DoesNotExistError)
	if not access.customer_allows(customer, "read"):
		frappe.throw(
			_("You do not have permission to view customer {0}.").format(bold(customer)),
			frappe.PermissionError,
		)


def _too_big(value) -> bool:
	return isinstance(value, str) and len(value) > MAX_INPUT


def _json(text: str, message: str):
	if _too_big(text):
		frappe.throw(message, frappe.ValidationError)
	try:
		return json.loads(text)
	except (ValueError, RecursionError):
		frappe.throw(message, frappe.ValidationError)


def _names(value) -> list[str]:
	message = _("The duplicates must be a list of customer names.")
	if value is None:
		return []
	if isinstance(value, str):
		text = value.strip()
		if text.startswith("["):
			value = _json(text, message)
		else:
			if _too_big(text):
				frappe.throw(message, frappe.ValidationError)
			value = text.replace("\n", ",").split(",")
	if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
		frappe.throw(message, frappe.ValidationError)
	names = list(dict.fromkeys(v.strip() for v in value if v and v.strip()))
	if len(names) > MAX_LOSERS:
		frappe.throw(_("Merge at most {0} duplicates at a time.").format(MAX_LOSERS), frappe.ValidationError)
	if any(len(n) > MAX_NAME for n in names):
		frappe.throw(_("A customer name is at most {0} characters.").format(MAX_NAME), frappe.ValidationError)
	return names


def _merge_error(e: MergeError) -> str:
	"""The core's refusal, in the reader's language, every customer name escaped."""
	p = e.params
	names = lambda key: ", ".join(bold(n) for n in p.get(key) or ())  # noqa: E731
	if e.code == "no_survivor":
		return _("Choose the customer that survives the merge.")
	if e.code == "no_losers":
		return _("Choose at least one duplicate to merge into the survivor.")
	if e.code == "itself":
		return _("Cannot merge customer {0} into itself.").format(bold(p["customer"]))
	if e.code == "too_many":
		return _("Merge at most {0} duplicates at a time.").format(p["limit"])
	if e.code == "unknown":
		return _("Unknown customer: {0} does not exist.").format(names("customers"))
	if e.code == "disabled":
		return _("The surviving customer {0} is disabled; enable it or choose another survivor.").format(
			bold(p["customer"])
		)
	if e.code == "busy":
		return _("Already being merged or unmerged: {0}. Try again when that finishes.").format(
			names("customers")
		)
	if e.code == "no_field":
		return _("Invalid field choice: no such field to choose: {0}.").format(
			", ".join(escape_html(f) for f in p.get("fields") or ())
		)
	if e.code == "not_merged":
		return _("Invalid field choice: {0} is not one of the customers being merged.").format(
			bold(p.get("customer"))
		)
	return _("Cannot merge: {0}").format(escape_html(str(e)))


def refuse_if_busy(customers: list[str]) -> None:
	busy = sorted(state.busy_customers(customers))
	if busy:
		frappe.throw(
			_("Already being merged or unmerged: {0}. Try again when that finishes.").format(
				", ".join(bold(b) for b in busy)
			),
			frappe.ValidationError,
			title=_("Customer busy"),
		)


def _unknown(name: str) -> str:
	"""Why `name` cannot be merged: where it went, to who may read that customer; else it does not exist."""
	target = merged_into(name) and resolve_customer(name)
	if target and access.customer_allows(target, "read"):
		return _("{0} was already merged into {1}").format(bold(name), bold(target))
	return _("{0} does not exist").format(bold(name))


def validate(survivor: str, duplicates) -> tuple[str, list[str]]:
	"""(survivor, losers) or a translated frappe.throw saying what is wrong with the request.

	The rules are core.merge_plan's (request_shape before any lookup, validate_request as the last word,
	with every customer a merge or undo has not finished with as `locked`); the adapter adds what needs
	Frappe: who may merge these customers, and where a merged name went."""
	if survivor is not None and not isinstance(survivor, str):
		frappe.throw(_("The surviving customer must be a customer name."), frappe.ValidationError)
	if survivor and len(survivor.strip()) > MAX_NAME:
		frappe.throw(_("A customer name is at most {0} characters.").format(MAX_NAME), frappe.ValidationError)
	losers = _names(duplicates)
	try:
		survivor, losers = request_shape(survivor or "", losers, MAX_LOSERS)
	except MergeError as e:
		frappe.throw(_merge_error(e), frappe.ValidationError)
	everyone = [survivor, *losers]
	exists = {n: bool(frappe.db.exists("Customer", n)) for n in everyone}
	unknown = [n for n in everyone if not exists[n]]
	if unknown:
		frappe.throw(
			_("Unknown customer: {0}.").format("; ".join(_unknown(n) for n in unknown)),
			frappe.DoesNotExistError,
		)
	access.check_merge_rights(survivor, losers)
	disabled = {n: bool(frappe.db.get_value("Customer", n, "disabled")) for n in everyone}
	try:
		losers = validate_request(
			survivor, losers, exists, disabled, state.busy_customers(everyone), MAX_LOSERS
		)
	except MergeError as e:
		frappe.throw(
			_merge_error(e),
			frappe.DoesNotExistError if e.code == "unknown" else frappe.ValidationError,
			title=_("Customer busy") if e.code == "busy" else None,
		)
	from erpnext.accounts.party import validate_party_currency_before_merging

	for loser in losers:
		# ERPNext's own rule: two parties with ledger entries in different currencies cannot become one.
		validate_party_currency_before_merging("Customer", loser, survivor)
	return survivor, losers


def field_choices(choices, survivor: str, losers: list[str]) -> dict:
	if choices in (None, "", {}):
		return {}
	if isinstance(choices, str):
		choices = _json(choices, _("The field choices must be a JSON object."))
	if not isinstance(choices, dict) or not all(isinstance(v, str) for v in choices.values()):
		frappe.throw(_("The field choices must map a field to a customer name."), frappe.ValidationError)
	fields = cust.conflict_fields()
	if len(choices) > len(fields) or any(len(k) > MAX_NAME or len(v) > MAX_NAME for k, v in choices.items()):
		frappe.throw(_("The field choices must map a field to a customer name."), frappe.ValidationError)
	try:  # a dry run of the rule the job applies: unknown fields or customers are refused now
		resolve_fields(
			cust.values(survivor, fields), [cust.values(n, fields) for n in losers], fields, choices
		)
	except MergeError as e:
		frappe.throw(_merge_error(e), frappe.ValidationError)
	return choices


def open_log(log: str, undo: bool = False):
	"""The log, if the user may see it (undo: may merge its customers); its job's death is noticed here."""
	if not log or not isinstance(log, str) or len(log) > MAX_NAME or not frappe.db.exists(LOG, log):
		frappe.throw(_("Merge log {0} does not exist.").format(bold(log)), frappe.DoesNotExistError)
	if undo:
		access.check_log_undo(log)
	else:
		access.check_log_read(log)
	status = frappe.db.get_value(LOG, log, "status")
	if status in state.BUSY and state.reap(log):
		status = frappe.db.get_value(LOG, log, "status")
	return frappe._dict(name=log, status=status)

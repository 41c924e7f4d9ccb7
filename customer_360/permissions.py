"""Frappe adapter for capabilities: one function answers "may this user ...?" for every API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import frappe
from frappe import _

from customer_360.core import capabilities as caps
from customer_360.core import notes, ownership
from customer_360.core.capabilities import Capabilities
from customer_360.messages import bold

SETTINGS = "Customer 360 Settings"
_CACHE_KEY = "customer_360:role_capability_rows"


def _settings_rows() -> list[dict]:
	rows = frappe.cache.get_value(_CACHE_KEY)
	if rows is None:
		rows = frappe.get_all(
			"Customer 360 Role Capability",
			filters={"parent": SETTINGS, "parenttype": SETTINGS},
			fields=["role", "note_scopes", *caps.CAPABILITIES],
			ignore_permissions=True,  # the rows decide permissions; reading them must not need any
		)
		frappe.cache.set_value(_CACHE_KEY, rows)
	return rows


def clear_capability_cache() -> None:
	frappe.cache.delete_value(_CACHE_KEY)
	frappe.local.c360_capabilities = {}
	frappe.local.c360_owners = {}


def get_capabilities(user: str | None = None) -> Capabilities:
	user = user or frappe.session.user
	per_request = getattr(frappe.local, "c360_capabilities", None)
	if per_request is None:
		per_request = frappe.local.c360_capabilities = {}
	if user not in per_request:
		per_request[user] = caps.resolve(
			frappe.get_roles(user), _settings_rows(), is_administrator=(user == "Administrator")
		)
	return per_request[user]


OWNERSHIP_SETTING = "owner_sees_finance_and_risk"


def capabilities_for(customer: str | None, user: str | None = None) -> Capabilities:
	"""The user's capabilities on one customer: the role capabilities, plus finance and risk on a customer the
	user owns (account manager or sales team) when Customer 360 Settings switch the ownership rule on. Every API
	that masks one customer's figures asks this, not get_capabilities. The caller has checked read access."""
	user = user or frappe.session.user
	base = get_capabilities(user)
	if not customer or (base.see_finance and base.see_risk):
		return base
	enabled = bool(frappe.db.get_single_value(SETTINGS, OWNERSHIP_SETTING))
	if not enabled:
		return base
	return ownership.apply(base, user, customer_owners(customer), enabled)


def customer_owners(customer: str) -> frozenset[str]:
	"""Account manager and the users of the customer's Sales Team (Sales Person → Employee → user), cached for
	the request."""
	cache = getattr(frappe.local, "c360_owners", None)
	if cache is None:
		cache = frappe.local.c360_owners = {}
	if customer not in cache:
		from frappe.query_builder import DocType

		team, person, employee = DocType("Sales Team"), DocType("Sales Person"), DocType("Employee")
		users = (
			frappe.qb.from_(team)
			.join(person)
			.on(person.name == team.sales_person)
			.join(employee)
			.on(employee.name == person.employee)
			.select(employee.user_id)
			.where(
				(team.parenttype == "Customer")
				& (team.parent == customer)
				& (team.parentfield == "sales_team")
				& (person.enabled == 1)
			)
			.run(pluck=True)
		)
		manager = frappe.db.get_value("Customer", customer, "account_manager")
		cache[customer] = ownership.owners(manager, users)
	return cache[customer]


def has_capability(capability: str, user: str | None = None) -> bool:
	return get_capabilities(user).has(capability)


def check_capability(capability: str, user: str | None = None) -> None:
	if not has_capability(capability, user):
		frappe.throw(_("You are not permitted to do this in Customer 360."), frappe.PermissionError)


def may_read_note(scope: str | None, author: str | None, user: str | None = None) -> bool:
	"""Who reads a note, for every adapter (note hooks, timeline, interactions, shares): core.notes.may_read."""
	user = user or frappe.session.user
	return notes.may_read(scope, author, user, get_capabilities(user).note_scopes)


# (user, customer) checked by customer_checked() for the reads it wraps; nothing else sets it.
_checked: ContextVar[tuple[str, str] | None] = ContextVar("c360_customer_checked", default=None)


@contextmanager
def customer_checked(customer: str) -> Iterator[None]:
	"""Checks `customer` once for several reads of one request (api.batch): inside, check_customer_read of that
	customer by the same user passes without asking again. Nothing the reads do changes the answer."""
	check_customer_read(customer)
	token = _checked.set((frappe.session.user, customer))
	try:
		yield
	finally:
		_checked.reset(token)


def check_customer_read(customer: str) -> None:
	"""First line of every customer-scoped API: the customer exists and the user may read it."""
	if _checked.get() == (frappe.session.user, customer):
		return
	if not customer or not isinstance(customer, str):
		frappe.throw(_("A customer is required."), frappe.ValidationError)
	if not frappe.db.exists("Customer", customer):
		from customer_360.facts.merges import resolve_customer

		survivor = resolve_customer(customer)
		# A bookmark to a merged customer: say where it went (the page follows the same lookup) — but only to
		# someone who may read where it went; to anyone else the name is simply unknown.
		if survivor and frappe.has_permission("Customer", "read", doc=survivor):
			frappe.throw(
				_("Customer {0} was merged into {1}.").format(bold(customer), bold(survivor)),
				frappe.DoesNotExistError,
				title=_("Merged Customer"),
			)
		frappe.throw(_("Customer {0} does not exist.").format(bold(customer)), frappe.DoesNotExistError)
	if not frappe.has_permission("Customer", "read", doc=customer):
		frappe.throw(
			_("You do not have permission to view customer {0}.").format(bold(customer)),
			frappe.PermissionError,
		)


def check_assignee(customer: str, assignee: str) -> str:
	"""A task about `customer` goes only to an active user who may open the customer (as Frappe's own
	assign_to checks the assignee's read permission on the document)."""
	from customer_360 import inputs

	inputs.active_user(assignee, "Assign to")
	if not frappe.has_permission("Customer", "read", doc=customer, user=assignee):
		frappe.throw(
			_("{0} may not read this customer, so the task cannot be assigned to them.").format(
				bold(assignee)
			),
			frappe.PermissionError,
		)
	return assignee


def allowed_companies(user: str | None = None) -> list[str] | None:
	"""Companies a User Permission restricts the user to; None when unrestricted."""
	perms = frappe.permissions.get_user_permissions(user or frappe.session.user)
	if not perms.get("Company"):
		return None
	return sorted({p.get("doc") for p in perms["Company"]})

"""Groups and households: which customers roll up into a customer's 360.

A group is the Parent Customer tree (custom field c360_parent_customer, a few levels down). A household is a
customer in the Customer Group named HOUSEHOLD_GROUP: its members are the customers whose Household field
(c360_household) names it, and the customers linked to one of its addresses (people living there). Every
roll-up holds only the members the reader may read (DocPerm and User Permissions on Customer), so no figure,
event or flag of a customer the reader cannot open is ever added in.
"""

from __future__ import annotations

import frappe
from frappe.query_builder import DocType

HOUSEHOLD_GROUP = "Household"
MAX_DEPTH = 5
MAX_MEMBERS = 500

Customer = DocType("Customer")
Link = DocType("Dynamic Link")


def is_household(customer: str) -> bool:
	return frappe.db.get_value("Customer", customer, "customer_group") == HOUSEHOLD_GROUP


def _address_mates(households: list[str]) -> dict[str, str]:
	"""member -> household, for customers linked to an Address that a household customer is linked to."""
	if not households:
		return {}
	own = DocType("Dynamic Link").as_("own")
	mate = DocType("Dynamic Link").as_("mate")
	rows = (
		frappe.qb.from_(own)
		.join(mate)
		.on((mate.parent == own.parent) & (mate.parenttype == "Address") & (mate.link_doctype == "Customer"))
		.select(mate.link_name, own.link_name)
		.where(
			(own.parenttype == "Address")
			& (own.link_doctype == "Customer")
			& own.link_name.isin(households)
			& (mate.link_name != own.link_name)
		)
		.limit(MAX_MEMBERS)
		.run()
	)
	return {member: household for member, household in rows}


def _children(frontier: list[str]) -> dict[str, tuple[str, str]]:
	"""member -> (head, relation) one level below `frontier`: children, household members, address mates."""
	found: dict[str, tuple[str, str]] = {}
	rows = (
		frappe.qb.from_(Customer)
		.select(Customer.name, Customer.c360_parent_customer, Customer.c360_household)
		.where(Customer.c360_parent_customer.isin(frontier) | Customer.c360_household.isin(frontier))
		.limit(MAX_MEMBERS)
		.run()
	)
	for name, parent, household in rows:
		if parent in frontier:
			found[name] = (parent, "child")
		else:
			found[name] = (household, "household")
	# The walk sees the whole tree (what is returned is filtered by the caller): no permission query needed.
	households = (
		frappe.qb.from_(Customer)
		.select(Customer.name)
		.where(Customer.name.isin(frontier) & (Customer.customer_group == HOUSEHOLD_GROUP))
		.run(pluck=True)
	)
	for member, household in _address_mates(households).items():
		found.setdefault(member, (household, "household"))
	return found


def member_counts(heads: list[str]) -> dict[str, tuple[str, int]]:
	"""head -> ("group" | "household", members one level below it that the reader may read), for the heads
	among `heads` that have any: the directory's group badge, three queries for a page of customers."""
	if not heads:
		return {}
	below = _children(heads)
	readable = set(
		frappe.get_list("Customer", filters={"name": ["in", list(below)]}, pluck="name", limit_page_length=0)
		if below
		else ()
	)
	out: dict[str, tuple[str, int]] = {}
	for member, (head, relation) in below.items():
		if member in readable and member != head:
			kind = "household" if relation == "household" else "group"
			out[head] = (kind, out.get(head, (kind, 0))[1] + 1)
	return out


def tree(customer: str) -> dict[str, tuple[str | None, str]]:
	"""Every customer rolling up into `customer` (itself first): name -> (head it rolls up into, relation), where
	relation is "self", "child" or "household". Whole tree, without permission filtering."""
	out: dict[str, tuple[str | None, str]] = {customer: (None, "self")}
	frontier = [customer]
	for _level in range(MAX_DEPTH):
		below = {m: v for m, v in _children(frontier).items() if m not in out}
		if not below:
			break
		out.update(below)
		if len(out) >= MAX_MEMBERS:
			break
		frontier = list(below)
	return out


def members(customer: str) -> dict[str, tuple[str | None, str]]:
	"""`tree` restricted to the customers the reader may read (the caller has checked `customer` itself)."""
	all_members = tree(customer)
	if len(all_members) == 1:
		return all_members
	others = [m for m in all_members if m != customer]
	readable = set(
		frappe.get_list("Customer", filters={"name": ["in", others]}, pluck="name", limit_page_length=0)
	)
	return {m: v for m, v in all_members.items() if m == customer or m in readable}


def rolled_up_customers(customer: str) -> list[str]:
	"""The customer and the readable members of its group or household, the customer first: the set the
	money panel, the sales trend and the group timeline read."""
	return list(members(customer))


def timeline_customers(customer: str, member: str | None = None) -> list[str]:
	"""The customers whose events a group's timeline shows: all readable members, or one of them (`member`
	must be a readable member; anything else yields no customer, never another customer's events)."""
	readable = rolled_up_customers(customer)
	if member:
		return [member] if member in readable else []
	return readable

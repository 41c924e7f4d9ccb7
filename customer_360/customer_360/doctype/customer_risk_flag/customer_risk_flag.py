"""Customer Risk Flag: a warning on a customer, raised by the nightly rules (source "automatic") or by a person.

Who sees flags is a capability, not only a role: DocPerm lets the usual roles in, and the hooks below also
require the user's see_risk capability (manage_flags to change a flag), resolved from Customer 360 Settings so
an administrator can change it without editing permissions. The same hooks guard Customer Health Score.
Settings decide for every role, System Manager included (its default row grants everything); only the
Administrator user always may (core.capabilities.resolve).

- has_permission: form, REST, print, get_doc(...).check_permission;
- get_permission_query_conditions: list, Report View, export, link search, get_list;
- on_share: a share would grant read past both, so sharing with someone without see_risk is refused.
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime, nowdate

from customer_360.compat import NO_OBJECTION
from customer_360.core import risk
from customer_360.core.capabilities import MANAGE_FLAGS, SEE_RISK
from customer_360.messages import bold
from customer_360.permissions import get_capabilities

GUARDED = ("Customer Risk Flag", "Customer Health Score")
# Rights that only look at a flag; every other right (write, create, delete, submit, ...) changes one.
READ_RIGHTS = frozenset(("read", "select", "report", "export", "print", "email"))


class CustomerRiskFlag(Document):
	def validate(self):
		self._validate_type()
		self.reason = (self.reason or "").strip()
		if self.source != "automatic":
			# A person's reason is their own text; only the rules store a reason as code + parameters.
			self.reason_code = self.reason_params = self.reason_figures = None
		if not self.reason:
			frappe.throw(_("A risk flag needs a reason."), frappe.ValidationError)
		if self.is_new():
			# Who raised it is the session (or the rules), never what a client sends.
			self.raised_by = self._actor()
			self.raised_on = now_datetime()
			if self.expires_on and getdate(self.expires_on) < getdate(nowdate()):
				frappe.throw(
					_("The expiry date of a new risk flag cannot be in the past."), frappe.ValidationError
				)
		self._track_status()

	def after_insert(self):
		# The account owner hears of a new flag (a notification and a ToDo); never fails the insert.
		from customer_360.risk_health.alerts import on_new_flag

		on_new_flag(self)

	def _actor(self) -> str:
		# The rules act as the system, not as whoever happened to click "recompute".
		return "Administrator" if self.flags.c360_automatic else frappe.session.user

	def _validate_type(self):
		automatic = self.source == "automatic"
		# Only the detection job (which sets this flag) may write an automatic flag; a person's flag is manual.
		if (
			automatic
			and not self.flags.c360_automatic
			and (self.is_new() or self.has_value_changed("source"))
		):
			frappe.throw(
				_("Automatic risk flags are raised by Customer 360 only; a flag raised by hand is manual."),
				frappe.ValidationError,
			)
		if self.flag_type not in risk.FLAG_TYPES:
			frappe.throw(
				_("Unknown risk flag type {0}. Use one of: {1}").format(
					bold(self.flag_type or ""), ", ".join(risk.FLAG_TYPES)
				),
				frappe.ValidationError,
			)
		if automatic and self.flag_type in risk.MANUAL_TYPES:
			frappe.throw(
				_("A {0} flag is raised by a person only, never automatically.").format(bold(self.flag_type)),
				frappe.ValidationError,
			)

	def _track_status(self):
		before = None if self.is_new() else self.get_doc_before_save()
		was = before.status if before else None
		if self.status == "resolved" and was != "resolved":
			self.resolution = (self.resolution or "").strip()
			if not self.resolution:
				frappe.throw(_("Say how the risk flag was resolved."), frappe.ValidationError)
			self.resolved_by = self._actor()
			self.resolved_on = now_datetime()
		elif self.status == "active" and was == "resolved":
			# Reopened: the old resolution no longer describes the flag.
			self.resolved_by = self.resolved_on = self.resolution = None


def has_permission(doc, ptype=None, user=None, debug=False):
	"""Deny (False) without the capability; NO_OBJECTION leaves the decision to DocPerm (controllers cannot grant)."""
	caps = get_capabilities(user or frappe.session.user)
	if not caps.see_risk:
		return False
	if ptype is None or ptype in READ_RIGHTS:
		return NO_OBJECTION
	return NO_OBJECTION if caps.manage_flags else False


def get_permission_query_conditions(user=None, doctype=None):
	user = user or frappe.session.user
	if get_capabilities(user).has(SEE_RISK):
		return ""
	return "1=0"


def on_share(doc, method=None):
	"""DocShare validate: a flag or score may be shared only with a user who may see risk data."""
	if doc.share_doctype not in GUARDED:
		return
	if doc.everyone or not doc.user:
		frappe.throw(_("Risk data cannot be shared with everyone."), frappe.PermissionError)
	if not get_capabilities(doc.user).has(SEE_RISK):
		frappe.throw(
			_("{0} may not see risk data; this {1} cannot be shared with them.").format(
				bold(doc.user), _(doc.share_doctype)
			),
			frappe.PermissionError,
		)


def may_manage(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return get_capabilities(user).has(MANAGE_FLAGS)


def on_doctype_update():
	# The jobs read every active flag at once, and the 360 page one customer's.
	frappe.db.add_index("Customer Risk Flag", ["status", "customer"], "status_customer_index")

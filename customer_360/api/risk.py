"""Risk flags API: read one customer's flags, raise a manual flag, resolve a flag.

Reading needs the see_risk capability; a user without it gets {"masked": true, "flags": null} (the 360 page
shows a masked panel, and an "under review" badge only when the settings allow it). Raising and resolving need
manage_flags. Capabilities, not DocPerm, govern this API (as every 360 API): administrators grant them per role
in Customer 360 Settings, so documents are written with ignore_permissions after the capability check.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import getdate, nowdate

from customer_360 import inputs
from customer_360.core import masking, risk
from customer_360.core.capabilities import MANAGE_FLAGS, SEE_RISK
from customer_360.messages import bold
from customer_360.permissions import capabilities_for, check_capability, check_customer_read, has_capability
from customer_360.risk_health import wording
from customer_360.risk_health.config import load_config
from customer_360.risk_health.job import enqueue_recompute

FLAG = "Customer Risk Flag"
EVIDENCE = "Customer Risk Flag Evidence"
FLAG_FIELDS = (
	"name", "customer", "flag_type", "status", "source", "reason", "raised_by", "raised_on",
	"resolved_by", "resolved_on", "resolution", "expires_on",
)  # fmt: skip
MAX_FLAGS = 200
MAX_EVIDENCE = 50
MAX_REASON = 2000
STORED_REASON = ("reason_code", "reason_params", "reason_figures")


@frappe.whitelist()
@frappe.read_only()
def get_flags(customer: str, include_resolved: bool = False) -> dict:
	check_customer_read(customer)
	caps = capabilities_for(customer)
	out = masking.mask({"customer": customer}, caps, ("flags",))
	if out["masked"]:
		out["under_review"] = _under_review(customer)
		return out
	filters = {"customer": customer}
	if not include_resolved:
		filters["status"] = "active"
	rows = frappe.get_all(
		FLAG,
		filters=filters,
		fields=[*FLAG_FIELDS, *STORED_REASON],
		# Active first, newest first: what needs attention leads the panel.
		order_by="status asc, raised_on desc, name desc",
		limit=MAX_FLAGS,
	)
	_attach_evidence(rows)
	see_finance = caps.see_finance
	for row in rows:
		# A rule's reason is rendered for the reader: "3 invoices overdue ... (12,400 owed, ...)" with
		# see_finance, without the amount otherwise. A person's reason is shown as written.
		code, params, figures = (row.pop(f) for f in STORED_REASON)
		message = wording.load(code, params, figures, see_finance)
		if message is not None:
			row["reason"] = wording.render(message, see_finance)
	out["flags"] = rows
	return out


@frappe.whitelist(methods=["POST"])
def raise_flag(
	customer: str,
	flag_type: str,
	reason: str,
	evidence: list | str | None = None,
	expires_on: str | None = None,
) -> dict:
	"""evidence: [{"reference_doctype": ..., "reference_name": ..., "note": ...}] or [[doctype, name], ...]
	(a JSON string too: desk calls send lists as JSON)."""
	check_customer_read(customer)
	check_capability(MANAGE_FLAGS)
	if flag_type not in risk.FLAG_TYPES:
		frappe.throw(
			_("Unknown risk flag type {0}. Use one of: {1}").format(
				bold(flag_type or ""), ", ".join(risk.FLAG_TYPES)
			),
			frappe.ValidationError,
		)
	reason = (inputs.text(reason, "Reason", MAX_REASON) or "").strip()
	if not reason:
		frappe.throw(_("A reason is required to raise a risk flag."), frappe.ValidationError)
	doc = frappe.get_doc(
		{
			"doctype": FLAG,
			"customer": customer,
			"flag_type": flag_type,
			"status": "active",
			"source": "manual",
			"reason": reason,
			"expires_on": _expiry(expires_on),
			"evidence": _evidence_rows(evidence),
		}
	)
	doc.insert(ignore_permissions=True)
	enqueue_recompute(customer)  # the score's risk factor reflects the new flag
	return _flag_dict(doc)


@frappe.whitelist(methods=["POST"])
def resolve_flag(flag: str, resolution: str) -> dict:
	customer = frappe.db.get_value(FLAG, flag, "customer") if flag and isinstance(flag, str) else None
	if not customer:
		frappe.throw(_("Risk flag {0} does not exist.").format(bold(flag or "")), frappe.DoesNotExistError)
	check_customer_read(customer)
	check_capability(MANAGE_FLAGS)
	resolution = (resolution or "").strip()
	if not resolution:
		frappe.throw(_("Say how the risk flag was resolved."), frappe.ValidationError)
	doc = frappe.get_doc(FLAG, flag, for_update=True)
	if doc.status == "resolved":
		frappe.throw(_("Risk flag {0} is already resolved.").format(bold(flag)), frappe.ValidationError)
	doc.status = "resolved"
	doc.resolution = resolution
	doc.flags.ignore_links = True  # evidence may name a document deleted since; that must not block resolving
	doc.save(ignore_permissions=True)
	enqueue_recompute(customer)
	return _flag_dict(doc)


def _under_review(customer: str) -> bool | None:
	"""The badge is shown to users without the risk capability only when the settings allow it."""
	if not load_config().show_under_review_badge:
		return None
	return bool(frappe.db.exists(FLAG, {"customer": customer, "status": "active"}))


def _expiry(expires_on: str | None):
	if not expires_on:
		return None
	day = inputs.date(expires_on, "Expires on")
	if day < getdate(nowdate()):
		frappe.throw(_("The expiry date of a new risk flag cannot be in the past."), frappe.ValidationError)
	return day


def _evidence_rows(evidence) -> list[dict]:
	if evidence in (None, "", []):
		return []
	items = inputs.json_value(evidence, "Evidence", list, max_items=MAX_EVIDENCE)
	rows = []
	for item in items:
		if isinstance(item, dict):
			doctype, name, note = item.get("reference_doctype"), item.get("reference_name"), item.get("note")
		elif isinstance(item, list | tuple) and len(item) == 2:
			(doctype, name), note = item, None
		else:
			doctype = name = note = None
		if not (isinstance(doctype, str) and isinstance(name, str) and doctype and name):
			frappe.throw(
				_("Each piece of evidence needs a document type and a name."), frappe.ValidationError
			)
		# A user may cite only what they may read; one answer for "missing" and "not yours", so evidence
		# never tells whether a document exists.
		readable = (
			frappe.db.exists("DocType", doctype)
			and frappe.db.exists(doctype, name)
			and frappe.has_permission(doctype, "read", doc=name)
		)
		if not readable:
			frappe.throw(
				_("You can cite only documents you may read: {0} {1}.").format(bold(doctype), bold(name)),
				frappe.PermissionError,
			)
		rows.append({"reference_doctype": doctype, "reference_name": name, "note": (note or "")[:140]})
	return rows


def _attach_evidence(rows: list[dict]) -> None:
	for row in rows:
		row["flag_label"] = _(risk.FLAG_LABELS.get(row["flag_type"], row["flag_type"]))
		row["evidence"] = []
	if not rows:
		return
	Evidence = DocType(EVIDENCE)
	by_flag = {row["name"]: row for row in rows}
	for parent, doctype, name, note in (
		frappe.qb.from_(Evidence)
		.select(Evidence.parent, Evidence.reference_doctype, Evidence.reference_name, Evidence.note)
		.where((Evidence.parenttype == FLAG) & Evidence.parent.isin(list(by_flag)))
		.orderby(Evidence.idx)
		.run()
	):
		by_flag[parent]["evidence"].append(
			{"reference_doctype": doctype, "reference_name": name, "note": note}
		)


def _flag_dict(doc) -> dict:
	row = {f: doc.get(f) for f in FLAG_FIELDS}
	row["flag_label"] = _(risk.FLAG_LABELS.get(doc.flag_type, doc.flag_type))
	row["evidence"] = [
		{"reference_doctype": e.reference_doctype, "reference_name": e.reference_name, "note": e.note}
		for e in doc.evidence
	]
	return row

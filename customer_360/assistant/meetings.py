"""Meeting preparation: every morning (scheduler, daily_long) a briefing for each appointment and calendar
event with a customer in the next N days (Customer 360 Settings, "Prepare Meeting Briefings"), prepared as the
meeting's owner: saved as an internal note by them (next_steps.briefing.save_as_note, cut down to what the
note's readers may see), linked from the meeting by a comment and from the owner's digest.

A meeting is prepared once: the comment on it (subject: MARK + the note's name) is the marker.
Owner: a calendar event's owner; an appointment's assigned agent, else the customer's account manager, else who
made it when a desk user did (web bookings are made by Guest). The calendar entry ERPNext makes for an appointment
is the same meeting: it gets no second briefing. Without read access to the customer, the owner gets no briefing.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, time, timedelta

import frappe
from frappe.query_builder import DocType
from frappe.utils import cint, get_url_to_form, getdate, nowdate

from customer_360.next_steps import briefing

SETTINGS = "Customer 360 Settings"
DEFAULT_DAYS = 2
MAX_MEETINGS = 500  # a day's batch; the rest waits for tomorrow's run
EVENT = DocType("Customer Timeline Event")
CAL = DocType("Event")
PARTICIPANT = DocType("Event Participants")
# A Comment's subject on the meeting, followed by the note's name.
MARK = "customer_360 meeting briefing: "


def days_ahead() -> int:
	raw = frappe.db.get_singles_dict(SETTINGS).get("meeting_prep_days")
	return DEFAULT_DAYS if raw in (None, "") else max(0, cint(raw))


def upcoming(today, days: int) -> list[dict]:
	"""Meetings with a customer from today to `days` ahead: {customer, doctype, name, when, owner, title}."""
	start = datetime.combine(getdate(today), time.min)
	end = start + timedelta(days=days + 1)
	meetings = []
	# Appointments: the timeline index has already resolved their customer (directly or through a Lead).
	rows = (
		frappe.qb.from_(EVENT)
		.select(EVENT.customer, EVENT.source_name, EVENT.event_time, EVENT.title)
		.where(
			(EVENT.source_doctype == "Appointment")
			& (EVENT.event_time >= start)
			& (EVENT.event_time < end)
			& (EVENT.cancelled == 0)
		)
		.limit(MAX_MEETINGS)
		.run(as_dict=True)
	)
	calendar_of_appointments = set()
	for r in rows:
		appointment = frappe.db.get_value(
			"Appointment", r.source_name, ["owner", "_assign", "calendar_event"], as_dict=True
		)
		if not appointment:
			continue
		calendar_of_appointments.add(appointment.calendar_event)
		meetings.append(
			{
				"customer": r.customer,
				"doctype": "Appointment",
				"name": r.source_name,
				"when": r.event_time,
				"owner": _appointment_owner(appointment, r.customer),
				"title": r.title,
			}
		)
	# Calendar events with the customer among their participants.
	rows = (
		frappe.qb.from_(CAL)
		.join(PARTICIPANT)
		.on((PARTICIPANT.parent == CAL.name) & (PARTICIPANT.parenttype == "Event"))
		.select(
			PARTICIPANT.reference_docname.as_("customer"), CAL.name, CAL.starts_on, CAL.owner, CAL.subject
		)
		.where(
			(PARTICIPANT.reference_doctype == "Customer")
			& (CAL.starts_on >= start)
			& (CAL.starts_on < end)
			& (CAL.status != "Cancelled")
		)
		.limit(MAX_MEETINGS)
		.run(as_dict=True)
	)
	for r in rows:
		if r.name in calendar_of_appointments:
			continue  # ERPNext's own calendar entry of an appointment above: one meeting, one briefing
		meetings.append(
			{
				"customer": r.customer,
				"doctype": "Event",
				"name": r.name,
				"when": r.starts_on,
				"owner": r.owner,
				"title": r.subject,
			}
		)
	return [m for m in meetings if m["owner"] and frappe.db.exists("Customer", m["customer"])]


def _appointment_owner(appointment, customer: str) -> str | None:
	"""The agent it is assigned to, else the customer's account manager, else who made it (a desk user)."""
	try:
		assigned = json.loads(appointment._assign or "[]")
	except ValueError:
		assigned = []
	manager = frappe.db.get_value("Customer", customer, "account_manager")
	for user in [*assigned, manager, appointment.owner]:
		if user and isinstance(user, str) and _desk_user(user):
			return user
	return None


def _desk_user(user: str) -> bool:
	if user in ("Guest", "Administrator"):
		return user == "Administrator"
	return bool(frappe.db.get_value("User", {"name": user, "enabled": 1, "user_type": "System User"}))


def prepared(doctype: str, name: str) -> str | None:
	"""The briefing note already prepared for a meeting, if any."""
	subject = frappe.db.get_value(
		"Comment",
		{
			"reference_doctype": doctype,
			"reference_name": name,
			"comment_type": "Info",
			"subject": ["like", MARK + "%"],
		},
		"subject",
	)
	return subject[len(MARK) :] if subject else None


def prepare_upcoming(today=None) -> dict:
	"""Scheduled (daily_long). Returns {"prepared": n, "skipped": n, "failed": n}."""
	result = {"prepared": 0, "skipped": 0, "failed": 0}
	days = days_ahead()
	if not days:
		return result
	for meeting in upcoming(getdate(today or nowdate()), days):
		if prepared(meeting["doctype"], meeting["name"]):
			result["skipped"] += 1
			continue
		try:
			note = prepare(meeting)
		except Exception:
			frappe.db.rollback()
			frappe.log_error(
				"customer_360: meeting briefing failed",
				reference_doctype=meeting["doctype"],
				reference_name=meeting["name"],
			)
			result["failed"] += 1
			continue
		result["prepared" if note else "skipped"] += 1
		frappe.db.commit()
	return result


def prepare(meeting: dict) -> str | None:
	"""Saves the briefing note as the meeting's owner and links it from the meeting. None: owner may not read
	the customer."""
	previous = frappe.session.user
	frappe.set_user(meeting["owner"])
	try:
		if not frappe.has_permission("Customer", "read", doc=meeting["customer"]):
			return None
		note = briefing.save_as_note(meeting["customer"], use_model=False, scope="internal")["note"]
	finally:
		frappe.set_user(previous)
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Info",
			"reference_doctype": meeting["doctype"],
			"reference_name": meeting["name"],
			"subject": MARK + note,  # the marker: this meeting has its briefing
			"comment_email": meeting["owner"],
			# A fixed text and the note's name, escaped: no user string in this HTML.
			"content": "Customer 360 briefing for this meeting: "
			f'<a href="{html.escape(get_url_to_form("Customer Note", note))}">{html.escape(note)}</a>',
		}
	).insert(ignore_permissions=True)
	return note


def for_owner(owner: str, today, days: int = 7) -> list[dict]:
	"""The owner's meetings of the coming days that have a prepared briefing, for their digest."""
	out = []
	for m in upcoming(getdate(today), days):
		if m["owner"] != owner:
			continue
		note = prepared(m["doctype"], m["name"])
		if note:
			out.append(
				{
					"customer": m["customer"],
					"doctype": m["doctype"],
					"name": m["name"],
					"title": m["title"] or m["name"],
					"when": str(m["when"])[:16],
					"briefing_url": get_url_to_form("Customer Note", note),
				}
			)
	return out

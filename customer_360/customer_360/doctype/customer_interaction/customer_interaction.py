"""Customer Interaction: a logged touchpoint. A next follow-up date becomes a ToDo on the customer."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime, strip_html

from customer_360.core import notes
from customer_360.messages import plain


class CustomerInteraction(Document):
	def validate(self):
		try:
			self.interaction_type = notes.check_interaction_type(self.interaction_type)
		except notes.NoteError as e:
			frappe.throw(_("Invalid interaction: {0}").format(plain(e)), frappe.ValidationError)
		if not (self.summary or "").strip():
			frappe.throw(_("An interaction needs a summary."), frappe.ValidationError)
		if self.is_new():
			self.logged_by = frappe.session.user  # attributed automatically, whatever the client sent
		else:
			self.logged_by = self.get_doc_before_save().logged_by
		self.interaction_time = self.interaction_time or now_datetime()

	def on_update(self):
		if self.next_follow_up and not self.follow_up_task:
			task = make_task(
				self.customer,
				_("Follow up: {0}").format(strip_html(self.summary)[:120]),
				self.logged_by,
				self.next_follow_up,
			)
			self.db_set("follow_up_task", task.name)


def make_task(customer: str, description: str, assignee: str, due_date=None):
	return frappe.get_doc(
		{
			"doctype": "ToDo",
			"description": description,
			"reference_type": "Customer",
			"reference_name": customer,
			"allocated_to": assignee,
			"assigned_by": frappe.session.user,
			"date": due_date,
		}
	).insert(ignore_permissions=True)  # the caller checked the customer; ToDo rights are per assignee

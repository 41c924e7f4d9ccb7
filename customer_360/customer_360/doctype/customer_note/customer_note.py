"""Customer Note: scoped memory on the customer record.

Visibility is decided here, once, for every path Frappe offers: has_permission (form, REST, print, get_doc)
and get_permission_query_conditions (list, Report View, export, link search, get_list). Sharing a note with
someone outside its audience is refused too (customer_360.notes.on_share), since a share would otherwise
grant read past these hooks.
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_fullname

from customer_360.compat import NO_OBJECTION
from customer_360.core import notes
from customer_360.messages import plain
from customer_360.permissions import get_capabilities, may_read_note


class CustomerNote(Document):
	def validate(self):
		before = None if self.is_new() else self.get_doc_before_save()
		try:
			self.content = notes.check_content(self.content)
			self.scope = notes.check_scope(
				self.scope, get_capabilities().note_scopes, before.scope if before else None
			)
		except notes.NoteError as e:
			frappe.throw(_("Invalid note: {0}").format(plain(e)), frappe.ValidationError)
		# The author is who wrote it, never what a client sends; so is the name shown for them.
		self.author = before.author if before else frappe.session.user
		self.author_name = get_fullname(self.author)


def has_permission(doc, ptype=None, user=None, debug=False):
	user = user or frappe.session.user
	if doc.is_new():
		return NO_OBJECTION  # a new note's scope is checked in validate
	# Every right (read, write, print, email, delete ...) starts with being in the note's audience.
	return NO_OBJECTION if may_read_note(doc.scope, doc.author or doc.owner, user) else False


def get_permission_query_conditions(user=None):
	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	scopes = sorted(get_capabilities(user).note_scopes)
	own = f"`tabCustomer Note`.`author` = {frappe.db.escape(user)}"
	if not scopes:
		return own
	return f"(`tabCustomer Note`.`scope` in ({', '.join(frappe.db.escape(s) for s in scopes)}) or {own})"

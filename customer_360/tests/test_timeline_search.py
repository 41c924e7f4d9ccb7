"""Timeline search over the full text of emails, notes and interactions (FULLTEXT index), and the actor
filter, against real documents indexed by a real RQ worker; permission and note-scope filtering unchanged."""

import frappe
from frappe.utils import random_string

from customer_360.api.timeline import get_timeline
from customer_360.customer_360.doctype.customer_timeline_event.customer_timeline_event import (
	FULLTEXT_INDEX,
	TABLE,
)
from customer_360.indexer import index_documents, store
from customer_360.patches import timeline_search_text
from customer_360.tests import erp
from customer_360.tests.jobs import wait_for_jobs
from customer_360.tests.test_set_based import _comparable, _index_both_ways
from customer_360.tests.utils import C360TestCase, make_customer, make_user

FILLER = "Lorem ipsum dolor sit amet, " * 20  # well beyond the 280-character summary


def word() -> str:
	"""A word no other document of the site holds (letters only: one token for the FULLTEXT parser)."""
	return "zq" + random_string(10).lower().replace("0", "a").replace("1", "b")


def found(customer, search, **kw):
	events, cursor = [], None
	while True:
		page = get_timeline(customer, cursor=cursor, search=search, limit=200, **kw)
		events.extend(page["events"])
		cursor = page["next_cursor"]
		if not cursor:
			return events


def names(events):
	return {e["source_name"] for e in events}


class TestTimelineSearch(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		c = cls.customer = make_customer()
		cls.other = make_customer()
		cls.words = {k: word() for k in ("email", "restricted", "sales", "interaction", "style", "other")}
		cls.contact = erp.contact(c)
		cls.email = erp.email(
			"Quarterly review",
			cls.contact.email_ids[0].email_id,
			content=f"<div><style>p {{ font: {cls.words['style']} }}</style><p>{FILLER}</p>"
			f"<p>The <b>{cls.words['email']}</b> shipment is late.</p></div>",
		)
		cls.other_email = erp.email(
			"Elsewhere", "x@example.com", reference_doctype="Customer", reference_name=cls.other,
			content=f"<p>{cls.words['other']} and {cls.words['email']}</p>",
		)  # fmt: skip
		cls.restricted = frappe.get_doc(
			{"doctype": "Customer Note", "customer": c, "scope": "restricted",
			 "content": f"<p>{FILLER}</p><p>{cls.words['restricted']}</p>"}
		).insert()  # fmt: skip
		cls.sales_note = frappe.get_doc(
			{"doctype": "Customer Note", "customer": c, "scope": "sales",
			 "content": f"<p>{FILLER}</p><p>{cls.words['sales']}</p>"}
		).insert()  # fmt: skip
		cls.actor = make_user(["Sales User"])
		frappe.set_user(cls.actor)
		cls.touch = frappe.get_doc(
			{"doctype": "Customer Interaction", "customer": c, "interaction_type": "call",
			 "summary": f"{FILLER} then {cls.words['interaction']} < 5 units"}
		).insert(ignore_permissions=True)  # fmt: skip
		frappe.set_user("Administrator")
		cls.todo = erp.todo(c, "Call back about the review")
		wait_for_jobs()

	def test_the_index_exists(self):
		self.assertTrue(frappe.db.has_index(TABLE, FULLTEXT_INDEX))

	def test_a_word_only_in_an_email_body_is_found(self):
		events = found(self.customer, self.words["email"])
		self.assertEqual(names(events), {self.email.name})
		(event,) = events
		self.assertNotIn(self.words["email"], (event["summary"] or "") + event["title"])
		# The long text is searched, never sent.
		self.assertNotIn("search_text", event)
		# Another customer's email with the same word stays on that customer.
		self.assertEqual(names(found(self.other, self.words["email"])), {self.other_email.name})

	def test_style_blocks_are_not_searchable_text(self):
		self.assertEqual(found(self.customer, self.words["style"]), [])

	def test_all_words_must_match_and_prefixes_match(self):
		email_word = self.words["email"]
		self.assertEqual(names(found(self.customer, f"shipment {email_word}")), {self.email.name})
		self.assertEqual(names(found(self.customer, email_word[:-3].upper())), {self.email.name})
		self.assertEqual(found(self.customer, f"{email_word} {self.words['sales']}"), [])

	def test_short_words_and_stopwords_fall_back_to_title_and_summary(self):
		# "on" and "the" are below the index's token size / on its stopword list: LIKE on title and summary.
		self.assertIn(self.todo.name, names(found(self.customer, "back the")))
		self.assertEqual(names(found(self.customer, f"{self.words['email']} is")), set())
		self.assertIn(self.email.name, names(found(self.customer, f"{self.words['email']} review")))

	def test_counts_follow_the_search(self):
		page = get_timeline(self.customer, search=self.words["interaction"])
		self.assertEqual(page["counts"]["interaction"], 1)
		self.assertEqual(sum(page["counts"].values()), 1)

	def test_boolean_syntax_is_not_an_error(self):
		for text in ('+"x" -y* (z) ~w <v >u @8', "') against ('x", "\\", "*", "%_"):
			with self.subTest(text=text):
				self.assertIsInstance(get_timeline(self.customer, search=text)["events"], list)

	def test_note_scopes_apply_to_full_text(self):
		self.assertEqual(names(found(self.customer, self.words["restricted"])), {self.restricted.name})
		frappe.set_user(make_user(["Sales User"]))  # reads internal, sales and customer notes
		self.assertEqual(found(self.customer, self.words["restricted"]), [])
		self.assertEqual(get_timeline(self.customer, search=self.words["restricted"])["counts"]["note"], 0)
		self.assertEqual(names(found(self.customer, self.words["sales"])), {self.sales_note.name})

	def test_source_permission_applies_to_full_text(self):
		self.assertEqual(names(found(self.customer, self.words["interaction"])), {self.touch.name})
		# Sales Master Manager reads the customer (and so its emails, as on ERPNext's form) but not interactions.
		frappe.set_user(make_user(["Sales Master Manager"]))
		self.assertEqual(found(self.customer, self.words["interaction"]), [])
		self.assertEqual(names(found(self.customer, self.words["email"])), {self.email.name})

	def test_a_user_who_may_not_read_the_customer_finds_nothing(self):
		user = make_user(["Sales User"])
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": self.other}
		).insert(ignore_permissions=True)
		frappe.set_user(user)
		with self.assertRaises(frappe.PermissionError):
			get_timeline(self.customer, search=self.words["email"])
		self.assertEqual(names(found(self.other, self.words["other"])), {self.other_email.name})

	def test_a_changed_body_is_found_after_live_indexing(self):
		fresh = word()
		doc = frappe.get_doc("Communication", self.email.name)
		doc.content = doc.content + f"<p>{fresh}</p>"
		doc.save(ignore_permissions=True)
		wait_for_jobs()
		self.assertEqual(names(found(self.customer, fresh)), {self.email.name})
		self.assertEqual(names(found(self.customer, self.words["email"])), {self.email.name})

	def test_set_based_and_python_write_the_same_search_text(self):
		for doctype, docs in (
			("Communication", [self.email.name, self.other_email.name]),
			("Customer Note", [self.restricted.name, self.sales_note.name]),
			("Customer Interaction", [self.touch.name]),
		):
			with self.subTest(doctype=doctype):
				source = store.get_source(doctype)
				_, by_python, by_sql = _index_both_ways(source, docs)
				self.assertEqual(sorted(by_sql), sorted(by_python))
				for name, row in by_python.items():
					self.assertTrue(row["search_text"], name)
					self.assertEqual(_comparable(by_sql[name]), _comparable(row), name)
		frappe.db.commit()  # the rewritten rows reach the FULLTEXT index on commit (the other tests search them)
		self.assertEqual(found(self.customer, self.words["style"]), [])
		self.assertEqual(names(found(self.customer, self.words["email"])), {self.email.name})

	def test_the_long_text_is_not_readable_through_frappe(self):
		# search_text sits at a permission level no role has: REST, list and report views never return it.
		import frappe.client
		from frappe.desk.reportview import get as report_get

		name = frappe.db.get_value(
			"Customer Timeline Event", {"source_doctype": "Communication", "source_name": self.email.name}
		)
		self.assertIn(
			self.words["email"], frappe.db.get_value("Customer Timeline Event", name, "search_text")
		)
		for roles in (["Customer 360 Manager"], ["System Manager"]):
			with self.subTest(roles=roles):
				frappe.set_user(make_user(roles))
				self.assertIsNone(frappe.client.get("Customer Timeline Event", name).get("search_text"))
				rows = frappe.get_list(
					"Customer Timeline Event", filters={"name": name}, fields=["name", "search_text"]
				)
				self.assertEqual(rows, [{"name": name}])
				frappe.local.form_dict = frappe._dict(
					doctype="Customer Timeline Event",
					fields='["name", "search_text"]',
					filters=frappe.as_json({"name": name}),
				)
				self.assertEqual(report_get()["keys"], ["name"])
				frappe.set_user("Administrator")

	def test_the_patch_fills_rows_written_before_the_column(self):
		frappe.db.sql(
			f"update `{TABLE}` set search_text = null where source_doctype = 'Communication'"
			" and source_name = %s",
			self.email.name,
		)
		frappe.db.commit()  # InnoDB's FULLTEXT index sees committed rows only
		self.assertEqual(found(self.customer, self.words["email"]), [])
		timeline_search_text.execute()
		self.assertEqual(names(found(self.customer, self.words["email"])), {self.email.name})


class TestActorFilter(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		c = cls.customer = make_customer()
		cls.actor = make_user(["Sales User"])
		erp.todo(c, "Admin task")
		erp.email("Admin mail", "Administrator", sent_or_received="Sent", recipients="a@example.com",
			reference_doctype="Customer", reference_name=c)  # fmt: skip
		frappe.set_user(cls.actor)
		cls.note = frappe.get_doc(
			{"doctype": "Customer Note", "customer": c, "scope": "sales", "content": "<p>Mine</p>"}
		).insert(ignore_permissions=True)
		cls.touch = frappe.get_doc(
			{"doctype": "Customer Interaction", "customer": c, "interaction_type": "visit", "summary": "Met"}
		).insert(ignore_permissions=True)
		frappe.set_user("Administrator")
		wait_for_jobs()

	def test_only_that_users_events(self):
		page = get_timeline(self.customer, actor=self.actor, limit=200)
		self.assertEqual(names(page["events"]), {self.note.name, self.touch.name})
		self.assertEqual({e["actor"] for e in page["events"]}, {self.actor})
		self.assertEqual(sum(page["counts"].values()), 2)
		self.assertEqual(page["counts"]["note"], 1)
		everyone = get_timeline(self.customer, limit=200)["events"]
		self.assertGreater(len(everyone), 2)
		admin = get_timeline(self.customer, actor="Administrator", limit=200)["events"]
		self.assertTrue(admin)
		self.assertEqual({e["actor"] for e in admin}, {"Administrator"})
		self.assertFalse(names(admin) & {self.note.name, self.touch.name})

	def test_actor_pages_follow_the_cursor(self):
		first = get_timeline(self.customer, actor=self.actor, limit=1)
		self.assertEqual(len(first["events"]), 1)
		second = get_timeline(self.customer, actor=self.actor, limit=1, cursor=first["next_cursor"])
		self.assertEqual(len(second["events"]), 1)
		self.assertIsNone(second["next_cursor"])
		self.assertNotEqual(first["events"][0]["name"], second["events"][0]["name"])

	def test_actor_combines_with_search_and_types(self):
		self.assertEqual(names(found(self.customer, "Mine", actor=self.actor)), {self.note.name})
		self.assertEqual(found(self.customer, "Mine", actor="Administrator"), [])
		only = get_timeline(self.customer, actor=self.actor, event_types="interaction")["events"]
		self.assertEqual(names(only), {self.touch.name})

	def test_the_query_uses_the_actor_index(self):
		plan = frappe.db.sql(
			f"explain select name from `{TABLE}` force index (customer_actor_index)"
			" where customer = %s and actor = %s order by event_time desc, name desc limit 51",
			(self.customer, self.actor),
			as_dict=True,
		)
		self.assertEqual(plan[0]["key"], "customer_actor_index")
		self.assertNotIn("filesort", plan[0]["Extra"] or "")

	def test_an_unknown_actor_is_a_clear_error(self):
		for bad in ("nobody-" + random_string(6) + "@example.com", "x" * 300, '<img src=x onerror="1">'):
			with self.subTest(bad=bad[:20]):
				with self.assertRaises(frappe.ValidationError) as ctx:
					get_timeline(self.customer, actor=bad)
				self.assertNotIn("<img", str(ctx.exception))


class TestFacets(C360TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		c = cls.customer = make_customer()
		erp.todo(c, "Not a booking")
		cls.appointment = None
		if frappe.db.table_exists("Appointment"):
			doc = frappe.get_doc(
				{"doctype": "Appointment", "appointment_with": "Customer", "party": c,
				 "scheduled_time": frappe.utils.now_datetime(), "customer_name": "", "status": "Open",
				 "customer_email": "a@example.com"}
			)  # fmt: skip
			doc.db_insert()  # its controller books calendar events and mails the customer
			cls.appointment = doc.name
			index_documents([("Appointment", doc.name)])
		wait_for_jobs()

	def test_forms_and_bookings_facet_filters_and_counts(self):
		if not self.appointment:
			self.skipTest("no Appointment doctype on this site")
		page = get_timeline(self.customer, facet="forms_bookings", limit=200)
		self.assertEqual(names(page["events"]), {self.appointment})
		self.assertEqual(page["facet_counts"], {"forms_bookings": 1})
		# The facet's count ignores the facet filter, as type counts ignore the type filter.
		everything = get_timeline(self.customer, limit=200)
		self.assertEqual(everything["facet_counts"], {"forms_bookings": 1})
		self.assertGreater(len(everything["events"]), 1)

	def test_an_unknown_facet_is_a_clear_error(self):
		with self.assertRaises(frappe.ValidationError):
			get_timeline(self.customer, facet="<b>gossip</b>")

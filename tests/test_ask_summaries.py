"""Thread summaries (pure): what a thread is, the words of each message without quoted history, the extract of
a long thread; and the digest's meetings section with its briefing links."""

from __future__ import annotations

from customer_360.core import summaries
from customer_360.core.next_steps.digest import compose_digest


def msg(i: int, body: str = "", sender: str = "ann@example.com") -> dict:
	return {
		"doctype": "Communication",
		"name": f"COM-{i}",
		"day": f"2026-11-{i:02d}",
		"sender": sender,
		"body": body,
	}


def test_thread_subject_ignores_reply_prefixes():
	assert summaries.thread_subject("RE: Fwd: AW:  Pump   order") == "pump order"
	assert summaries.thread_subject("Re[2]: Pump order") == "pump order"
	assert summaries.thread_subject(None) == ""
	assert summaries.thread_subject("Refund request") == "refund request"  # "Re" inside a word stays


def test_readable_part_cuts_quoted_history():
	body = "Thanks, the pump works.\nSee you Friday.\n\nOn Mon, 30 Nov 2026 Bob wrote:\n> did it arrive?\nold text"
	assert summaries.readable_part(body) == "Thanks, the pump works. See you Friday."
	assert summaries.readable_part("> quoted only\nmine") == "mine"
	assert summaries.readable_part("Hi\n-----Original Message-----\nFrom: x") == "Hi"


def test_gist_keeps_whole_sentences():
	first = "The first sentence says what the customer wants, which is a replacement pump by Friday."
	assert summaries.gist(first + " " + "x" * 300) == first
	# a short first sentence alone says too little: the text is cut at the length instead
	assert summaries.gist("Hi. " + "x" * 300) == "Hi. " + "x" * (summaries.GIST_LENGTH - 4) + "…"
	assert summaries.gist("short") == "short"
	assert summaries.gist("y" * 300).endswith("…")


def test_extract_of_a_long_thread_shows_its_ends_and_cites_each_message():
	messages = [
		msg(i, f"Message {i}.", sender="ann@example.com" if i % 2 else "bob@example.com")
		for i in range(1, 11)
	]
	out = summaries.extract(messages)
	assert out[0]["code"] == "thread_count"
	assert out[0]["params"] == {"count": 10, "first": "2026-11-01", "last": "2026-11-10",
		"people": "ann@example.com, bob@example.com"}  # fmt: skip
	codes = [s["code"] for s in out[1:]]
	assert codes == ["message"] * summaries.HEAD + ["skipped"] + ["message"] * summaries.TAIL
	assert out[1 + summaries.HEAD]["params"]["count"] == 10 - summaries.HEAD - summaries.TAIL
	assert [s["citations"][0]["name"] for s in out if s["code"] == "message"] == [
		"COM-1", "COM-2", "COM-7", "COM-8", "COM-9", "COM-10"]  # fmt: skip
	assert summaries.extract([])[0]["code"] == "thread_empty"
	for s in out:  # every statement formats with its template
		summaries.TEMPLATES[s["code"]].format(**s["params"])


def test_model_items_keep_the_latest_messages_within_the_cap():
	messages = [msg(i, "z" * summaries.MAX_MESSAGE_CHARS * 2) for i in range(1, 30)]
	items = summaries.model_items(messages)
	assert items[-1]["name"] == "COM-29"
	assert all(len(i["summary"]) == summaries.MAX_MESSAGE_CHARS for i in items)
	assert sum(len(i["summary"]) for i in items) <= summaries.MAX_MODEL_CHARS


def test_digest_links_prepared_meeting_briefings():
	data = {"owner_name": "Ann", "week_ending": "2026-12-01", "health": None, "flags": None, "renewals": [],
		"suggestions": [], "meetings": [{"customer": "C1", "customer_name": "Acme <b>", "doctype": "Event",
		"name": "EV-1", "title": "Review", "when": "2026-12-02 10:00",
		"briefing_url": "https://erp.example.com/app/customer-note/abc"}]}  # fmt: skip
	d = compose_digest(data)
	assert not d["empty"]
	assert "Acme &lt;b&gt; (C1): Review, 2026-12-02 10:00" in d["html"]
	assert '<a href="https://erp.example.com/app/customer-note/abc">Briefing</a>' in d["html"]
	data["meetings"][0]["briefing_url"] = "javascript:alert(1)"
	assert "javascript" not in compose_digest(data)["html"]
	assert compose_digest({**data, "meetings": []})["empty"]

"""Summaries of long email threads and ticket narratives, pure: which messages form a thread (subject without
Re:/Fwd:), the readable part of each message (quoted replies and signatures' history cut), and the deterministic
extract (who said what, first and last messages in full gist) used without a model or when it fails.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

GIST_LENGTH = 240
HEAD = 2  # messages shown from the start of a long thread
TAIL = 4  # and from its end
MAX_MODEL_CHARS = 24_000  # the whole thread as the model reads it
MAX_MESSAGE_CHARS = 2_000

_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|antw)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_QUOTE_START = re.compile(
	r"^\s*(On .{0,200} wrote:|-{2,}\s*Original Message\s*-{2,}|From:\s.+|Am .{0,200} schrieb .{0,100}:)\s*$",
	re.IGNORECASE,
)

TEMPLATES = {
	"thread_empty": "There is nothing in this thread you may read.",
	"thread_count": "{count} message(s) from {first} to {last}, between {people}.",
	"message": "{day}, {sender}: {gist}",
	"skipped": "… {count} message(s) in between …",
}


def thread_subject(subject: str | None) -> str:
	"""The subject a thread's messages share: without reply/forward prefixes, spaces collapsed, lower case."""
	return re.sub(r"\s+", " ", _PREFIX.sub("", subject or "")).strip().lower()


def readable_part(text: str | None) -> str:
	"""A message's own words: everything from the first quoted-reply marker on is dropped, as are ">" lines."""
	lines = []
	for line in str(text or "").splitlines():
		if _QUOTE_START.match(line):
			break
		if line.lstrip().startswith(">"):
			continue
		lines.append(line)
	return re.sub(r"\s+", " ", " ".join(lines)).strip()


def gist(text: str, length: int = GIST_LENGTH) -> str:
	"""The first sentences of `text`, up to `length` characters."""
	if len(text) <= length:
		return text
	cut = text[:length]
	end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
	return (cut[: end + 1] if end > length // 3 else cut.rstrip() + "…").strip()


def extract(messages: list[Mapping]) -> list[dict]:
	"""The deterministic summary as statements {code, params, citations}. `messages`: oldest first, each
	{doctype, name, day, sender, body} with body already plain text."""
	if not messages:
		return [{"code": "thread_empty", "params": {}, "citations": []}]
	people = sorted({m.get("sender") or "?" for m in messages})
	out = [
		{
			"code": "thread_count",
			"params": {
				"count": len(messages),
				"first": messages[0].get("day"),
				"last": messages[-1].get("day"),
				"people": ", ".join(people[:6]) + (" …" if len(people) > 6 else ""),
			},
			"citations": [],
		}
	]
	shown: list = list(messages)
	if len(messages) > HEAD + TAIL:
		shown = [*messages[:HEAD], None, *messages[-TAIL:]]
	for m in shown:
		if m is None:
			out.append({"code": "skipped", "params": {"count": len(messages) - HEAD - TAIL}, "citations": []})
			continue
		out.append(
			{
				"code": "message",
				"params": {
					"day": m.get("day"),
					"sender": m.get("sender") or "?",
					"gist": gist(readable_part(m.get("body"))) or "…",
				},
				"citations": [_cite(m)],
			}
		)
	return out


def model_items(messages: list[Mapping]) -> list[dict]:
	"""The thread as records for the model's fenced context (assistant prompt): each message's own words,
	capped per message and in total (the latest messages kept when the thread is too long)."""
	items, total = [], 0
	for m in reversed(messages):
		body = readable_part(m.get("body"))[:MAX_MESSAGE_CHARS]
		total += len(body)
		if total > MAX_MODEL_CHARS and items:
			break
		items.append(
			{
				"doctype": m.get("doctype"),
				"name": m.get("name"),
				"day": m.get("day"),
				"title": m.get("sender"),
				"summary": body,
				"label": m.get("label") or m.get("name"),
			}
		)
	return list(reversed(items))


def _cite(m: Mapping) -> dict:
	return {
		"doctype": m.get("doctype"),
		"name": m.get("name"),
		"event": m.get("event"),
		"label": m.get("label") or m.get("name"),
	}

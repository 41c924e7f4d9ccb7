"""The optional language model: one POST to an OpenAI-compatible `{url}/chat/completions`.

It receives only the messages its caller built from permission-filtered context. Any failure (not configured,
rate limit, timeout, HTTP error, unreadable reply) raises AssistantUnavailable with a message the user sees
next to the deterministic result that replaces the model's. Every call that was attempted is logged
(customer_360.assistant.log), without its content.
"""

from __future__ import annotations

import json
import time

import frappe
import requests
from frappe import _
from frappe.utils import escape_html, now_datetime

from customer_360.assistant import log
from customer_360.core.next_steps import drafts
from customer_360.next_steps import config

# Hard limits whatever the settings say: the model is a remote party, its reply is untrusted text.
MAX_TIMEOUT = 60
MAX_REPLY_BYTES = 256 * 1024
# Per user: a burst of clicks or a script must not run up the site's model bill (the day is the budget).
CALLS_PER_MINUTE = 20
CALLS_PER_DAY = 500


class AssistantUnavailable(Exception):
	pass


def configured() -> bool:
	return config.assistant().configured


def _within_rate_limit(user: str) -> bool:
	"""Counts this call against the user's minute and day windows (Redis, shared by every worker)."""
	now = now_datetime()
	for window, limit, seconds in (
		(now.strftime("%Y%m%d%H%M"), CALLS_PER_MINUTE, 60),
		(now.strftime("%Y%m%d"), CALLS_PER_DAY, 86400),
	):
		key = frappe.cache.make_key(f"customer_360:assistant_calls:{user}:{window}")
		calls = frappe.cache.incr(key)
		if calls == 1:
			frappe.cache.expire(key, seconds)
		if calls > limit:
			return False
	return True


def _read_capped(response) -> bytes:
	body = b""
	for chunk in response.iter_content(chunk_size=16384):
		body += chunk
		if len(body) > MAX_REPLY_BYTES:
			raise ValueError(_("the reply was larger than {0} kB").format(MAX_REPLY_BYTES // 1024))
	return body


def complete(messages: list[dict], *, purpose: str = "briefing", customer: str | None = None) -> str:
	"""The model's reply text to `messages`; AssistantUnavailable on any failure."""
	settings = config.assistant()
	if not settings.configured:
		raise AssistantUnavailable(
			_("No assistant is configured (Customer 360 Settings, Assistant): showing the standard version.")
		)
	if not _within_rate_limit(frappe.session.user):
		log.record(purpose=purpose, customer=customer, outcome="rate_limited", model=settings.model)
		raise AssistantUnavailable(
			_("You have asked the assistant too often just now: showing the standard version instead.")
		)
	headers = {"Content-Type": "application/json"}
	if settings.api_key:
		headers["Authorization"] = f"Bearer {settings.api_key}"
	timeout = min(max(1, settings.timeout), MAX_TIMEOUT)
	started = time.monotonic()
	outcome, usage = "error", None
	try:
		response = requests.post(
			settings.url.rstrip("/") + "/chat/completions",
			json={"model": settings.model, "messages": messages, "temperature": 0},
			headers=headers,
			timeout=timeout,
			stream=True,  # read at most MAX_REPLY_BYTES of it
			allow_redirects=False,  # the key goes to the configured URL only
		)
		response.raise_for_status()
		outcome = "unreadable"
		reply = json.loads(_read_capped(response))
		usage = reply.get("usage") if isinstance(reply, dict) else None
		text = drafts.parse_model_reply(reply)
	except requests.Timeout:
		outcome, reason = "timeout", _("it did not answer within {0} seconds").format(timeout)
	except requests.HTTPError as e:
		reason = _("it answered with HTTP {0}").format(
			e.response.status_code if e.response is not None else "?"
		)
	except (requests.RequestException, ValueError) as e:  # ValueError: not JSON, too large, or no text
		reason = escape_html(str(e)[:200]) or e.__class__.__name__
	else:
		log.record(
			purpose=purpose,
			customer=customer,
			outcome="ok",
			model=settings.model,
			latency_ms=_ms(started),
			usage=usage,
		)
		return text
	log.record(
		purpose=purpose,
		customer=customer,
		outcome=outcome,
		model=settings.model,
		latency_ms=_ms(started),
		usage=usage,
		detail=reason,
	)
	frappe.log_error("customer_360: assistant request failed", reason)
	raise AssistantUnavailable(
		_("The assistant could not answer ({0}): showing the standard version instead.").format(reason)
	)


def _ms(started: float) -> int:
	return int((time.monotonic() - started) * 1000)

"""The optional language model: one POST to an OpenAI-compatible `{url}/chat/completions`.

It receives only the messages its caller built from permission-filtered context. Any failure (not configured,
timeout, HTTP error, unreadable reply) raises AssistantUnavailable with a message the user sees next to the
deterministic result that replaces the model's.
"""

from __future__ import annotations

import frappe
import requests
from frappe import _

from customer_360.core import next_steps as core
from customer_360.next_steps import config


class AssistantUnavailable(Exception):
	pass


def is_configured() -> bool:
	return config.assistant().configured


def complete(messages: list[dict]) -> str:
	settings = config.assistant()
	if not settings.configured:
		raise AssistantUnavailable(
			_("No assistant is configured (Customer 360 Settings, Assistant): showing the standard version.")
		)
	headers = {"Content-Type": "application/json"}
	if settings.api_key:
		headers["Authorization"] = f"Bearer {settings.api_key}"
	try:
		response = requests.post(
			settings.url.rstrip("/") + "/chat/completions",
			json={"model": settings.model, "messages": messages, "temperature": 0},
			headers=headers,
			timeout=settings.timeout,
		)
		response.raise_for_status()
		return core.parse_model_reply(response.json())
	except requests.Timeout:
		reason = _("it did not answer within {0} seconds").format(settings.timeout)
	except requests.HTTPError as e:
		reason = _("it answered with HTTP {0}").format(
			e.response.status_code if e.response is not None else "?"
		)
	except (requests.RequestException, ValueError) as e:  # ValueError: not JSON, or core.NextStepError
		reason = str(e)[:200] or e.__class__.__name__
	frappe.log_error("customer_360: assistant request failed", reason)
	raise AssistantUnavailable(
		_("The assistant could not prepare a draft ({0}): showing the standard version instead.").format(
			reason
		)
	)

"""The model client moved to customer_360.assistant.model (shared by questions, briefings, drafts and
summaries); this name stays for callers that import it from next_steps."""

from customer_360.assistant.model import (
	MAX_REPLY_BYTES,
	MAX_TIMEOUT,
	AssistantUnavailable,
	complete,
)

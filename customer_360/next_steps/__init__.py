"""Next steps, briefing and owner digests: the Frappe side of customer_360.core.next_steps.

config     settings (rule thresholds, digest switch, assistant endpoint)
facts      set-based facts per customer, only what the current user may see
service    suggestions, accept (-> ToDo), dismiss (-> Customer Suggestion Decision), email drafts
briefing   the briefing context (from the 360 APIs' own functions, so masking is identical) and notes
assistant  the model client's old name (it lives in customer_360.assistant.model)
digest     the weekly email per account manager
"""

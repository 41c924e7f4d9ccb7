"""The assistant: questions about a customer, model drafts, thread summaries and meeting preparation.

context   what a question is answered from: the 360 page's own services, as the asking user may see them
model     the optional OpenAI-compatible endpoint (rate limit, daily budget, caps), every call logged
log       Customer 360 Assistant Log rows (who, customer, tokens, latency, outcome; never the prompt)
ask       a question -> an answer with citations (deterministic core, or the model with a fallback)
"""

"""The customer read model: one module per kind of customer fact, the only place that queries ERPNext (or the
app's score and timeline tables) for it.

Every function is batch-shaped: a list of customers (None: every customer) and explicit dates or windows, one
grouped query whatever the number of customers. They return plain rows keyed by customer; what a panel, rule
or report makes of them (and who may see it) is decided by their callers.

- receivables: open balance per voucher from the Payment Ledger; payment delay.
- activity: last customer-facing activity and engagement from the timeline index.
- revenue: lifetime value, net billed per window or month, invoice discounts.
- product_mix: net revenue per item group and currency (the product-mix segments).
- orders: buying occasions, cancellations, open orders, returned deliveries.
- issues, quotations: open cases; unanswered quotations and the quotation pipeline.
- scores: the latest stored health score and the score history.
- merges: where a merged customer's name went.
"""

"""Subscription of a customer: started, renewed (its current billing period began after the first), its next
invoice, its end, and its cancellation.

Only the current period is on the Subscription (ERPNext moves current_invoice_start/end forward as it bills),
so "renewed" is the latest renewal; earlier periods are on the timeline as their invoices. The next invoice
is dated the day ERPNext's scheduler will make it (generate_invoice_at: the period's end, its beginning, or
number_of_days before it) and disappears once the subscription is cancelled or completed.

Amount: the plans' total per period (qty x cost), only when every plan has a fixed rate; a price-list or
monthly-rate plan is priced when the invoice is made, so there is no honest figure before it. Read next to
the row by links_sql (Source.link_fields) and by the same subqueries in SQL.
"""

from datetime import timedelta

from customer_360.sources import Source, base_event, day_time, sql

DOCTYPE = "Subscription"
BEGINNING = "Beginning of the current subscription period"
DAYS_BEFORE = "Days before the current subscription period"
ENDED = ("Cancelled", "Completed")
_PLANS = (
	"(select {agg} from `tabSubscription Plan Detail` d join `tabSubscription Plan` p on p.name = d.plan"
	" where d.parent = t.name and d.parenttype = 'Subscription')"
)
PLAN_TOTAL = _PLANS.format(
	agg="if(sum(p.price_determination <> 'Fixed Rate') = 0, sum(d.qty * p.cost), null)"
)
PLAN_CURRENCY = _PLANS.format(agg="if(count(distinct p.currency) = 1, min(p.currency), null)")


def next_invoice_on(row: dict):
	"""The day ERPNext generates the current period's invoice (Subscription.can_generate_new_invoice)."""
	if row.get("generate_invoice_at") == BEGINNING:
		return row.get("current_invoice_start")
	if row.get("generate_invoice_at") == DAYS_BEFORE:
		start = row.get("current_invoice_start")
		return start - timedelta(days=int(row.get("number_of_days") or 0)) if start else None
	return row.get("current_invoice_end")


def _renewed(row: dict) -> bool:
	start, current, trial_end = (
		row.get("start_date"),
		row.get("current_invoice_start"),
		row.get("trial_period_end"),
	)
	if not (start and current and current > start):
		return False
	# The first period after a trial starts the day after it: that is the start of billing, not a renewal.
	return not trial_end or current > trial_end + timedelta(days=1)


def to_events(row: dict) -> list:
	money = {"amount": row.get("plan_total"), "currency": row.get("plan_currency")}
	common = {"source_doctype": DOCTYPE, "event_type": "commitment"}
	events = [
		base_event(
			row,
			kind="subscription_started",
			event_time=day_time(row, "start_date"),
			title=f"Subscription {row['name']} started",
			**money,
			**common,
		)
	]
	if _renewed(row):
		events.append(
			base_event(
				row,
				kind="subscription_renewed",
				event_time=day_time(row, "current_invoice_start"),
				title=f"Subscription {row['name']} renewed",
				summary=f"Period {row['current_invoice_start']} to {row['current_invoice_end']}",
				**money,
				**common,
			)
		)
	due = next_invoice_on(row)
	if due and not row.get("cancelation_date") and row.get("status") not in ENDED:
		events.append(
			base_event(
				row,
				kind="subscription_invoice_due",
				event_time=day_time({**row, "due": due}, "due"),
				title=f"Next invoice of subscription {row['name']}",
				summary=f"Period {row['current_invoice_start']} to {row['current_invoice_end']}",
				**money,
				**common,
			)
		)
	if row.get("end_date"):
		events.append(
			base_event(
				row,
				kind="subscription_ends",
				event_time=day_time(row, "end_date"),
				title=f"Subscription {row['name']} ends",
				**common,
			)
		)
	if row.get("cancelation_date"):
		events.append(
			base_event(
				row,
				kind="subscription_cancelled",
				event_time=day_time(row, "cancelation_date"),
				title=f"Subscription {row['name']} cancelled",
				actor=row.get("modified_by"),
				cancelled=True,
				**common,
			)
		)
	return events


def links_sql(names) -> str:
	return (
		f"select t.name, t.party, null, {PLAN_TOTAL}, {PLAN_CURRENCY}"
		f" from `tab{DOCTYPE}` t where t.party_type = 'Customer' and {names('t.name')}"
	)


_NEXT_INVOICE = (
	f"case t.generate_invoice_at when '{BEGINNING}' then t.current_invoice_start"
	f" when '{DAYS_BEFORE}' then date_sub(t.current_invoice_start, interval coalesce(t.number_of_days, 0) day)"
	" else t.current_invoice_end end"
)
_PERIOD = "concat('Period ', t.current_invoice_start, ' to ', t.current_invoice_end)"
_MONEY = {"amount": PLAN_TOTAL, "currency": PLAN_CURRENCY, "company": "t.company"}
SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("subscription_started"),
		event_type="commitment",
		event_time=sql.day_time("t.start_date"),
		title="concat('Subscription ', t.name, ' started')",
		**_MONEY,
	),
	sql.SqlEvent(
		kind=sql.lit("subscription_renewed"),
		event_type="commitment",
		event_time=sql.day_time("t.current_invoice_start"),
		title="concat('Subscription ', t.name, ' renewed')",
		summary=_PERIOD,
		when="t.start_date is not null and t.current_invoice_start > t.start_date and (t.trial_period_end is null"
		" or t.current_invoice_start > date_add(t.trial_period_end, interval 1 day))",
		**_MONEY,
	),
	sql.SqlEvent(
		kind=sql.lit("subscription_invoice_due"),
		event_type="commitment",
		event_time=sql.day_time(f"({_NEXT_INVOICE})"),
		title="concat('Next invoice of subscription ', t.name)",
		summary=_PERIOD,
		when=f"({_NEXT_INVOICE}) is not null and t.cancelation_date is null"
		" and coalesce(t.status, '') not in ('Cancelled', 'Completed')",
		**_MONEY,
	),
	sql.SqlEvent(
		kind=sql.lit("subscription_ends"),
		event_type="commitment",
		event_time=sql.day_time("t.end_date"),
		title="concat('Subscription ', t.name, ' ends')",
		company="t.company",
		when="t.end_date is not null",
	),
	sql.SqlEvent(
		kind=sql.lit("subscription_cancelled"),
		event_type="commitment",
		event_time=sql.day_time("t.cancelation_date"),
		title="concat('Subscription ', t.name, ' cancelled')",
		company="t.company",
		actor="t.modified_by",
		cancelled="1",
		when="t.cancelation_date is not null",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"party",
		"company",
		"status",
		"start_date",
		"end_date",
		"trial_period_end",
		"current_invoice_start",
		"current_invoice_end",
		"cancelation_date",
		"generate_invoice_at",
		"number_of_days",
	),
	where="party_type = 'Customer'",
	# The plans are child rows: links_sql reads their total with the customer (Source.link_fields).
	customer_column=None,
	links_sql=links_sql,
	link_fields=("plan_total", "plan_currency"),
	sql_direct=("", "t.party"),
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

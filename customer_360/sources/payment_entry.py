from customer_360.sources import day_time, sql, voucher_events, voucher_source

DOCTYPE = "Payment Entry"


def to_events(row: dict) -> list:
	received = row.get("payment_type") == "Receive"
	ref = f" (ref {row['reference_no']})" if row.get("reference_no") else ""
	return voucher_events(
		row,
		DOCTYPE,
		"money",
		"payment_cancelled",
		kind="payment_received" if received else "refund_issued",
		event_time=day_time(row, "posting_date"),
		title=(f"Payment {row['name']}" if received else f"Refund {row['name']}"),
		summary=f"{row.get('mode_of_payment') or 'Payment'}{ref}",
		amount=row.get("paid_amount") if received else row.get("received_amount"),
		currency=row.get("paid_from_account_currency") if received else row.get("paid_to_account_currency"),
	)


_RECEIVED = "t.payment_type = 'Receive'"
SQL_EVENTS = sql.voucher(
	"money",
	"payment_cancelled",
	kind=f"if({_RECEIVED}, 'payment_received', 'refund_issued')",
	event_time=sql.day_time("t.posting_date"),
	title=f"concat(if({_RECEIVED}, 'Payment ', 'Refund '), t.name)",
	summary="concat(coalesce(nullif(t.mode_of_payment, ''), 'Payment'),"
	f" if({sql.given('t.reference_no')}, concat(' (ref ', t.reference_no, ')'), ''))",
	amount=f"if({_RECEIVED}, t.paid_amount, t.received_amount)",
	currency=f"if({_RECEIVED}, t.paid_from_account_currency, t.paid_to_account_currency)",
)

SOURCE = voucher_source(
	DOCTYPE,
	(
		"payment_type",
		"posting_date",
		"paid_amount",
		"received_amount",
		"paid_from_account_currency",
		"paid_to_account_currency",
		"mode_of_payment",
		"reference_no",
	),
	customer_column="party",
	where="docstatus > 0 and party_type = 'Customer' and payment_type in ('Receive', 'Pay')",
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

"""Serial No: the customer's installed base — a serial-numbered item delivered to them, the day its warranty
ends and the day its maintenance contract (AMC) ends.

ERPNext v15 and v16 keep no delivery date on the Serial No (v14's delivery_* fields went with the Serial and
Batch Bundle; v16's posting_date is the receipt that made it). On delivery ERPNext sets `customer`, status
"Delivered" and, when the item has a warranty period, warranty_expiry_date = the delivery's posting date +
warranty_period days; so the delivery day is known exactly when a warranty is, and then the serial gets its
"delivered" event. Without a warranty the delivery note's own event already shows the delivery.

"Under warranty" and "warranty expiring" are the same event seen from either side of its date: one event on
the expiry day, upcoming while the item is under warranty and past once it has expired (a stored "under
warranty" state would be stale the day after; the date is not).

ERPNext writes these fields with a raw UPDATE when a delivery is submitted or cancelled (no Serial No hook
runs, `modified` is not touched): indexer/dependents.py re-indexes a stock voucher's serial numbers.
"""

from datetime import timedelta

from customer_360.sources import Source, base_event, day_time, sql

DOCTYPE = "Serial No"


def _item(row: dict) -> str:
	return row.get("item_name") or row.get("item_code") or row["name"]


def delivered_on(row: dict):
	"""The delivery's posting date, as ERPNext derived the warranty from it; None when it did not."""
	expiry, period = row.get("warranty_expiry_date"), row.get("warranty_period")
	if not expiry or not period or period <= 0:
		return None
	return expiry - timedelta(days=int(period))


def to_events(row: dict) -> list:
	common = {"source_doctype": DOCTYPE, "event_type": "service"}
	events = []
	delivered = delivered_on(row)
	if delivered:
		events.append(
			base_event(
				row,
				kind="serial_delivered",
				event_time=day_time({**row, "delivered": delivered}, "delivered"),
				title=f"Serial no {row['name']} delivered",
				summary=f"{_item(row)} · under warranty until {row['warranty_expiry_date']}",
				**common,
			)
		)
	if row.get("warranty_expiry_date"):
		events.append(
			base_event(
				row,
				kind="warranty_expires",
				event_time=day_time(row, "warranty_expiry_date"),
				title=f"Warranty ends: serial no {row['name']}",
				summary=_item(row),
				**common,
			)
		)
	if row.get("amc_expiry_date"):
		events.append(
			base_event(
				row,
				kind="amc_expires",
				event_time=day_time(row, "amc_expiry_date"),
				title=f"Maintenance contract ends: serial no {row['name']}",
				summary=_item(row),
				**common,
			)
		)
	return events


_ITEM = "coalesce(nullif(t.item_name, ''), nullif(t.item_code, ''), t.name)"
_DELIVERED = "date_sub(t.warranty_expiry_date, interval t.warranty_period day)"
SQL_EVENTS = (
	sql.SqlEvent(
		kind=sql.lit("serial_delivered"),
		event_type="service",
		event_time=sql.day_time(_DELIVERED),
		title="concat('Serial no ', t.name, ' delivered')",
		summary=f"concat({_ITEM}, ' · under warranty until ', t.warranty_expiry_date)",
		company="t.company",
		when="t.warranty_expiry_date is not null and t.warranty_period > 0",
	),
	sql.SqlEvent(
		kind=sql.lit("warranty_expires"),
		event_type="service",
		event_time=sql.day_time("t.warranty_expiry_date"),
		title="concat('Warranty ends: serial no ', t.name)",
		summary=_ITEM,
		company="t.company",
		when="t.warranty_expiry_date is not null",
	),
	sql.SqlEvent(
		kind=sql.lit("amc_expires"),
		event_type="service",
		event_time=sql.day_time("t.amc_expiry_date"),
		title="concat('Maintenance contract ends: serial no ', t.name)",
		summary=_ITEM,
		company="t.company",
		when="t.amc_expiry_date is not null",
	),
)

SOURCE = Source(
	doctype=DOCTYPE,
	fields=(
		"customer",
		"company",
		"item_code",
		"item_name",
		"warranty_expiry_date",
		"warranty_period",
		"amc_expiry_date",
	),
	# A serial has a customer only while it is delivered to them (ERPNext clears it on return or cancel).
	where="customer is not null and customer != ''",
	customer_column="customer",
	to_events=to_events,
	sql_events=SQL_EVENTS,
)

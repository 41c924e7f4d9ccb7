"""The money sources that are not invoices (journal entries, POS invoices, dunning, loyalty points): their pure
mappers. That their SQL writes the same rows is proven by customer_360/tests/test_set_based.py."""

from datetime import date, datetime

import pytest

from customer_360.sources import dunning, journal_entry, loyalty_point_entry, pos_invoice

CREATED = datetime(2024, 3, 5, 9, 41, 17)


def base(**values):
	row = {"name": "DOC-1", "creation": CREATED, "modified": datetime(2024, 3, 9, 16, 20, 5), "owner": "a@x.com",
		"modified_by": "b@x.com", "customer": "CUST-1", "company": "ACME", "contact": None}  # fmt: skip
	row.update(values)
	return row


@pytest.mark.parametrize(
	("net", "bank", "expense", "voucher_type", "kind"),
	[
		(100, 1, 0, "Journal Entry", "journal_receipt"),
		(100, 1, 1, "Bank Entry", "journal_receipt"),
		(-20, 1, 0, "Journal Entry", "journal_refund"),
		(5, 0, 1, "Journal Entry", "write_off"),
		(5, 0, 0, "Write Off Entry", "write_off"),
		(-70, 0, 0, "Journal Entry", "journal_entry"),
		(5, 0, 0, "Opening Entry", "journal_entry"),
		(0, 1, 0, "Journal Entry", "journal_entry"),
		(None, 0, 0, None, "journal_entry"),
	],
)
def test_journal_kind_from_accounts_and_net(net, bank, expense, voucher_type, kind):
	assert journal_entry.kind_of(net, bank, expense, voucher_type) == kind


def test_journal_receipt_event_uses_the_customer_figure_in_its_account_currency():
	row = base(voucher_type="Bank Entry", posting_date=date(2024, 3, 5), cheque_no="CHQ-9", docstatus=1,
		net=1234.5, net_in_account_currency=15.25, account_currency="USD", has_bank=1, has_expense=0)  # fmt: skip
	(event,) = journal_entry.to_events(row)
	assert (event.kind, event.event_type, event.amount, event.currency) == (
		"journal_receipt",
		"money",
		15.25,
		"USD",
	)
	assert event.title == "Receipt DOC-1" and event.summary == "Bank Entry (ref CHQ-9)"
	assert event.event_time == datetime(2024, 3, 5, 9, 41, 17)
	assert "15" not in event.title + event.summary


def test_journal_refund_amount_is_positive_and_cancellation_follows():
	row = base(voucher_type="Journal Entry", posting_date=date(2024, 3, 5), docstatus=2, net=-8,
		net_in_account_currency=-8, account_currency="EUR", has_bank=1, has_expense=0)  # fmt: skip
	refund, cancelled = journal_entry.to_events(row)
	assert (refund.kind, refund.amount, refund.cancelled) == ("journal_refund", 8, 1)
	assert (cancelled.kind, cancelled.event_time, cancelled.actor) == (
		"journal_cancelled",
		row["modified"],
		"b@x.com",
	)


def test_pos_sale_and_return():
	(sale,) = pos_invoice.to_events(base(posting_date=date(2024, 3, 5), posting_time="10:15:00", grand_total=42,
		currency="EUR", is_return=0, pos_profile="Till 1", docstatus=1))  # fmt: skip
	assert (sale.kind, sale.amount, sale.summary) == ("pos_sale", 42, "Till 1")
	assert sale.event_time == datetime(2024, 3, 5, 10, 15)
	ret, cancelled = pos_invoice.to_events(base(posting_date=date(2024, 3, 5), is_return=1, return_against="P-1",
		docstatus=2, grand_total=-5))  # fmt: skip
	assert (ret.kind, ret.summary, cancelled.kind) == ("pos_return", "Return against P-1", "pos_cancelled")


def test_consolidated_pos_invoices_are_not_sources():
	assert "consolidated_invoice" in pos_invoice.SOURCE.where


def test_dunning_and_points():
	(d,) = dunning.to_events(base(posting_date=date(2024, 3, 5), grand_total=120, currency="EUR",
		dunning_type="First Notice", status="Unresolved", docstatus=1))  # fmt: skip
	assert (d.kind, d.summary, d.amount) == ("dunning_sent", "First Notice · Unresolved", 120)
	(earned,) = loyalty_point_entry.to_events(base(posting_date=date(2024, 3, 5), loyalty_points=25,
		purchase_amount=2500, loyalty_program="Gold", invoice="SINV-1"))  # fmt: skip
	assert (earned.kind, earned.amount, earned.title) == ("points_earned", 2500, "25 loyalty points earned")
	(redeemed,) = loyalty_point_entry.to_events(base(posting_date=date(2024, 3, 5), loyalty_points=-4))
	assert (redeemed.kind, redeemed.amount, redeemed.summary) == (
		"points_redeemed",
		None,
		"Loyalty programme",
	)

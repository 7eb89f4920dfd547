"""The drawdown: rules that span a disbursement, the invoices it pays, and its funding account."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import drawdown
from domain.errors import (
    AmountExceedsOpenAmount,
    DisbursementNotInDraft,
    FundingAccountDeactivated,
    InvalidAmount,
    InvoiceNotApproved,
    SeparationOfDutiesViolated,
)
from domain.invoice import PaymentStatus
from tests.unit.builders import (
    APPROVER,
    BANK,
    DISBURSER,
    approved_invoice,
    approved_invoices,
    authorized,
    by_id,
    drafted,
    funded,
    opened_account,
    received_invoice,
)

PURE = settings(max_examples=100, deadline=None)


def test_a_payment_line_copies_what_the_export_needs_from_the_invoice() -> None:
    invoice = approved_invoice("500.00", number="INV-77")
    invoice.record_synced("bill-9", "PS-000077", "erp-sync")
    line = drawdown.payment_line(invoice, "200.00")
    assert (line.invoice_id, line.amount, line.bill_amount) == (
        invoice.id,
        Decimal("200.00"),
        Decimal("500.00"),
    )
    assert (line.invoice_number, line.erp_bill_ref, line.erp_vendor_id) == (
        "PS-000077",
        "bill-9",
        "erp-vendor-1",
    )


def test_a_payment_toward_an_unsynced_invoice_has_no_bill_to_link_to() -> None:
    line = drawdown.payment_line(approved_invoice(number="INV-5"), "1.00")
    assert (line.erp_bill_ref, line.invoice_number) == (None, "INV-5")


def test_an_unapproved_invoice_cannot_be_put_in_a_draft() -> None:
    with pytest.raises(InvoiceNotApproved):
        drafted(opened_account(), [(received_invoice(), "10.00")])


@pytest.mark.parametrize("amount", ["0.00", "-5.00", "1.001", 3.5])
def test_a_payment_amount_must_be_positive_money(amount: object) -> None:
    with pytest.raises(InvalidAmount):
        drafted(opened_account(), [(approved_invoice(), amount)])


def test_an_amount_over_the_open_amount_is_refused_at_draft() -> None:
    with pytest.raises(AmountExceedsOpenAmount):
        drafted(opened_account(), [(approved_invoice("100.00"), "100.01")])


def test_an_amount_paid_by_another_disbursement_meanwhile_is_refused_at_authorization() -> None:
    account, invoice = opened_account(), approved_invoice("100.00")
    first = drafted(account, [(invoice, "80.00")])
    second = drafted(account, [(invoice, "80.00")])  # both fit the invoice when drafted
    drawdown.authorize(first, account, by_id([invoice]), DISBURSER)
    account.collect_events()
    with pytest.raises(AmountExceedsOpenAmount):
        drawdown.authorize(second, account, by_id([invoice]), DISBURSER)
    assert account.collect_events() == []
    assert second.authorized_by is None


@PURE
@given(st.integers(min_value=1, max_value=15), st.integers(min_value=1, max_value=10**9))
def test_authorization_gives_every_payment_the_next_consecutive_numbers_and_the_bank_id(
    payment_count: int, next_check_number: int
) -> None:
    account = opened_account(next_check_number=next_check_number, bank_id="CHK-0042")
    disbursement = authorized(account, approved_invoices(payment_count), "10.00")
    payments = list(disbursement.payments.values())
    assert [p.check_number for p in payments] == list(
        range(next_check_number, next_check_number + payment_count)
    )
    assert {p.bank_id for p in payments} == {"CHK-0042"}
    assert account.next_check_number == next_check_number + payment_count
    assert disbursement.authorized_by == DISBURSER


def test_authorization_skips_check_numbers_typed_by_hand() -> None:
    account = opened_account(next_check_number=100)
    account.claim_check_number(uuid4(), 101, "ann.accountant")
    disbursement = authorized(account, approved_invoices(3), "10.00")
    assert [p.check_number for p in disbursement.payments.values()] == [100, 102, 103]


def test_a_changed_bank_id_goes_to_payments_authorized_later() -> None:
    account = opened_account(bank_id="35")
    before = authorized(account, approved_invoices(1), "10.00")
    account.change_bank_id("36", "payments-admin")
    after = authorized(account, approved_invoices(1), "10.00")
    assert [p.bank_id for p in before.payments.values()] == ["35"]
    assert [p.bank_id for p in after.payments.values()] == ["36"]


def test_authorization_sets_each_amount_aside_on_its_invoice() -> None:
    invoice = approved_invoice("100.00")
    disbursement = authorized(opened_account(), [invoice], "60.00")
    assert invoice.committed == {next(iter(disbursement.payments)): Decimal("60.00")}
    assert invoice.open_amount == Decimal("40.00")


def test_the_approver_of_an_invoice_may_not_authorize_the_disbursement_that_pays_it() -> None:
    account = opened_account()
    invoices = [approved_invoice(number="INV-1", approver="bob"), approved_invoice(number="INV-2")]
    disbursement = drafted(account, [(invoice, "10.00") for invoice in invoices])
    with pytest.raises(SeparationOfDutiesViolated):
        drawdown.authorize(disbursement, account, by_id(invoices), APPROVER)
    assert disbursement.authorized_by is None
    assert account.issued.highest is None


def test_a_disbursement_is_authorized_once() -> None:
    account, invoices = opened_account(), approved_invoices(1)
    disbursement = authorized(account, invoices, "10.00")
    with pytest.raises(DisbursementNotInDraft):
        drawdown.authorize(disbursement, account, by_id(invoices), DISBURSER)


def test_a_deactivated_account_funds_no_new_draft() -> None:
    account = opened_account()
    account.deactivate("payments-admin")
    with pytest.raises(FundingAccountDeactivated):
        drafted(account, [(approved_invoice(), "10.00")])


def test_a_deactivated_account_funds_no_authorization() -> None:
    account, invoices = opened_account(), approved_invoices(1)
    disbursement = drafted(account, [(invoices[0], "10.00")])
    account.deactivate("payments-admin")
    with pytest.raises(FundingAccountDeactivated):
        drawdown.authorize(disbursement, account, by_id(invoices), DISBURSER)
    assert disbursement.authorized_by is None


def test_completed_funding_counts_the_payments_on_their_invoices() -> None:
    full, partial = approved_invoice("10.00", "INV-1"), approved_invoice("20.00", "INV-2")
    funded(opened_account(), [full, partial], amount="10.00")
    assert full.payment_status is PaymentStatus.PAID
    assert partial.payment_status is PaymentStatus.PARTIALLY_PAID
    assert (full.committed, partial.committed) == ({}, {})


def test_failed_funding_reopens_the_amounts_set_aside() -> None:
    account, invoices = opened_account(), approved_invoices(2, amount_due="10.00")
    disbursement = authorized(account, invoices, "10.00")
    drawdown.fail_funding(disbursement, by_id(invoices), "returned by the bank", BANK)
    for invoice in invoices:
        assert invoice.open_amount == Decimal("10.00")
        assert invoice.payment_status is PaymentStatus.UNPAID
    authorized(account, invoices, "10.00")

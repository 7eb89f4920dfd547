"""Invoice: approved before it is synced or paid; payments never exceed the amount due."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import (
    AmountExceedsOpenAmount,
    InvalidAmount,
    InvalidText,
    InvoiceAlreadyApproved,
    InvoiceNotApproved,
    InvoiceStillNotSynced,
    SeparationOfDutiesViolated,
)
from domain.invoice import ErpSyncStatus, PaymentStatus
from domain.money import ZERO
from tests.unit.builders import APPROVER, approved_invoice, rebuilt, received_invoice, state_of

PURE = settings(max_examples=150, deadline=None)
DISBURSER = "dan.disburser"
BANK = "bank-webhook"


def test_a_received_invoice_awaits_approval_unpaid_and_not_synced() -> None:
    invoice = received_invoice("250.00")
    assert not invoice.is_approved
    assert invoice.payment_status is PaymentStatus.UNPAID
    assert invoice.erp_sync_status is ErpSyncStatus.NOT_SYNCED
    assert invoice.open_amount == Decimal("250.00")


@pytest.mark.parametrize("amount_due", ["0", "-10.00", "10.001", 10.5, "ten"])
def test_an_invoice_is_received_only_with_a_positive_amount_due(amount_due: object) -> None:
    with pytest.raises(InvalidAmount):
        received_invoice(amount_due)


def test_an_invoice_is_received_only_with_an_invoice_number() -> None:
    with pytest.raises(InvalidText):
        received_invoice(number="   ")


def test_an_invoice_must_be_approved_before_it_is_paid() -> None:
    invoice = received_invoice()
    with pytest.raises(InvoiceNotApproved):
        invoice.commit_payment(uuid4(), Decimal("1.00"), DISBURSER)
    assert invoice.committed == {}


def test_an_invoice_must_be_approved_before_it_is_synced() -> None:
    with pytest.raises(InvoiceNotApproved):
        received_invoice().record_synced("bill-1", "INV-1", "erp-sync")


def test_approving_an_invoice_twice_is_refused() -> None:
    invoice = approved_invoice(approver=APPROVER)
    with pytest.raises(InvoiceAlreadyApproved):
        invoice.approve("someone.else")
    assert invoice.approved_by == APPROVER


def test_syncing_an_invoice_again_keeps_its_first_erp_reference() -> None:
    invoice = approved_invoice()
    invoice.record_synced("bill-1", "INV-1", "erp-sync")
    invoice.record_synced("bill-2", "INV-1b", "erp-sync")
    assert (invoice.erp_ref, invoice.erp_sync_status) == ("bill-1", ErpSyncStatus.SYNCED)
    assert invoice.require_erp_ref() == "bill-1"


def test_an_unsynced_invoice_has_no_erp_reference_to_link_to() -> None:
    with pytest.raises(InvoiceStillNotSynced):
        approved_invoice().require_erp_ref()


def test_the_approver_of_an_invoice_may_not_authorize_its_payment() -> None:
    invoice = approved_invoice(approver=APPROVER)
    with pytest.raises(SeparationOfDutiesViolated):
        invoice.check_not_approved_by(APPROVER)
    invoice.check_not_approved_by(DISBURSER)


@pytest.mark.parametrize("spelled", ["ALICE", "Alice", "alice", "ALİCE".replace("İ", "I")])
def test_the_approver_is_one_person_however_their_name_is_cased(spelled: str) -> None:
    invoice = approved_invoice(approver="alice")
    with pytest.raises(SeparationOfDutiesViolated):
        invoice.check_not_approved_by(spelled)


def test_a_payment_over_the_open_amount_is_refused() -> None:
    invoice = approved_invoice("100.00")
    invoice.commit_payment(uuid4(), Decimal("60.00"), DISBURSER)
    with pytest.raises(AmountExceedsOpenAmount):
        invoice.commit_payment(uuid4(), Decimal("40.01"), DISBURSER)
    invoice.commit_payment(uuid4(), Decimal("40.00"), DISBURSER)
    assert invoice.open_amount == ZERO


def test_a_released_commitment_reopens_the_amount() -> None:
    invoice = approved_invoice("100.00")
    payment_id = uuid4()
    invoice.commit_payment(payment_id, Decimal("100.00"), DISBURSER)
    invoice.release_payment(payment_id, BANK)
    assert invoice.open_amount == Decimal("100.00")
    invoice.commit_payment(uuid4(), Decimal("100.00"), DISBURSER)


def test_a_committed_payment_is_not_yet_counted_as_paid() -> None:
    invoice = approved_invoice("100.00")
    invoice.commit_payment(uuid4(), Decimal("100.00"), DISBURSER)
    assert invoice.payment_status is PaymentStatus.UNPAID
    assert invoice.amount_paid == ZERO


def test_completing_or_releasing_an_unknown_payment_records_nothing() -> None:
    invoice = approved_invoice()
    invoice.collect_events()
    invoice.complete_payment(uuid4(), BANK)
    invoice.release_payment(uuid4(), BANK)
    assert invoice.collect_events() == []


def expected_status(amount_paid: Decimal, amount_due: Decimal) -> PaymentStatus:
    if amount_paid >= amount_due:
        return PaymentStatus.PAID
    return PaymentStatus.PARTIALLY_PAID if amount_paid > ZERO else PaymentStatus.UNPAID


payment_attempts = st.lists(
    st.tuples(
        st.decimals(min_value="0.01", max_value="400.00", places=2),
        st.sampled_from(["complete", "release", "leave committed"]),
    ),
    max_size=12,
)


@PURE
@given(st.decimals(min_value="0.01", max_value="1000.00", places=2), payment_attempts)
def test_payment_status_follows_completed_payments_and_never_exceeds_the_amount_due(
    amount_due: Decimal, attempts: list[tuple[Decimal, str]]
) -> None:
    invoice = approved_invoice(amount_due)
    paid = committed = ZERO
    for amount, outcome in attempts:
        payment_id = uuid4()
        if amount > amount_due - paid - committed:
            with pytest.raises(AmountExceedsOpenAmount):
                invoice.commit_payment(payment_id, amount, DISBURSER)
            continue
        invoice.commit_payment(payment_id, amount, DISBURSER)
        if outcome == "complete":
            invoice.complete_payment(payment_id, BANK)
            paid += amount
        elif outcome == "release":
            invoice.release_payment(payment_id, BANK)
        else:
            committed += amount
        assert invoice.amount_paid == paid
        assert invoice.amount_paid + sum(invoice.committed.values(), ZERO) <= amount_due
        assert invoice.open_amount == amount_due - paid - committed
        assert invoice.payment_status is expected_status(paid, amount_due)
    assert state_of(rebuilt(invoice)) == state_of(invoice)


def test_an_invoice_paid_in_full_is_paid() -> None:
    invoice = approved_invoice("100.00")
    for amount in ("30.00", "70.00"):
        payment_id = uuid4()
        invoice.commit_payment(payment_id, Decimal(amount), DISBURSER)
        invoice.complete_payment(payment_id, BANK)
        expected = PaymentStatus.PARTIALLY_PAID if amount == "30.00" else PaymentStatus.PAID
        assert invoice.payment_status is expected

"""Disbursement: 1 to 100 payments, each invoice once, edited only in draft, funded once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from domain import drawdown
from domain.disbursement import MAX_PAYMENTS, Disbursement, DisbursementStatus
from domain.errors import (
    CancelReasonMissing,
    DisbursementNotInDraft,
    FundingNotRequested,
    InvoicePaidTwiceInDisbursement,
    PaymentCountOutOfRange,
    UnknownPayment,
)
from domain.invoice_payment import ExportStatus, PayoutStatus
from tests.unit.builders import (
    BANK,
    COMPANY,
    DISBURSER,
    approved_invoice,
    approved_invoices,
    authorized,
    by_id,
    drafted,
    funded,
    only_payment,
    opened_account,
    rebuilt,
    state_of,
)

FUNDED_AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def draft_paying(count: int) -> Disbursement:
    return drafted(opened_account(), [(invoice, "10.00") for invoice in approved_invoices(count)])


def test_a_disbursement_pays_at_least_one_invoice() -> None:
    with pytest.raises(PaymentCountOutOfRange):
        Disbursement.draft(
            company_id=COMPANY, name="Empty", funding_account_id=uuid4(), lines=[], actor=DISBURSER
        )


def test_a_disbursement_pays_at_most_100_invoices() -> None:
    invoices = approved_invoices(MAX_PAYMENTS + 1)
    assert len(drafted(opened_account(), [(i, "10.00") for i in invoices[:-1]]).payments) == 100
    with pytest.raises(PaymentCountOutOfRange):
        drafted(opened_account(), [(invoice, "10.00") for invoice in invoices])


def test_a_101st_payment_cannot_be_added() -> None:
    invoices = approved_invoices(MAX_PAYMENTS + 1)
    disbursement = drafted(opened_account(), [(i, "10.00") for i in invoices[:-1]])
    with pytest.raises(PaymentCountOutOfRange):
        disbursement.add_payment(drawdown.payment_line(invoices[-1], "10.00"), DISBURSER)


def test_the_last_payment_cannot_be_removed() -> None:
    disbursement = draft_paying(1)
    with pytest.raises(PaymentCountOutOfRange):
        disbursement.remove_payment(only_payment(disbursement).id, DISBURSER)


def test_a_disbursement_pays_each_invoice_at_most_once() -> None:
    invoice = approved_invoice()
    with pytest.raises(InvoicePaidTwiceInDisbursement):
        drafted(opened_account(), [(invoice, "10.00"), (invoice, "20.00")])
    disbursement = drafted(opened_account(), [(invoice, "10.00")])
    with pytest.raises(InvoicePaidTwiceInDisbursement):
        disbursement.add_payment(drawdown.payment_line(invoice, "5.00"), DISBURSER)


def test_payments_can_be_added_removed_and_changed_in_draft() -> None:
    first, second = approved_invoices(2)
    disbursement = drafted(opened_account(), [(first, "10.00")])
    line = drawdown.payment_line(second, "20.00")
    disbursement.add_payment(line, DISBURSER)
    disbursement.change_amount(line.payment_id, Decimal("25.00"), DISBURSER)
    disbursement.remove_payment(next(iter(disbursement.payments)), DISBURSER)
    assert [p.amount for p in disbursement.payments.values()] == [Decimal("25.00")]
    assert state_of(rebuilt(disbursement)) == state_of(disbursement)


def test_changing_an_amount_to_the_same_amount_records_nothing() -> None:
    disbursement = draft_paying(1)
    disbursement.collect_events()
    disbursement.change_amount(only_payment(disbursement).id, Decimal("10.00"), DISBURSER)
    assert disbursement.collect_events() == []


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.remove_payment(uuid4(), DISBURSER),
        lambda d: d.change_amount(uuid4(), Decimal("1.00"), DISBURSER),
    ],
    ids=["remove", "change amount"],
)
def test_an_unknown_payment_cannot_be_edited(edit: Callable[[Disbursement], None]) -> None:
    disbursement = draft_paying(2)
    with pytest.raises(UnknownPayment):
        edit(disbursement)


def authorized_paying_two() -> Disbursement:
    return authorized(opened_account(), approved_invoices(2), "10.00")


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.add_payment(drawdown.payment_line(approved_invoice(), "1.00"), DISBURSER),
        lambda d: d.remove_payment(next(iter(d.payments)), DISBURSER),
        lambda d: d.change_amount(next(iter(d.payments)), Decimal("1.00"), DISBURSER),
        lambda d: d.authorize([1, 2], "35", DISBURSER),
    ],
    ids=["add", "remove", "change amount", "authorize again"],
)
def test_payments_change_only_in_draft(edit: Callable[[Disbursement], None]) -> None:
    disbursement = authorized_paying_two()
    disbursement.collect_events()
    with pytest.raises(DisbursementNotInDraft):
        edit(disbursement)
    assert disbursement.collect_events() == []


def test_a_draft_is_canceled_with_its_reason() -> None:
    disbursement = draft_paying(1)
    disbursement.cancel("  paid by wire instead ", DISBURSER)
    assert disbursement.status is DisbursementStatus.CANCELED
    assert disbursement.cancel_reason == "paid by wire instead"


@pytest.mark.parametrize("reason", ["", "   ", None, 42])
def test_canceling_needs_a_reason(reason: object) -> None:
    disbursement = draft_paying(1)
    with pytest.raises(CancelReasonMissing):
        disbursement.cancel(reason, DISBURSER)
    assert disbursement.status is DisbursementStatus.DRAFT


@pytest.mark.parametrize("state", ["authorized", "canceled"])
def test_only_a_draft_can_be_canceled(state: str) -> None:
    disbursement = authorized_paying_two() if state == "authorized" else draft_paying(1)
    if state == "canceled":
        disbursement.cancel("duplicate", DISBURSER)
    with pytest.raises(DisbursementNotInDraft):
        disbursement.cancel("changed my mind", DISBURSER)


def disbursement_in(state: str) -> Disbursement:
    if state == "draft":
        return draft_paying(1)
    if state == "canceled":
        disbursement = draft_paying(1)
        disbursement.cancel("duplicate", DISBURSER)
        return disbursement
    disbursement = authorized_paying_two()
    if state == "funding_complete":
        disbursement.complete_funding(FUNDED_AT, True, BANK)
    elif state == "funding_failed":
        disbursement.fail_funding("insufficient funds", BANK)
    return disbursement


FUNDING_OUTCOMES: dict[str, Callable[[Disbursement], None]] = {
    "complete": lambda d: d.complete_funding(FUNDED_AT, True, BANK),
    "fail": lambda d: d.fail_funding("insufficient funds", BANK),
}


@pytest.mark.parametrize("state", ["draft", "canceled", "funding_complete", "funding_failed"])
@pytest.mark.parametrize("outcome", FUNDING_OUTCOMES.values(), ids=FUNDING_OUTCOMES.keys())
def test_funding_completes_or_fails_only_after_it_was_requested(
    state: str, outcome: Callable[[Disbursement], None]
) -> None:
    disbursement = disbursement_in(state)
    disbursement.collect_events()
    with pytest.raises(FundingNotRequested):
        outcome(disbursement)
    assert disbursement.status.value == state
    assert disbursement.collect_events() == []


def test_completed_funding_makes_payment_records_pending_when_sync_is_on() -> None:
    disbursement = funded(opened_account(), approved_invoices(3), sync=True)
    assert disbursement.status is DisbursementStatus.FUNDING_COMPLETE
    assert disbursement.funded_at == FUNDED_AT
    for payment in disbursement.payments.values():
        assert payment.payout_status is PayoutStatus.COMPLETED
        assert payment.export_status is ExportStatus.PENDING
        assert payment.export_attempt == 1


def test_completed_funding_marks_payment_records_sync_disabled_when_sync_is_off() -> None:
    disbursement = funded(opened_account(), approved_invoices(3), sync=False)
    for payment in disbursement.payments.values():
        assert payment.payout_status is PayoutStatus.COMPLETED
        assert payment.export_status is ExportStatus.SYNC_DISABLED
        assert payment.export_attempt == 0


def test_failed_funding_fails_every_payout_and_exports_nothing() -> None:
    account, invoices = opened_account(), approved_invoices(2)
    disbursement = authorized(account, invoices, "10.00")
    drawdown.fail_funding(disbursement, by_id(invoices), "insufficient funds", BANK)
    assert disbursement.status is DisbursementStatus.FUNDING_FAILED
    assert disbursement.funding_failure_reason == "insufficient funds"
    for payment in disbursement.payments.values():
        assert payment.payout_status is PayoutStatus.FAILED
        assert payment.export_status is ExportStatus.NOT_READY


def test_a_disbursement_rebuilt_from_its_events_is_the_same() -> None:
    disbursement = funded(opened_account(), approved_invoices(4), sync=True)
    assert state_of(rebuilt(disbursement)) == state_of(disbursement)

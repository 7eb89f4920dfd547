"""A payout the bank returns after funding completed: the invoice owes it again."""

from __future__ import annotations

import pytest

from domain import drawdown
from domain.errors import PayoutNotCompleted
from domain.invoice import PaymentStatus
from domain.invoice_payment import ExportStatus, PayoutStatus
from tests.unit.builders import (
    BANK,
    approved_invoices,
    authorized,
    funded,
    only_payment,
    opened_account,
    rebuilt,
    state_of,
)


def test_a_returned_payout_reopens_the_invoice_and_keeps_the_export_as_it_was() -> None:
    invoices = approved_invoices(1)
    disbursement = funded(opened_account(), invoices)
    payment = only_payment(disbursement)

    drawdown.return_payout(disbursement, invoices[0], payment.id, "R03 no account", BANK)

    assert payment.payout_status is PayoutStatus.FAILED
    assert payment.export_status is ExportStatus.PENDING
    assert invoices[0].payment_status is PaymentStatus.UNPAID
    assert invoices[0].open_amount == invoices[0].amount_due
    assert state_of(rebuilt(disbursement)) == state_of(disbursement)


def test_only_a_completed_payout_can_be_returned() -> None:
    invoices = approved_invoices(1)
    disbursement = authorized(opened_account(), invoices)
    disbursement.collect_events()
    with pytest.raises(PayoutNotCompleted):
        disbursement.return_payout(only_payment(disbursement).id, "R03", BANK)
    assert disbursement.collect_events() == []


def test_a_payout_is_returned_once() -> None:
    invoices = approved_invoices(1)
    disbursement = funded(opened_account(), invoices)
    payment = only_payment(disbursement)
    drawdown.return_payout(disbursement, invoices[0], payment.id, "R03", BANK)
    with pytest.raises(PayoutNotCompleted):
        disbursement.return_payout(payment.id, "R03", BANK)

"""The read models' fold of a disbursement agrees with the aggregate, and keeps the moments."""

from __future__ import annotations

from datetime import UTC, datetime

from application.read_models.disbursement_state import DisbursementState, drafted, fold
from domain import drawdown
from domain.disbursement import Disbursement
from domain.export_failure import ExportFailureReason
from domain.funding_account import FundingAccount
from tests.unit.builders import BANK, DISBURSER, approved_invoices


def test_the_fold_of_a_disbursements_events_shows_what_the_aggregate_shows() -> None:
    invoices = {invoice.id: invoice for invoice in approved_invoices(2)}
    for invoice in invoices.values():
        invoice.record_synced(f"B-{invoice.id}", invoice.invoice_number, "ann")
    account = FundingAccount.open(
        company_id="acme-builders", nickname="Op", bank_id="1001", next_check_number=100,
        actor=DISBURSER,
    )  # fmt: skip
    disbursement = drawdown.draft_disbursement(
        name="Nov", account=account, payments=[(i, "100.00") for i in invoices.values()],
        actor=DISBURSER,
    )  # fmt: skip
    drawdown.authorize(disbursement, account, invoices, DISBURSER)
    drawdown.complete_funding(
        disbursement, invoices, funded_at=datetime(2026, 11, 24, 15, tzinfo=UTC),
        payment_record_sync_enabled=True, actor=BANK,
    )  # fmt: skip
    first, second = disbursement.payments.values()
    disbursement.record_export_succeeded(first.id, 1, "P-1", False, "worker")
    disbursement.record_export_failed(
        second.id, 1, ExportFailureReason.CHECK_NUMBER_IN_USE, "in use", "6140", "worker"
    )
    disbursement.edit_check_number(second.id, 5000, "ann")

    events = disbursement.collect_events()
    state = folded(events)

    assert state.status == disbursement.status.value
    for payment in disbursement.payments.values():
        folded_payment = state.payment(payment.id)
        assert folded_payment.export_status == payment.export_status.value
        assert folded_payment.check is not None
        assert folded_payment.check.number == payment.check_number
        assert folded_payment.attempt == payment.export_attempt
    earlier = state.payment(second.id).earlier_checks
    assert [(c.number, c.replaced_by, c.export_status) for c in earlier] == [
        (101, 5000, "failed_to_export"),
    ]
    assert state.funded_at == "2026-11-24T15:00:00.000000Z"


def folded(events: list[object]) -> DisbursementState:
    created, *later = events
    assert isinstance(created, Disbursement.DisbursementDrafted)
    state = drafted(created, 1)
    for position, event in enumerate(later, start=2):
        fold(state, event, position)  # type: ignore[arg-type]
    return DisbursementState.from_doc(state.to_doc())  # and it survives being stored

"""The payment-record export: outcomes per attempt, fixes only on failed records, safe retries."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.disbursement import Disbursement
from domain.errors import (
    ExportNotPending,
    InvalidText,
    PaymentNotFailedToExport,
    RelinkBeforeExporting,
    RetryBeforeEditing,
)
from domain.export_failure import ExportFailureReason
from domain.invoice_payment import ExportStatus, InvoicePayment
from domain.payment_export import waits_for_its_invoice
from domain.text import bank_id
from tests.unit.builders import (
    ACCOUNTANT,
    approved_invoices,
    authorized,
    funded,
    only_payment,
    opened_account,
    rebuilt,
    state_of,
)

PURE = settings(max_examples=100, deadline=None)
EXPORTER = "erp-export"
UNAVAILABLE = ExportFailureReason.ERP_UNAVAILABLE
PERMANENT_REASONS = [reason for reason in ExportFailureReason if not reason.is_transient]


def pending() -> tuple[Disbursement, InvoicePayment]:
    disbursement = funded(opened_account(), approved_invoices(1), sync=True)
    return disbursement, only_payment(disbursement)


def failed(
    reason: ExportFailureReason = ExportFailureReason.CHECK_NUMBER_IN_USE,
) -> tuple[Disbursement, InvoicePayment]:
    disbursement, payment = pending()
    fail(disbursement, payment, reason)
    return disbursement, payment


def fail(disbursement: Disbursement, payment: InvoicePayment, reason: ExportFailureReason) -> None:
    disbursement.record_export_failed(
        payment.id, payment.export_attempt, reason, "the ERP said no", "6140", EXPORTER
    )


def succeed(disbursement: Disbursement, payment: InvoicePayment) -> None:
    disbursement.record_export_succeeded(
        payment.id, payment.export_attempt, "erp-payment-1", False, EXPORTER
    )


def in_state(state: str) -> tuple[Disbursement, InvoicePayment]:
    if state == "not_ready":
        disbursement = authorized(opened_account(), approved_invoices(1), "10.00")
        return disbursement, only_payment(disbursement)
    if state == "sync_disabled":
        disbursement = funded(opened_account(), approved_invoices(1), sync=False)
        return disbursement, only_payment(disbursement)
    disbursement, payment = pending()
    if state == "exported":
        succeed(disbursement, payment)
    return disbursement, payment


FIXES: dict[str, Callable[[Disbursement, InvoicePayment], None]] = {
    "edit check number": lambda d, p: d.edit_check_number(p.id, 9999, ACCOUNTANT),
    "edit Bank ID": lambda d, p: d.edit_bank_id(p.id, "36", ACCOUNTANT),
    "relink": lambda d, p: d.relink(p.id, "bill-7", ACCOUNTANT),
    "export": lambda d, p: d.request_export(p.id, ACCOUNTANT) and None,
    "mark as exported": lambda d, p: d.mark_as_exported(p.id, "QB-1", "typed in", ACCOUNTANT),
}
EDITS = {name: FIXES[name] for name in ("edit check number", "edit Bank ID", "relink")}
# An edit that changes something each time it is made (the same value twice records nothing).
CHANGING_EDITS: dict[str, Callable[[Disbursement, InvoicePayment, int], None]] = {
    "edit check number": lambda d, p, n: d.edit_check_number(p.id, 9000 + n, ACCOUNTANT),
    "edit Bank ID": lambda d, p, n: d.edit_bank_id(p.id, f"bank-{n}", ACCOUNTANT),
    "relink": lambda d, p, n: d.relink(p.id, f"bill-{n}", ACCOUNTANT),
}


@pytest.mark.parametrize("fix", FIXES.values(), ids=FIXES.keys())
@pytest.mark.parametrize("state", ["not_ready", "sync_disabled", "pending", "exported"])
def test_a_record_is_fixed_exported_or_marked_only_while_it_failed_to_export(
    state: str, fix: Callable[[Disbursement, InvoicePayment], None]
) -> None:
    disbursement, payment = in_state(state)
    disbursement.collect_events()
    with pytest.raises(PaymentNotFailedToExport):
        fix(disbursement, payment)
    assert payment.export_status.value == state
    assert disbursement.collect_events() == []


@pytest.mark.parametrize("fix", FIXES.values(), ids=FIXES.keys())
def test_a_failed_record_can_be_fixed_exported_or_marked(
    fix: Callable[[Disbursement, InvoicePayment], None],
) -> None:
    disbursement, payment = failed()
    disbursement.collect_events()
    fix(disbursement, payment)
    assert len(disbursement.collect_events()) == 1


def test_a_fix_to_the_same_value_records_nothing() -> None:
    disbursement, payment = failed()
    disbursement.collect_events()
    assert payment.check_number is not None
    disbursement.edit_check_number(payment.id, payment.check_number, ACCOUNTANT)
    assert payment.bank_id is not None
    disbursement.edit_bank_id(payment.id, bank_id(f" {payment.bank_id} "), ACCOUNTANT)
    assert disbursement.collect_events() == []


def test_a_blank_bank_id_is_refused_before_it_reaches_the_record() -> None:
    with pytest.raises(InvalidText):
        bank_id("  ")


def test_a_failure_is_kept_with_the_erps_own_words() -> None:
    _, payment = failed(ExportFailureReason.CHECK_NUMBER_IN_USE)
    assert payment.export_status is ExportStatus.FAILED_TO_EXPORT
    assert payment.export_failure is not None
    assert (payment.export_failure.reason, payment.export_failure.erp_code) == (
        ExportFailureReason.CHECK_NUMBER_IN_USE,
        "6140",
    )


@pytest.mark.parametrize("check_run", [False, True], ids=["posted", "marked for check run"])
def test_a_success_records_the_erps_reference(check_run: bool) -> None:
    disbursement, payment = pending()
    disbursement.record_export_succeeded(payment.id, 1, "erp-9", check_run, EXPORTER)
    expected = ExportStatus.MARKED_FOR_CHECK_RUN if check_run else ExportStatus.EXPORTED
    assert (payment.export_status, payment.erp_payment_ref) == (expected, "erp-9")
    assert payment.exported_at is not None


def test_a_success_after_a_failure_clears_the_failure() -> None:
    disbursement, payment = failed(UNAVAILABLE)
    disbursement.request_export(payment.id, ACCOUNTANT)
    succeed(disbursement, payment)
    assert payment.export_failure is None


OUTCOMES: dict[str, Callable[[Disbursement, InvoicePayment], None]] = {
    "succeeded": succeed,
    "failed": lambda d, p: fail(d, p, UNAVAILABLE),
}


@pytest.mark.parametrize("outcome", OUTCOMES.values(), ids=OUTCOMES.keys())
@pytest.mark.parametrize("state", ["not_ready", "sync_disabled", "exported", "failed_to_export"])
def test_an_outcome_is_recorded_only_while_the_record_is_pending(
    outcome: Callable[[Disbursement, InvoicePayment], None], state: str
) -> None:
    disbursement, payment = failed() if state == "failed_to_export" else in_state(state)
    disbursement.collect_events()
    with pytest.raises(ExportNotPending):
        outcome(disbursement, payment)
    assert disbursement.collect_events() == []


def test_an_outcome_for_an_earlier_attempt_is_refused() -> None:
    disbursement, payment = failed(ExportFailureReason.BANK_ID_NOT_FOUND)
    disbursement.edit_bank_id(payment.id, "36", ACCOUNTANT)
    assert disbursement.request_export(payment.id, ACCOUNTANT) == 2
    with pytest.raises(ExportNotPending):
        disbursement.record_export_succeeded(payment.id, 1, "late-answer", False, EXPORTER)
    assert payment.export_status is ExportStatus.PENDING


def test_a_retry_after_the_erp_was_unavailable_keeps_the_same_attempt_and_key() -> None:
    disbursement, payment = failed(UNAVAILABLE)
    key = payment.idempotency_key()
    assert disbursement.request_export(payment.id, ACCOUNTANT) == 1
    assert payment.idempotency_key() == key


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_record_the_erp_may_hold_cannot_be_edited_before_it_is_exported_again(
    edit: Callable[[Disbursement, InvoicePayment], None],
) -> None:
    disbursement, payment = failed(UNAVAILABLE)
    disbursement.collect_events()
    with pytest.raises(RetryBeforeEditing):
        edit(disbursement, payment)
    assert disbursement.collect_events() == []


@pytest.mark.parametrize("reason", PERMANENT_REASONS)
def test_a_retry_after_a_permanent_failure_is_a_new_attempt(reason: ExportFailureReason) -> None:
    disbursement, payment = failed(reason)
    key = payment.idempotency_key()
    assert export_again(disbursement, payment) == 2
    assert payment.idempotency_key() != key


def export_again(disbursement: Disbursement, payment: InvoicePayment) -> int:
    """Export clicked, after relinking a record that still waits for its invoice's bill."""
    if waits_for_its_invoice(payment):
        disbursement.relink(payment.id, "bill-synced-later", ACCOUNTANT)
    return disbursement.request_export(payment.id, ACCOUNTANT)


def test_exporting_a_record_that_still_links_no_bill_is_refused_until_it_is_relinked() -> None:
    disbursement, payment = failed(ExportFailureReason.INVOICE_NOT_SYNCED)
    assert payment.erp_bill_ref is None
    disbursement.collect_events()
    with pytest.raises(RelinkBeforeExporting, match="sync the invoice"):
        disbursement.request_export(payment.id, ACCOUNTANT)
    assert disbursement.collect_events() == []
    assert disbursement.relink_and_export(payment.id, "bill-7", EXPORTER)
    assert (payment.export_status, payment.erp_bill_ref) == (ExportStatus.PENDING, "bill-7")
    assert not disbursement.relink_and_export(payment.id, "bill-7", EXPORTER)  # waits no more


def test_a_record_marked_as_exported_is_exported_with_the_reference_typed() -> None:
    disbursement, payment = failed()
    disbursement.mark_as_exported(payment.id, " QB-77 ", None, ACCOUNTANT)
    assert (payment.export_status, payment.erp_payment_ref) == (ExportStatus.EXPORTED, "QB-77")


retry_rounds = st.lists(
    st.tuples(st.sampled_from(list(ExportFailureReason)), st.sampled_from([None, *CHANGING_EDITS])),
    min_size=1,
    max_size=8,
)


@PURE
@given(retry_rounds)
def test_the_idempotency_key_is_reused_only_after_an_unavailable_erp(
    rounds: list[tuple[ExportFailureReason, str | None]],
) -> None:
    disbursement, payment = pending()
    for n, (reason, edit) in enumerate(rounds):
        fail(disbursement, payment, reason)
        key = payment.idempotency_key()
        if edit is not None and not reason.is_transient:  # edits wait for a refusal
            CHANGING_EDITS[edit](disbursement, payment, n)
        export_again(disbursement, payment)
        reused = payment.idempotency_key() == key
        assert reused == reason.is_transient
    assert state_of(rebuilt(disbursement)) == state_of(disbursement)

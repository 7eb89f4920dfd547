"""What the read models remember of a disbursement: its events folded, with when each happened.

The aggregate keeps what its rules need; reports also need the moments (drafted, authorized,
funded, exported), where in the log each payment appeared (to page by), and the check numbers
a payment held before the one it holds now. Folded from the events alone, never the clock, so
a rebuild reproduces it exactly. Statuses follow the aggregate's own `apply` methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic

from application.read_models.moments import stamp
from application.read_models.payment_state import (
    CheckSource,
    Failure,
    HeldCheck,
    PaymentState,
    Retry,
)
from domain.disbursement import Disbursement, DisbursementStatus
from domain.export_failure import ExportFailureReason
from domain.invoice_payment import ExportStatus, PaymentLine, PayoutStatus

SEQ_STRIDE = 1000  # a row's sequence: its event's position x 1000 + its place in that event

TOPICS = tuple(
    get_topic(cls)
    for cls in (
        Disbursement.DisbursementDrafted,
        Disbursement.PaymentAdded,
        Disbursement.PaymentRemoved,
        Disbursement.PaymentAmountChanged,
        Disbursement.DisbursementAuthorized,
        Disbursement.DisbursementCanceled,
        Disbursement.FundingCompleted,
        Disbursement.FundingFailed,
        Disbursement.PayoutReturned,
        Disbursement.ExportSucceeded,
        Disbursement.ExportFailed,
        Disbursement.ExportSentToAgent,
        Disbursement.CheckNumberEdited,
        Disbursement.BankIdEdited,
        Disbursement.PaymentRelinked,
        Disbursement.ExportRequested,
        Disbursement.MarkedAsExported,
        Disbursement.ExportRetryScheduled,
    )
)


def seq(position: int, place: int = 0) -> int:
    return position * SEQ_STRIDE + place


@lru_cache(maxsize=4096)  # a batch asks for each disbursement's key once per event
def state_key(disbursement_id: UUID | str) -> str:
    return f"disbursement:{disbursement_id}"


@dataclass
class DisbursementState:
    disbursement_id: str
    company_id: str
    name: str
    funding_account_id: str
    status: DisbursementStatus
    seq: int
    drafted_by: str
    drafted_at: str
    updated_at: str
    payments: list[PaymentState]
    authorized_by: str | None = None
    authorized_at: str | None = None
    cancel_reason: str | None = None
    funding_failure_reason: str | None = None
    funded_at: str | None = None  # when the bank says the drawdown landed
    funding_completed_at: str | None = None  # when paysync recorded it (starts the export)

    def to_doc(self) -> dict[str, Any]:
        return {**self.__dict__, "payments": [payment.to_doc() for payment in self.payments]}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> DisbursementState:
        return cls(
            **{
                **doc,
                "status": DisbursementStatus(doc["status"]),
                "payments": [PaymentState.from_doc(p) for p in doc["payments"]],
            }
        )

    def payment(self, payment_id: UUID | str) -> PaymentState:
        wanted = str(payment_id)
        for payment in self.payments:
            if payment.payment_id == wanted:
                return payment
        raise KeyError(f"disbursement {self.disbursement_id} has no payment {wanted}")

    @property
    def total_amount(self) -> Decimal:
        return sum((Decimal(p.amount) for p in self.payments), Decimal("0.00"))


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _payment(line: PaymentLine, position: int, place: int, at: str) -> PaymentState:
    return PaymentState(
        payment_id=str(line.payment_id),
        invoice_id=str(line.invoice_id),
        invoice_number=line.invoice_number,
        vendor_name=line.vendor_name,
        amount=_amount(line.amount),
        seq=seq(position, place),
        updated_at=at,
    )


def drafted(event: Disbursement.DisbursementDrafted, position: int) -> DisbursementState:
    at = stamp(event.timestamp)
    return DisbursementState(
        disbursement_id=str(event.originator_id),
        company_id=event.company_id,
        name=event.name,
        funding_account_id=str(event.funding_account_id),
        status=DisbursementStatus.DRAFT,
        seq=seq(position),
        drafted_by=event.actor,
        drafted_at=at,
        updated_at=at,
        payments=[_payment(line, position, i, at) for i, line in enumerate(event.payments)],
    )


def fold(state: DisbursementState, event: DomainEvent, position: int) -> None:
    """Apply one of the disbursement's later events (every one but DisbursementDrafted)."""
    at = stamp(event.timestamp)
    state.updated_at = at
    touched = _fold_drawdown(state, event, position, at)
    if touched is None:
        touched = [_fold_export(state, event, position, at)]
    for payment in touched:
        payment.updated_at = at


def _fold_drawdown(
    state: DisbursementState, event: DomainEvent, position: int, at: str
) -> list[PaymentState] | None:
    """The draft and the drawdown; the payments touched, or None for an export event."""
    if isinstance(event, Disbursement.PaymentAdded):
        state.payments.append(_payment(event.payment, position, 0, at))
        return [state.payments[-1]]
    if isinstance(event, Disbursement.PaymentRemoved):
        state.payments.remove(state.payment(event.payment_id))
        return []
    if isinstance(event, Disbursement.PaymentAmountChanged):
        payment = state.payment(event.payment_id)
        payment.amount = _amount(event.amount)
        return [payment]
    if isinstance(event, Disbursement.DisbursementAuthorized):
        state.status, state.authorized_by, state.authorized_at = (
            DisbursementStatus.FUNDING_REQUESTED,
            event.actor,
            at,
        )
        for place, issued in enumerate(event.check_numbers):
            payment = state.payment(issued.payment_id)
            check = HeldCheck(issued.check_number, CheckSource.ISSUED, seq(position, place), at)
            payment.check = check
            payment.bank_id = event.bank_id
            payment.payout_status = PayoutStatus.REQUESTED
        return state.payments
    if isinstance(event, Disbursement.DisbursementCanceled):
        state.status, state.cancel_reason = DisbursementStatus.CANCELED, event.reason
        return state.payments
    if isinstance(event, Disbursement.FundingCompleted):
        state.status, state.funded_at, state.funding_completed_at = (
            DisbursementStatus.FUNDING_COMPLETE,
            stamp(event.funded_at),
            at,
        )
        for place, payment in enumerate(state.payments):
            payment.payout_status = PayoutStatus.COMPLETED
            payment.listed_seq = seq(position, place)
            if event.payment_record_sync_enabled:
                payment.export_status, payment.attempt = ExportStatus.PENDING, 1
            else:
                payment.export_status = ExportStatus.SYNC_DISABLED
        return state.payments
    if isinstance(event, Disbursement.FundingFailed):
        state.status = DisbursementStatus.FUNDING_FAILED
        state.funding_failure_reason = event.reason
        for payment in state.payments:
            payment.payout_status = PayoutStatus.FAILED
        return state.payments
    if isinstance(event, Disbursement.PayoutReturned):
        payment = state.payment(event.payment_id)
        payment.payout_status = PayoutStatus.FAILED
        return [payment]
    return None


def _fold_export(
    state: DisbursementState, event: DomainEvent, position: int, at: str
) -> PaymentState:
    """What happened to one payment's record in the ERP."""
    payment = state.payment(event.payment_id)  # type: ignore[attr-defined]
    answered = isinstance(event, Disbursement.ExportSucceeded | Disbursement.ExportFailed)
    if answered and payment.first_answer_at is None:
        payment.first_answer_at, payment.first_answer_seq = at, seq(position)
    if answered or isinstance(event, Disbursement.MarkedAsExported):
        payment.retry = None
    if isinstance(
        event,
        Disbursement.ExportSucceeded | Disbursement.ExportFailed | Disbursement.ExportSentToAgent,
    ):
        # The ERP that holds the record (or was asked) is the one the event names, not the
        # company's connector today; events from before connectors were named leave it unset.
        payment.connector = event.connector or payment.connector
    if isinstance(event, Disbursement.ExportSucceeded):
        payment.export_status = (
            ExportStatus.MARKED_FOR_CHECK_RUN
            if event.marked_for_check_run
            else ExportStatus.EXPORTED
        )
        payment.erp_payment_ref, payment.failure = event.erp_payment_ref, None
        payment.exported_at = payment.export_succeeded_at = at
        payment.exported_seq = seq(position)
    elif isinstance(event, Disbursement.ExportSentToAgent):
        payment.export_status = ExportStatus.SENT_TO_AGENT
    elif isinstance(event, Disbursement.ExportFailed):
        payment.export_status = ExportStatus.FAILED_TO_EXPORT
        payment.failure = Failure(ExportFailureReason(event.reason), event.message, event.erp_code)
        payment.first_failed_at = payment.first_failed_at or at
    elif isinstance(event, Disbursement.CheckNumberEdited):
        if payment.check is not None:
            payment.check.replaced_by = event.check_number
            payment.check.export_status = payment.export_status
            payment.check.failure = payment.failure
            payment.earlier_checks.append(payment.check)
        payment.check = HeldCheck(event.check_number, CheckSource.TYPED, seq(position), at)
    elif isinstance(event, Disbursement.BankIdEdited):
        payment.bank_id = event.bank_id
    elif isinstance(event, Disbursement.ExportRequested):
        payment.export_status, payment.attempt = ExportStatus.PENDING, event.attempt
        payment.failure = None  # a pending record carries no stale failure
    elif isinstance(event, Disbursement.ExportRetryScheduled):
        payment.retry = Retry(event.tries, event.message, event.erp_code, stamp(event.next_try_at))
    elif isinstance(event, Disbursement.MarkedAsExported):
        payment.export_status, payment.erp_payment_ref = (
            ExportStatus.EXPORTED,
            event.erp_payment_ref,
        )
        payment.failure, payment.exported_at = None, at
        payment.marked_by_hand = True
    elif not isinstance(event, Disbursement.PaymentRelinked):
        raise TypeError(f"a disbursement state cannot fold {type(event).__name__}")
    return payment

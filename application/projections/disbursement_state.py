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

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic

from application.projections.moments import stamp
from application.projections.payment_state import Failure, HeldCheck, PaymentState, Retry
from domain.disbursement import Disbursement

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
def state_key(disbursement_id: object) -> str:
    return f"disbursement:{disbursement_id}"


@dataclass
class DisbursementState:
    disbursement_id: str
    company_id: str
    name: str
    funding_account_id: str
    status: str
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
        return cls(**{**doc, "payments": [PaymentState.from_doc(p) for p in doc["payments"]]})

    def payment(self, payment_id: object) -> PaymentState:
        wanted = str(payment_id)
        for payment in self.payments:
            if payment.payment_id == wanted:
                return payment
        raise KeyError(f"disbursement {self.disbursement_id} has no payment {wanted}")

    @property
    def total_amount(self) -> Decimal:
        return sum((Decimal(p.amount) for p in self.payments), Decimal("0.00"))


def _amount(value: object) -> str:
    return f"{Decimal(str(value)):.2f}"


def _payment(line: dict[str, Any], position: int, place: int, at: str) -> PaymentState:
    return PaymentState(
        payment_id=str(line["payment_id"]),
        invoice_id=str(line["invoice_id"]),
        invoice_number=str(line["invoice_number"]),
        vendor_name=str(line["vendor_name"]),
        amount=_amount(line["amount"]),
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
        status="draft",
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
            "funding_requested",
            event.actor,
            at,
        )
        for place, (payment_id, number) in enumerate(event.check_numbers):
            payment = state.payment(payment_id)
            payment.check = HeldCheck(int(number), "issued", seq(position, place), at)
            payment.bank_id = event.bank_id
            payment.payout_status = "requested"
        return state.payments
    if isinstance(event, Disbursement.DisbursementCanceled):
        state.status, state.cancel_reason = "canceled", event.reason
        return state.payments
    if isinstance(event, Disbursement.FundingCompleted):
        state.status, state.funded_at, state.funding_completed_at = (
            "funding_complete",
            stamp(event.funded_at),
            at,
        )
        for place, payment in enumerate(state.payments):
            payment.payout_status = "completed"
            payment.listed_seq = seq(position, place)
            if event.payment_record_sync_enabled:
                payment.export_status, payment.attempt = "pending", 1
            else:
                payment.export_status = "sync_disabled"
        return state.payments
    if isinstance(event, Disbursement.FundingFailed):
        state.status, state.funding_failure_reason = "funding_failed", event.reason
        for payment in state.payments:
            payment.payout_status = "failed"
        return state.payments
    if isinstance(event, Disbursement.PayoutReturned):
        payment = state.payment(event.payment_id)
        payment.payout_status = "failed"
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
    if isinstance(event, Disbursement.ExportSucceeded):
        payment.export_status = "marked_for_check_run" if event.marked_for_check_run else "exported"
        payment.erp_payment_ref, payment.failure = event.erp_payment_ref, None
        payment.exported_at = payment.export_succeeded_at = at
        payment.exported_seq = seq(position)
    elif isinstance(event, Disbursement.ExportFailed):
        payment.export_status = "failed_to_export"
        payment.failure = Failure(event.reason, event.message, event.erp_code)
        payment.first_failed_at = payment.first_failed_at or at
    elif isinstance(event, Disbursement.CheckNumberEdited):
        if payment.check is not None:
            payment.check.replaced_by = event.check_number
            payment.check.export_status = payment.export_status
            payment.check.failure = payment.failure
            payment.earlier_checks.append(payment.check)
        payment.check = HeldCheck(event.check_number, "typed", seq(position), at)
    elif isinstance(event, Disbursement.BankIdEdited):
        payment.bank_id = event.bank_id
    elif isinstance(event, Disbursement.ExportRequested):
        payment.export_status, payment.attempt = "pending", event.attempt
        payment.failure = None  # a pending record carries no stale failure
    elif isinstance(event, Disbursement.ExportRetryScheduled):
        payment.retry = Retry(event.tries, event.message, event.erp_code, stamp(event.next_try_at))
    elif isinstance(event, Disbursement.MarkedAsExported):
        payment.export_status, payment.erp_payment_ref = "exported", event.erp_payment_ref
        payment.failure, payment.exported_at = None, at
        payment.marked_by_hand = True
    elif not isinstance(event, Disbursement.PaymentRelinked):
        raise TypeError(f"a disbursement state cannot fold {type(event).__name__}")
    return payment

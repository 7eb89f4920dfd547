"""The disbursement: invoice payments from one funding account, drafted, authorized, funded."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.check_numbers import CheckNumber
from domain.command_copies import CopiedForCommands
from domain.errors import (
    CancelReasonMissing,
    DisbursementNotInDraft,
    FundingNotRequested,
    InvoicePaidTwiceInDisbursement,
    PaymentCountOutOfRange,
    PayoutNotCompleted,
)
from domain.invoice_payment import (
    ExportStatus,
    InvoicePayment,
    IssuedCheck,
    PaymentLine,
    PayoutStatus,
)
from domain.payment_export import PaymentExports
from domain.text import BankId, required_text

MAX_PAYMENTS = 100


class DisbursementStatus(StrEnum):
    DRAFT = "draft"
    FUNDING_REQUESTED = "funding_requested"
    FUNDING_COMPLETE = "funding_complete"
    FUNDING_FAILED = "funding_failed"
    CANCELED = "canceled"


class Disbursement(CopiedForCommands, PaymentExports, Aggregate):
    """A run of invoice payments funded by one drawdown from one funding account.

    Tracks its drawdown status and its invoice payments (entities, see InvoicePayment).
    Invariants: 1 to 100 payments, each invoice at most once; payments change only in draft;
    once authorized, every payment has its own check number and the account's Bank ID, and it
    can no longer be canceled.
    """

    class DisbursementDrafted(Aggregate.Created):
        company_id: str
        name: str
        funding_account_id: UUID
        payments: list[PaymentLine]
        actor: str

        # v1 stored each line as a plain dict; v2 as a PaymentLine (see its transcoding).
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["payments"] = [PaymentLine.from_stored(line) for line in state["payments"]]

    class PaymentAdded(Aggregate.Event):
        payment: PaymentLine
        actor: str

        class_version = 2  # as DisbursementDrafted

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["payment"] = PaymentLine.from_stored(state["payment"])

        def apply(self, disbursement: Disbursement) -> None:
            line = self.payment
            disbursement.payments[line.payment_id] = InvoicePayment(line)

    class PaymentRemoved(Aggregate.Event):
        payment_id: UUID
        actor: str

        def apply(self, disbursement: Disbursement) -> None:
            del disbursement.payments[self.payment_id]

    class PaymentAmountChanged(Aggregate.Event):
        payment_id: UUID
        amount: Decimal
        actor: str

        def apply(self, disbursement: Disbursement) -> None:
            payment = disbursement.payments[self.payment_id]
            payment.line = PaymentLine(**{**payment.line.__dict__, "amount": self.amount})

    class DisbursementAuthorized(Aggregate.Event):
        """Funding is requested; each payment now has its check number and Bank ID."""

        bank_id: BankId
        check_numbers: list[IssuedCheck]  # in payment order
        actor: str

        # v1 stored each as a [payment_id, check number] pair; v2 as an IssuedCheck.
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["check_numbers"] = [
                IssuedCheck(payment_id, CheckNumber(number))
                for payment_id, number in state["check_numbers"]
            ]

        def apply(self, disbursement: Disbursement) -> None:
            disbursement.status = DisbursementStatus.FUNDING_REQUESTED
            disbursement.authorized_by = self.actor
            for issued in self.check_numbers:
                payment = disbursement.payments[issued.payment_id]
                payment.check_number = issued.check_number
                payment.bank_id = self.bank_id
                payment.payout_status = PayoutStatus.REQUESTED

    class DisbursementCanceled(Aggregate.Event):
        reason: str
        actor: str

        def apply(self, disbursement: Disbursement) -> None:
            disbursement.status = DisbursementStatus.CANCELED
            disbursement.cancel_reason = self.reason

    class FundingCompleted(Aggregate.Event):
        """The drawdown landed: payouts are made, and payment records become due in the ERP.

        Version 2 names the company and the payments, so the export can queue them from the
        event alone; events stored before carry None and are read from the disbursement.
        """

        class_version = 2

        funded_at: datetime
        payment_record_sync_enabled: bool
        company_id: str | None
        payment_ids: list[UUID] | None
        actor: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["company_id"] = None
            state["payment_ids"] = None

        def apply(self, disbursement: Disbursement) -> None:
            disbursement.status = DisbursementStatus.FUNDING_COMPLETE
            disbursement.funded_at = self.funded_at
            for payment in disbursement.payments.values():
                payment.payout_status = PayoutStatus.COMPLETED
                if self.payment_record_sync_enabled:
                    payment.export_status = ExportStatus.PENDING
                    payment.export_attempt = 1
                else:
                    payment.export_status = ExportStatus.SYNC_DISABLED

    class FundingFailed(Aggregate.Event):
        reason: str
        actor: str

        def apply(self, disbursement: Disbursement) -> None:
            disbursement.status = DisbursementStatus.FUNDING_FAILED
            disbursement.funding_failure_reason = self.reason
            for payment in disbursement.payments.values():
                payment.payout_status = PayoutStatus.FAILED

    class PayoutReturned(Aggregate.Event):
        """The bank returned one payout after funding completed. The ERP record stays: a
        synced payment record cannot be unlinked; the invoice owes the amount again."""

        payment_id: UUID
        reason: str
        actor: str

        def apply(self, disbursement: Disbursement) -> None:
            disbursement.payments[self.payment_id].payout_status = PayoutStatus.FAILED

    def __init__(
        self,
        company_id: str,
        name: str,
        funding_account_id: UUID,
        payments: list[PaymentLine],
        actor: str,
    ) -> None:
        self.company_id = company_id
        self.name = name
        self.funding_account_id = funding_account_id
        self.status = DisbursementStatus.DRAFT
        self.drafted_by = actor
        self.authorized_by: str | None = None
        self.cancel_reason: str | None = None
        self.funded_at: datetime | None = None
        self.funding_failure_reason: str | None = None
        self.payments: dict[UUID, InvoicePayment] = {}
        for line in payments:
            self.payments[line.payment_id] = InvoicePayment(line)

    @classmethod
    def draft(
        cls,
        *,
        company_id: str,
        name: str,
        funding_account_id: UUID,
        lines: list[PaymentLine],
        actor: str,
    ) -> Disbursement:
        """Start a draft paying 1 to 100 invoices, each at most once."""
        check_payment_count(len(lines))
        check_each_invoice_once([line.invoice_id for line in lines])
        return cls._create(
            cls.DisbursementDrafted,
            id=uuid4(),
            company_id=company_id,
            name=required_text(name, "the disbursement name"),
            funding_account_id=funding_account_id,
            payments=list(lines),
            actor=actor,
        )

    # --- guards -------------------------------------------------------------------------------
    def check_is_draft(self) -> None:
        if self.status is not DisbursementStatus.DRAFT:
            raise DisbursementNotInDraft(
                f"disbursement {self.name!r} is {self.status.value}: payments can be added, "
                "removed or changed, and the disbursement canceled, only in draft"
            )

    def check_funding_requested(self) -> None:
        if self.status is not DisbursementStatus.FUNDING_REQUESTED:
            raise FundingNotRequested(
                f"disbursement {self.name!r} is {self.status.value}: funding can complete or "
                "fail only after it was requested"
            )

    # --- commands while in draft --------------------------------------------------------------
    def add_payment(self, line: PaymentLine, actor: str) -> None:
        self.check_is_draft()
        check_payment_count(len(self.payments) + 1)
        check_each_invoice_once([p.invoice_id for p in self.payments.values()] + [line.invoice_id])
        self.trigger_event(self.PaymentAdded, payment=line, actor=actor)

    def remove_payment(self, payment_id: UUID, actor: str) -> None:
        self.check_is_draft()
        self.payment(payment_id)
        check_payment_count(len(self.payments) - 1)
        self.trigger_event(self.PaymentRemoved, payment_id=payment_id, actor=actor)

    def change_amount(self, payment_id: UUID, amount: Decimal, actor: str) -> None:
        """The invoice must have been checked for the new amount (see drawdown.change_amount)."""
        self.check_is_draft()
        if self.payment(payment_id).amount != amount:
            self.trigger_event(
                self.PaymentAmountChanged, payment_id=payment_id, amount=amount, actor=actor
            )

    def cancel(self, reason: str, actor: str) -> None:
        """Only a draft can be canceled, and only with a reason."""
        if not isinstance(reason, str) or not reason.strip():
            raise CancelReasonMissing("canceling a disbursement needs a reason")
        self.check_is_draft()
        self.trigger_event(
            self.DisbursementCanceled, reason=required_text(reason, "the reason", 500), actor=actor
        )

    # --- the drawdown -------------------------------------------------------------------------
    def authorize(self, check_numbers: list[CheckNumber], bank_id: BankId, actor: str) -> None:
        """Request funding; the check numbers come from the funding account, in payment order."""
        self.check_is_draft()
        issued = [IssuedCheck(p, n) for p, n in zip(self.payments, check_numbers, strict=True)]
        self.trigger_event(
            self.DisbursementAuthorized, bank_id=bank_id, check_numbers=issued, actor=actor
        )

    def complete_funding(
        self, funded_at: datetime, payment_record_sync_enabled: bool, actor: str
    ) -> None:
        self.check_funding_requested()
        self.trigger_event(
            self.FundingCompleted,
            funded_at=funded_at,
            payment_record_sync_enabled=payment_record_sync_enabled,
            company_id=self.company_id,
            payment_ids=list(self.payments),
            actor=actor,
        )

    def fail_funding(self, reason: str, actor: str) -> None:
        self.check_funding_requested()
        self.trigger_event(
            self.FundingFailed, reason=required_text(reason, "the reason", 500), actor=actor
        )

    def return_payout(self, payment_id: UUID, reason: str, actor: str) -> None:
        """Only a completed payout can come back."""
        payment = self.payment(payment_id)
        if payment.payout_status is not PayoutStatus.COMPLETED:
            raise PayoutNotCompleted(
                f"the payout is {payment.payout_status.value}: only a completed payout can be "
                "returned"
            )
        self.trigger_event(
            self.PayoutReturned,
            payment_id=payment_id,
            reason=required_text(reason, "the reason", 500),
            actor=actor,
        )


def check_payment_count(count: int) -> None:
    if not 1 <= count <= MAX_PAYMENTS:
        raise PaymentCountOutOfRange(
            f"a disbursement pays 1 to {MAX_PAYMENTS} invoices, not {count}"
        )


def check_each_invoice_once(invoice_ids: list[UUID]) -> None:
    if len(set(invoice_ids)) != len(invoice_ids):
        raise InvoicePaidTwiceInDisbursement("a disbursement may pay each invoice only once")

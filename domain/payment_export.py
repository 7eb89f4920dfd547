"""The payment-record export as the disbursement records it: outcomes, fixes, and retries.

Kept apart from the drawdown so each reads as its own story; the events belong to Disbursement
(the library re-homes them there, so their topics name `Disbursement`).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.check_numbers import CheckNumber
from domain.errors import (
    ExportNotPending,
    PaymentNotFailedToExport,
    RelinkBeforeExporting,
    RetryBeforeEditing,
    UnknownPayment,
)
from domain.export_failure import ExportFailureReason
from domain.invoice_payment import (
    ExportFailure,
    ExportRetry,
    ExportStatus,
    InvoicePayment,
    PaymentLine,
)
from domain.text import BankId, optional_text


class PaymentExports(Aggregate):
    """What happens to each invoice payment's record in the ERP after funding completes.

    Invariants: an outcome is recorded once per attempt, and only while the record is pending;
    check number, Bank ID, the invoice link, Export and "mark as exported" apply only to a
    record that failed to export.
    """

    company_id: str
    payments: dict[UUID, InvoicePayment]

    class ExportSucceeded(Aggregate.Event):
        """The ERP holds the record. Version 2 names the connector that answered (None in
        events stored before) and any warning the ERP gave while taking it."""

        class_version = 2

        payment_id: UUID
        attempt: int
        erp_payment_ref: str
        marked_for_check_run: bool
        connector: str | None
        warning: str | None
        actor: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["connector"] = None
            state["warning"] = None

        def apply(self, disbursement: PaymentExports) -> None:
            payment = disbursement.payments[self.payment_id]
            payment.export_status = (
                ExportStatus.MARKED_FOR_CHECK_RUN
                if self.marked_for_check_run
                else ExportStatus.EXPORTED
            )
            payment.erp_payment_ref = self.erp_payment_ref
            payment.erp_connector = self.connector
            payment.export_failure = None
            payment.export_warning = self.warning
            payment.export_retry = None
            payment.exported_at = self.timestamp

    class ExportFailed(Aggregate.Event):
        """Version 2 names the connector that answered (None in events stored before)."""

        class_version = 2

        payment_id: UUID
        attempt: int
        reason: str
        message: str
        erp_code: str | None
        connector: str | None
        actor: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["connector"] = None

        def apply(self, disbursement: PaymentExports) -> None:
            payment = disbursement.payments[self.payment_id]
            payment.export_status = ExportStatus.FAILED_TO_EXPORT
            payment.erp_connector = self.connector
            payment.export_failure = ExportFailure(
                ExportFailureReason(self.reason), self.message, self.erp_code
            )
            payment.export_retry = None

    class ExportRetryScheduled(Aggregate.Event):
        """The ERP could not be reached; the export tries again by itself (see ADR 0070 for
        which retries are recorded: not every one, so an outage cannot flood the store)."""

        payment_id: UUID
        attempt: int
        tries: int  # calls made so far for this attempt
        message: str
        erp_code: str | None
        next_try_at: datetime
        actor: str

        def apply(self, disbursement: PaymentExports) -> None:
            payment = disbursement.payments[self.payment_id]
            payment.export_retry = ExportRetry(
                self.tries, self.message, self.erp_code, self.next_try_at
            )

    class ExportSentToAgent(Aggregate.Event):
        """An on-premises agent (QuickBooks Desktop's Web Connector, the Sage 300 CRE agent)
        took the record to its ERP; the ERP's answer comes back through it later and is then
        recorded like a direct one."""

        payment_id: UUID
        attempt: int
        connector: str
        agent_ref: str
        actor: str

        def apply(self, disbursement: PaymentExports) -> None:
            payment = disbursement.payments[self.payment_id]
            payment.export_status = ExportStatus.SENT_TO_AGENT
            payment.erp_connector = self.connector

    class CheckNumberEdited(Aggregate.Event):
        payment_id: UUID
        check_number: CheckNumber
        previous_check_number: int | None
        actor: str

        def apply(self, disbursement: PaymentExports) -> None:
            payment = disbursement.payments[self.payment_id]
            payment.check_number = self.check_number

    class BankIdEdited(Aggregate.Event):
        payment_id: UUID
        bank_id: BankId
        previous_bank_id: str | None
        actor: str

        def apply(self, disbursement: PaymentExports) -> None:
            payment = disbursement.payments[self.payment_id]
            payment.bank_id = self.bank_id

    class PaymentRelinked(Aggregate.Event):
        """The invoice was synced after the payment was made; the payment now points at it."""

        payment_id: UUID
        erp_bill_ref: str
        actor: str

        def apply(self, disbursement: PaymentExports) -> None:
            payment = disbursement.payments[self.payment_id]
            payment.line = PaymentLine(
                **{**payment.line.__dict__, "erp_bill_ref": self.erp_bill_ref}
            )

    class ExportRequested(Aggregate.Event):
        """Version 2 names the company, so the export queues it from the event alone."""

        class_version = 2

        payment_id: UUID
        attempt: int
        company_id: str | None
        actor: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["company_id"] = None

        def apply(self, disbursement: PaymentExports) -> None:
            payment = disbursement.payments[self.payment_id]
            payment.export_status = ExportStatus.PENDING
            payment.export_attempt = self.attempt
            # The failure is history now (in the events); a pending record shows none.
            payment.export_failure = None

    class MarkedAsExported(Aggregate.Event):
        """Someone keyed the record into the ERP by hand; paysync stops trying."""

        payment_id: UUID
        erp_payment_ref: str | None
        note: str | None
        actor: str

        def apply(self, disbursement: PaymentExports) -> None:
            payment = disbursement.payments[self.payment_id]
            payment.export_status = ExportStatus.EXPORTED
            payment.erp_payment_ref = self.erp_payment_ref
            payment.export_failure = None
            payment.export_retry = None
            payment.exported_at = self.timestamp
            payment.marked_by_hand = True

    def payment(self, payment_id: UUID) -> InvoicePayment:
        try:
            return self.payments[payment_id]
        except KeyError:
            raise UnknownPayment(f"the disbursement has no payment {payment_id}") from None

    # --- guards -------------------------------------------------------------------------------
    def failed_payment(self, payment_id: UUID) -> InvoicePayment:
        payment = self.payment(payment_id)
        if not payment.is_failed:
            raise PaymentNotFailedToExport(
                f"the payment record is {payment.export_status.value}: check number, Bank ID "
                "and Export can be changed only after it failed to export"
            )
        return payment

    def editable_payment(self, payment_id: UUID) -> InvoicePayment:
        """A failed record whose fields may change: the ERP refused it, so it holds nothing.

        After `erp_unavailable` the ERP may hold the record already (it did the work and the
        answer was lost); a changed record would go out under a new idempotency key and could
        be booked twice. Exporting it again first, unchanged, settles which it is.
        """
        payment = self.failed_payment(payment_id)
        failure = payment.export_failure
        if failure is not None and failure.reason.is_transient:
            raise RetryBeforeEditing(
                "the ERP could not be reached, so it may already hold this record: export it "
                "again first; if the ERP then refuses it, it can be edited"
            )
        return payment

    def pending_payment(self, payment_id: UUID, attempt: int) -> InvoicePayment:
        """A record whose outcome for this attempt is still to come (from the ERP, or from
        the agent it was handed to)."""
        payment = self.payment(payment_id)
        awaiting = payment.export_status in (ExportStatus.PENDING, ExportStatus.SENT_TO_AGENT)
        if not awaiting or payment.export_attempt != attempt:
            raise ExportNotPending(
                f"attempt {attempt} of payment {payment_id} is no longer pending "
                f"(the record is {payment.export_status.value}, attempt {payment.export_attempt})"
            )
        return payment

    # --- what the export process records ------------------------------------------------------
    def record_export_succeeded(
        self,
        payment_id: UUID,
        attempt: int,
        erp_payment_ref: str,
        marked_for_check_run: bool,
        actor: str,
        connector: str | None = None,
        warning: str | None = None,
    ) -> None:
        self.pending_payment(payment_id, attempt)
        self.trigger_event(
            self.ExportSucceeded,
            payment_id=payment_id,
            attempt=attempt,
            erp_payment_ref=erp_payment_ref,
            marked_for_check_run=marked_for_check_run,
            connector=connector,
            warning=warning,
            actor=actor,
        )

    def record_sent_to_agent(
        self, payment_id: UUID, attempt: int, connector: str, agent_ref: str, actor: str
    ) -> None:
        payment = self.pending_payment(payment_id, attempt)
        if payment.export_status is ExportStatus.SENT_TO_AGENT:
            raise ExportNotPending(f"attempt {attempt} of {payment_id} is with the agent already")
        self.trigger_event(
            self.ExportSentToAgent,
            payment_id=payment_id,
            attempt=attempt,
            connector=connector,
            agent_ref=agent_ref,
            actor=actor,
        )

    def record_export_failed(
        self,
        payment_id: UUID,
        attempt: int,
        reason: ExportFailureReason,
        message: str,
        erp_code: str | None,
        actor: str,
        connector: str | None = None,
    ) -> None:
        self.pending_payment(payment_id, attempt)
        self.trigger_event(
            self.ExportFailed,
            payment_id=payment_id,
            attempt=attempt,
            reason=reason.value,
            message=message,
            erp_code=erp_code,
            connector=connector,
            actor=actor,
        )

    def record_retry_scheduled(
        self, payment_id: UUID, attempt: int, retry: ExportRetry, actor: str
    ) -> None:
        self.pending_payment(payment_id, attempt)
        self.trigger_event(
            self.ExportRetryScheduled,
            payment_id=payment_id,
            attempt=attempt,
            **asdict(retry),  # the event keeps the retry's fields as its own
            actor=actor,
        )

    # --- what the accounting approver does with a failed record -------------------------------
    def edit_check_number(self, payment_id: UUID, check_number: CheckNumber, actor: str) -> None:
        """The funding account must have claimed the number first (see FundingAccount)."""
        payment = self.editable_payment(payment_id)
        if check_number != payment.check_number:
            self.trigger_event(
                self.CheckNumberEdited,
                payment_id=payment_id,
                check_number=check_number,
                previous_check_number=payment.check_number,
                actor=actor,
            )

    def edit_bank_id(self, payment_id: UUID, bank_id: BankId, actor: str) -> None:
        payment = self.editable_payment(payment_id)
        if bank_id != payment.bank_id:
            self.trigger_event(
                self.BankIdEdited,
                payment_id=payment_id,
                bank_id=bank_id,
                previous_bank_id=payment.bank_id,
                actor=actor,
            )

    def relink(self, payment_id: UUID, erp_bill_ref: str, actor: str) -> None:
        payment = self.editable_payment(payment_id)
        if erp_bill_ref != payment.erp_bill_ref:
            self.trigger_event(
                self.PaymentRelinked, payment_id=payment_id, erp_bill_ref=erp_bill_ref, actor=actor
            )

    def request_export(self, payment_id: UUID, actor: str) -> int:
        """Export a failed record again; returns the attempt that will carry it.

        A record that failed because its invoice was not synced links no bill yet: exporting
        it unchanged could only fail the same way, so it is refused until it is relinked.
        """
        payment = self.failed_payment(payment_id)
        if waits_for_its_invoice(payment):
            raise RelinkBeforeExporting(
                f"invoice {payment.line.invoice_number} was not synced to the ERP when this "
                "record was sent, and the record still links no bill: sync the invoice (the "
                "record then relinks and exports by itself), or Relink it if the invoice is "
                "synced already"
            )
        attempt = payment.next_attempt
        self.trigger_event(
            self.ExportRequested,
            payment_id=payment_id,
            attempt=attempt,
            company_id=self.company_id,
            actor=actor,
        )
        return attempt

    def relink_and_export(self, payment_id: UUID, erp_bill_ref: str, actor: str) -> bool:
        """The invoice this failed record waits for is synced now: link its bill and export
        again, with no one having to ask. False when the record waits for nothing."""
        payment = self.payment(payment_id)
        if not (payment.is_failed and waits_for_its_invoice(payment)):
            return False
        self.relink(payment_id, erp_bill_ref, actor)
        self.request_export(payment_id, actor)
        return True

    def mark_as_exported(
        self, payment_id: UUID, erp_payment_ref: str | None, note: str | None, actor: str
    ) -> None:
        self.failed_payment(payment_id)
        self.trigger_event(
            self.MarkedAsExported,
            payment_id=payment_id,
            erp_payment_ref=optional_text(erp_payment_ref, "the ERP reference"),
            note=optional_text(note, "the note", 1000),
            actor=actor,
        )


def waits_for_its_invoice(payment: InvoicePayment) -> bool:
    failure = payment.export_failure
    return (
        failure is not None
        and failure.reason is ExportFailureReason.INVOICE_NOT_SYNCED
        and payment.erp_bill_ref is None
    )


def retry_is_recorded(tries: int) -> bool:
    """Whether the retry after `tries` calls goes into the history: after the 1st, 2nd, 4th,
    8th... call (ADR 0070), so an outage of any length adds a handful of events per record."""
    return tries >= 1 and tries & (tries - 1) == 0

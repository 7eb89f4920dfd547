"""The export's records: a payment record as the export sends it, and what came back."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports import (
    ErpAccepted,
    ErpAnswer,
    ErpRefused,
    ErpSentToAgent,
    PaymentRecordToExport,
)
from domain.disbursement import Disbursement
from domain.export_failure import ExportFailureReason
from domain.invoice_payment import ExportStatus, InvoicePayment


@dataclass(frozen=True)
class ExportCandidate:
    """A payment record as the export needs it: its state, and what to send the ERP."""

    export_status: ExportStatus
    export_attempt: int
    invoice_number: str
    record: PaymentRecordToExport | None  # None: the invoice was not synced before payment

    def is_pending(self, attempt: int) -> bool:
        return self.export_status is ExportStatus.PENDING and self.export_attempt == attempt

    @classmethod
    def of(cls, disbursement: Disbursement, payment: InvoicePayment) -> ExportCandidate:
        line = payment.line
        record = None
        if (
            line.erp_bill_ref is not None
            and payment.check_number is not None
            and payment.bank_id is not None
            and disbursement.funded_at is not None
        ):
            record = PaymentRecordToExport(
                payment_id=payment.id,
                disbursement_id=disbursement.id,
                invoice_id=line.invoice_id,
                invoice_number=line.invoice_number,
                erp_vendor_id=line.erp_vendor_id,
                vendor_name=line.vendor_name,
                erp_bill_ref=line.erp_bill_ref,
                bill_amount=line.bill_amount,
                amount=payment.amount,
                check_number=str(payment.check_number),
                bank_id=payment.bank_id,
                paid_on=disbursement.funded_at.date(),
                idempotency_key=payment.idempotency_key(),
            )
        return cls(payment.export_status, payment.export_attempt, line.invoice_number, record)


@dataclass(frozen=True)
class ExportOutcome:
    """What the ERP answered for one attempt at one payment record."""

    payment_id: UUID
    attempt: int
    answer: ErpAnswer
    connector: str | None = None  # which connector answered

    @property
    def waits_for_invoice(self) -> bool:
        answer = self.answer
        return (
            isinstance(answer, ErpRefused)
            and answer.reason is ExportFailureReason.INVOICE_NOT_SYNCED
        )

    def record_on(self, disbursement: Disbursement, actor: str) -> None:
        answer = self.answer
        if isinstance(answer, ErpAccepted):
            disbursement.record_export_succeeded(
                self.payment_id,
                self.attempt,
                answer.erp_ref,
                answer.marked_for_check_run,
                actor,
                connector=self.connector,
                warning=answer.warning,
            )
        elif isinstance(answer, ErpSentToAgent):
            disbursement.record_sent_to_agent(
                self.payment_id, self.attempt, self.connector or "unknown", answer.agent_ref, actor
            )
        else:
            disbursement.record_export_failed(
                self.payment_id,
                self.attempt,
                answer.reason,
                answer.message,
                answer.erp_code,
                actor,
                connector=self.connector,
            )

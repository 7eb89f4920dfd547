"""Read models: frozen snapshots of the aggregates, for the HTTP layer and the auditor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from application.ports import ErpAccepted, ErpAnswer, ErpRefused, PaymentRecordToExport
from domain.company import Company
from domain.disbursement import Disbursement
from domain.export_failure import ExportFailureReason
from domain.funding_account import FundingAccount
from domain.invoice import Invoice
from domain.invoice_payment import ExportFailure, ExportRetry, ExportStatus, InvoicePayment


@dataclass(frozen=True)
class ErpSettingsView:
    company_id: str
    connector: str
    payment_record_sync_enabled: bool
    override_subcontractor_invoice_number: bool
    erp_base_url: str | None
    version: int

    @classmethod
    def of(cls, company: Company) -> ErpSettingsView | None:
        settings = company.erp_settings
        if settings is None:
            return None
        return cls(
            company_id=company.company_id,
            connector=settings.connector.value,
            payment_record_sync_enabled=settings.payment_record_sync_enabled,
            override_subcontractor_invoice_number=settings.override_subcontractor_invoice_number,
            erp_base_url=settings.erp_base_url,
            version=company.version,
        )


@dataclass(frozen=True)
class FundingAccountView:
    id: UUID
    company_id: str
    nickname: str
    bank_id: str
    next_check_number: int
    highest_issued_check_number: int | None
    verified: bool
    deactivated: bool
    version: int

    @classmethod
    def of(cls, account: FundingAccount) -> FundingAccountView:
        return cls(
            id=account.id,
            company_id=account.company_id,
            nickname=account.nickname,
            bank_id=account.bank_id,
            next_check_number=account.next_to_issue,
            highest_issued_check_number=account.issued.highest,
            verified=account.verified,
            deactivated=account.deactivated,
            version=account.version,
        )


@dataclass(frozen=True)
class InvoiceView:
    id: UUID
    company_id: str
    invoice_number: str
    vendor_id: str
    vendor_name: str
    erp_vendor_id: str
    project: str
    commitment: str | None
    amount_due: Decimal
    retainage: Decimal
    approved_by: str | None
    erp_sync_status: str
    erp_ref: str | None
    erp_invoice_number: str | None
    payment_status: str
    amount_paid: Decimal
    open_amount: Decimal
    received_on: datetime
    version: int

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceView:
        return cls(
            id=invoice.id,
            company_id=invoice.company_id,
            invoice_number=invoice.invoice_number,
            vendor_id=invoice.vendor_id,
            vendor_name=invoice.vendor_name,
            erp_vendor_id=invoice.erp_vendor_id,
            project=invoice.project,
            commitment=invoice.commitment,
            amount_due=invoice.amount_due,
            retainage=invoice.retainage,
            approved_by=invoice.approved_by,
            erp_sync_status=invoice.erp_sync_status.value,
            erp_ref=invoice.erp_ref,
            erp_invoice_number=invoice.erp_invoice_number,
            payment_status=invoice.payment_status.value,
            amount_paid=invoice.amount_paid,
            open_amount=invoice.open_amount,
            received_on=invoice.created_on,
            version=invoice.version,
        )


@dataclass(frozen=True)
class PaymentView:
    id: UUID
    invoice_id: UUID
    invoice_number: str
    vendor_name: str
    amount: Decimal
    check_number: int | None
    bank_id: str | None
    payout_status: str
    export_status: str
    export_attempt: int
    erp_payment_ref: str | None
    export_failure: ExportFailure | None
    exported_at: datetime | None
    export_retry: ExportRetry | None
    marked_by_hand: bool

    @classmethod
    def of(cls, payment: InvoicePayment) -> PaymentView:
        return cls(
            id=payment.id,
            invoice_id=payment.invoice_id,
            invoice_number=payment.line.invoice_number,
            vendor_name=payment.line.vendor_name,
            amount=payment.amount,
            check_number=payment.check_number,
            bank_id=payment.bank_id,
            payout_status=payment.payout_status.value,
            export_status=payment.export_status.value,
            export_attempt=payment.export_attempt,
            erp_payment_ref=payment.erp_payment_ref,
            export_failure=payment.export_failure,
            exported_at=payment.exported_at,
            export_retry=payment.export_retry,
            marked_by_hand=payment.marked_by_hand,
        )


@dataclass(frozen=True)
class DisbursementView:
    id: UUID
    company_id: str
    name: str
    funding_account_id: UUID
    status: str
    drafted_by: str
    authorized_by: str | None
    cancel_reason: str | None
    funded_at: datetime | None
    funding_failure_reason: str | None
    payments: tuple[PaymentView, ...]
    version: int
    modified_on: datetime

    @classmethod
    def of(cls, disbursement: Disbursement) -> DisbursementView:
        return cls(
            id=disbursement.id,
            company_id=disbursement.company_id,
            name=disbursement.name,
            funding_account_id=disbursement.funding_account_id,
            status=disbursement.status.value,
            drafted_by=disbursement.drafted_by,
            authorized_by=disbursement.authorized_by,
            cancel_reason=disbursement.cancel_reason,
            funded_at=disbursement.funded_at,
            funding_failure_reason=disbursement.funding_failure_reason,
            payments=tuple(PaymentView.of(p) for p in disbursement.payments.values()),
            version=disbursement.version,
            modified_on=disbursement.modified_on,
        )


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
                self.payment_id, self.attempt, answer.erp_ref, answer.marked_for_check_run, actor
            )
        else:
            disbursement.record_export_failed(
                self.payment_id,
                self.attempt,
                answer.reason,
                answer.message,
                answer.erp_code,
                actor,
            )

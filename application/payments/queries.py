"""Snapshots: frozen copies of the aggregates as they stand, which commands and queries return.

A snapshot is what the API sends for an aggregate (its response model), so each field is
declared once, here. Not to be confused with the read models (application/read_models), which
are folded from the log, nor with their storage, the "views" (the library's word).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from application.copying import copied
from domain.company import Company, Connector
from domain.disbursement import Disbursement, DisbursementStatus
from domain.funding_account import FundingAccount
from domain.invoice import ErpSyncStatus, Invoice, PaymentStatus
from domain.invoice_payment import (
    ExportFailure,
    ExportRetry,
    ExportStatus,
    InvoicePayment,
    PayoutStatus,
)


@dataclass(frozen=True)
class ErpSettingsSnapshot:
    company_id: str
    connector: Connector
    payment_record_sync_enabled: bool
    override_subcontractor_invoice_number: bool
    erp_base_url: str | None
    connection: dict[str, str]  # secrets appear only as the names of configured ones
    version: int

    @classmethod
    def of(cls, company: Company) -> ErpSettingsSnapshot | None:
        settings = company.erp_settings
        if settings is None:
            return None
        return copied(cls, settings, company, connection=dict(settings.connection))


@dataclass(frozen=True)
class FundingAccountSnapshot:
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
    def of(cls, account: FundingAccount) -> FundingAccountSnapshot:
        return copied(
            cls,
            account,
            next_check_number=account.next_to_issue,
            highest_issued_check_number=account.issued.highest,
        )


@dataclass(frozen=True)
class InvoiceSnapshot:
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
    approved: bool
    approved_by: str | None
    erp_sync_status: ErpSyncStatus
    erp_ref: str | None
    erp_invoice_number: str | None
    payment_status: PaymentStatus
    amount_paid: Decimal
    open_amount: Decimal
    received_on: datetime
    version: int

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceSnapshot:
        return copied(cls, invoice, approved=invoice.is_approved, received_on=invoice.created_on)


@dataclass(frozen=True)
class PaymentSnapshot:
    id: UUID
    invoice_id: UUID
    invoice_number: str
    vendor_name: str
    amount: Decimal
    check_number: int | None
    bank_id: str | None
    payout_status: PayoutStatus
    export_status: ExportStatus
    export_attempt: int
    erp_payment_ref: str | None
    erp_connector: str | None
    export_failure: ExportFailure | None
    export_warning: str | None
    exported_at: datetime | None
    export_retry: ExportRetry | None
    marked_by_hand: bool

    @classmethod
    def of(cls, payment: InvoicePayment) -> PaymentSnapshot:
        return copied(cls, payment, payment.line)


@dataclass(frozen=True)
class DisbursementSnapshot:
    id: UUID
    company_id: str
    name: str
    funding_account_id: UUID
    status: DisbursementStatus
    drafted_by: str
    authorized_by: str | None
    cancel_reason: str | None
    funded_at: datetime | None
    funding_failure_reason: str | None
    payments: tuple[PaymentSnapshot, ...]
    version: int
    modified_at: datetime

    @classmethod
    def of(cls, disbursement: Disbursement) -> DisbursementSnapshot:
        return copied(
            cls,
            disbursement,
            payments=tuple(PaymentSnapshot.of(p) for p in disbursement.payments.values()),
            modified_at=disbursement.modified_on,
        )

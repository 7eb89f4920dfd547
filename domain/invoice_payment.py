"""One invoice payment inside a disbursement, and where its payment record stands in the ERP."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.check_numbers import CheckNumber
from domain.command_copies import CopiedForCommands
from domain.export_failure import ExportFailureReason


class PayoutStatus(StrEnum):
    NOT_INITIATED = "not_initiated"
    REQUESTED = "requested"
    COMPLETED = "completed"
    FAILED = "failed"


class ExportStatus(StrEnum):
    NOT_READY = "not_ready"
    SYNC_DISABLED = "sync_disabled"
    PENDING = "pending"
    SENT_TO_AGENT = "sent_to_agent"  # handed to an on-premises agent; its answer not yet back
    EXPORTED = "exported"
    FAILED_TO_EXPORT = "failed_to_export"
    MARKED_FOR_CHECK_RUN = "marked_for_check_run"


@dataclass(frozen=True)
class ExportFailure:
    """Why the last attempt failed, with the ERP's own words and code when it gave them."""

    reason: ExportFailureReason
    message: str
    erp_code: str | None


@dataclass(frozen=True)
class ExportRetry:
    """The export is trying again by itself: calls so far, the last error, the next try."""

    tries: int
    message: str
    erp_code: str | None
    next_try_at: datetime


@dataclass(frozen=True)
class PaymentLine:
    """What a disbursement knows of an invoice when it pays it (copied, so history holds)."""

    payment_id: UUID
    invoice_id: UUID
    amount: Decimal
    invoice_number: str
    vendor_name: str
    erp_vendor_id: str
    erp_bill_ref: str | None  # the bill in the ERP; None when the invoice was not synced yet
    bill_amount: Decimal

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> PaymentLine:
        """A line as events stored it before it had a transcoding of its own (a plain dict)."""
        return cls(**data)


@dataclass(frozen=True)
class IssuedCheck:
    """The check number one payment was given when its disbursement was authorized."""

    payment_id: UUID
    check_number: CheckNumber


class InvoicePayment(CopiedForCommands):
    """A payment of one invoice: its check, its payout, and its payment record's export.

    Only a failed payment record may have its check number or Bank ID changed: once the ERP
    holds a record, paysync cannot unlink it.
    """

    def __init__(self, line: PaymentLine) -> None:
        self.line = line
        self.check_number: int | None = None
        self.bank_id: str | None = None
        self.payout_status = PayoutStatus.NOT_INITIATED
        self.export_status = ExportStatus.NOT_READY
        self.export_attempt = 0
        self.export_failure: ExportFailure | None = None
        self.erp_payment_ref: str | None = None
        self.erp_connector: str | None = None  # which ERP holds the record (or was asked)
        self.export_warning: str | None = None  # the ERP took the record but said something
        self.exported_at: datetime | None = None
        self.export_retry: ExportRetry | None = None  # while pending after an unreachable ERP
        self.marked_by_hand = False  # exported by a person in the ERP, not by paysync

    @property
    def id(self) -> UUID:
        return self.line.payment_id

    @property
    def invoice_id(self) -> UUID:
        return self.line.invoice_id

    @property
    def amount(self) -> Decimal:
        return self.line.amount

    @property
    def erp_bill_ref(self) -> str | None:
        return self.line.erp_bill_ref

    @property
    def is_failed(self) -> bool:
        return self.export_status is ExportStatus.FAILED_TO_EXPORT

    @property
    def next_attempt(self) -> int:
        """The attempt a new Export click makes.

        A failure the ERP may have half-done (it was unreachable; perhaps it took the record
        and the answer was lost) is retried under the same attempt, so the same idempotency
        key reaches the ERP and it cannot create the record twice; such a record cannot be
        edited first (see PaymentExports.editable_payment). After the ERP refused outright,
        the next attempt is a new request.
        """
        failure = self.export_failure
        if failure is not None and failure.reason.is_transient:
            return self.export_attempt
        return self.export_attempt + 1

    def idempotency_key(self) -> str:
        return f"paysync-{self.id}-{self.export_attempt}"


IDEMPOTENCY_KEY = re.compile(r"paysync-([0-9a-fA-F-]{36})-[0-9]+")


def payment_id_in_key(text: str | None) -> UUID | None:
    """The payment an idempotency key (as InvoicePayment.idempotency_key wrote it) names, or
    None for text that is no such key (a record keyed into the ERP by hand)."""
    found = IDEMPOTENCY_KEY.fullmatch((text or "").strip())
    try:
        return UUID(found.group(1)) if found else None
    except ValueError:
        return None

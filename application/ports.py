"""The ports: what the application needs from the outside world, stated as interfaces.

Infrastructure fills them (one ErpConnector per ERP); tests may subclass them with tiny fakes.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from domain.export_failure import ExportFailureReason


@dataclass(frozen=True)
class BillToExport:
    """A subcontractor invoice as the ERP will hold it: a bill (payable) to a vendor."""

    invoice_id: UUID
    invoice_number: str  # already replaced when Override Subcontractor Invoice Number is on
    erp_vendor_id: str
    vendor_name: str
    project: str
    amount: Decimal
    invoice_date: date
    idempotency_key: str


@dataclass(frozen=True)
class PaymentRecordToExport:
    """One invoice payment, as a payment record for the ERP to hold against the bill."""

    payment_id: UUID
    disbursement_id: UUID
    invoice_id: UUID
    invoice_number: str
    erp_vendor_id: str
    vendor_name: str
    erp_bill_ref: str
    bill_amount: Decimal  # the invoice's amount due, so a connector can tell a partial payment
    amount: Decimal
    check_number: str
    bank_id: str
    paid_on: date
    idempotency_key: str  # the same key for the same attempt, however often it is sent


@dataclass(frozen=True)
class ErpAccepted:
    """The ERP holds the record. `erp_ref` is the ERP's own id for it.

    `marked_for_check_run` is true where the ERP posts no payment but marks the bill for its
    own check run (Sage 300 CRE).
    """

    erp_ref: str
    marked_for_check_run: bool = False


@dataclass(frozen=True)
class ErpRefused:
    """The ERP did not take the record, or could not be reached.

    `message` and `erp_code` are the ERP's own words and code, kept so the accounting
    approver can quote them to ERP support.
    """

    reason: ExportFailureReason
    message: str
    erp_code: str | None = None

    @property
    def is_transient(self) -> bool:
        return self.reason.is_transient


ErpAnswer = ErpAccepted | ErpRefused


class ErpConnector(Protocol):
    """One ERP, spoken to in its own request shape.

    A connector never raises for what the ERP answers: every answer, including a timeout or a
    refused connection, comes back as ErpAccepted or ErpRefused. Calling it twice with the same
    idempotency key never creates two records in the ERP: where the ERP takes a request id the
    connector sends the key; where it does not, the connector looks the record up first.
    """

    connector_name: str

    def export_bill(self, bill: BillToExport) -> ErpAnswer: ...

    def export_payment(self, record: PaymentRecordToExport) -> ErpAnswer: ...


class ErpConnectors(Protocol):
    """Finds the connector for a company's ERP settings (one per connector and ERP address)."""

    def connector_for(self, connector: str, erp_base_url: str | None) -> ErpConnector: ...


class BetweenProcesses(Protocol):
    """A lock per hot aggregate shared by every process on one store (see group_commit.py).

    Only ever a speed-up: the library's version check still decides every race, so a lock
    lost with its connection costs a retry, never a wrong number.
    """

    def holding(self, aggregate_id: UUID) -> AbstractContextManager[None]: ...

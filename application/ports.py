"""The ports: what the application needs from the outside world, stated as interfaces.

Infrastructure fills them (one ErpConnector per ERP); tests may subclass them with tiny fakes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.persistence import StoredEvent

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
    warning: str | None = None  # e.g. QuickBooks Desktop took a RefNumber already in use


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


@dataclass(frozen=True)
class ErpSentToAgent:
    """An agent-reached ERP: the record waits for the on-premises agent, which fetches it and
    reports the ERP's answer later. `agent_ref` names the request in the agent's queue."""

    agent_ref: str


ErpAnswer = ErpAccepted | ErpRefused | ErpSentToAgent
BillAnswer = ErpAccepted | ErpRefused


class ConnectorKind(StrEnum):
    DIRECT = "direct"  # the ERP answers the call
    AGENT = "agent"  # an agent on the customer's server polls paysync and answers later


class Idempotency(StrEnum):
    NATIVE_KEY = "native_key"  # the ERP takes a request id and answers a repeat with the first
    LOOK_UP_FIRST = "look_up_first"  # the connector looks the record up before creating it


@dataclass(frozen=True)
class Capabilities:
    """What an ERP does with a payment record, declared by its connector."""

    kind: ConnectorKind
    partial_payments: bool
    refuses_duplicate_check_numbers: bool
    idempotency: Idempotency
    marks_for_check_run: bool = False  # no payment is posted; bills are marked for a check run
    lists_checks: bool = False  # the ERP's API can list a bank account's checks


class ErpConnector(Protocol):
    """One ERP, spoken to in its own request shape.

    A connector never raises for what the ERP answers: every answer, including a timeout or a
    refused connection, comes back as ErpAccepted or ErpRefused. Calling it twice with the same
    idempotency key never creates two records in the ERP: where the ERP takes a request id the
    connector sends the key; where it does not, the connector looks the record up first.
    """

    connector_name: str
    capabilities: Capabilities

    def export_bill(self, bill: BillToExport) -> BillAnswer: ...

    def export_payment(self, record: PaymentRecordToExport) -> ErpAnswer: ...


class ListsChecks(Protocol):
    """A connector whose ERP can list the checks drawn on a bank account."""

    def check_numbers(self, bank_id: str) -> list[str] | ErpRefused:
        """Every check number used on the bank account in the ERP (keyed in by hand, or
        written by any connector), or why the ERP could not say."""
        ...


class ErpConnectors(Protocol):
    """The registry of connectors: checks a company's connection settings and finds the
    connector for them (one per connector and connection)."""

    def checked_connection(
        self, connector: str, connection: Mapping[str, object] | None, erp_base_url: str | None
    ) -> dict[str, str]: ...

    def connector_for(self, connector: str, connection: Mapping[str, str]) -> ErpConnector: ...


@dataclass(frozen=True)
class ErpPaymentRecord:
    """A payment record as the ERP holds it now, read back for a reconciliation.

    `payment_id` is paysync's id for the payment when the record carries it (paysync writes it
    into every record it sends); None for a record someone keyed into the ERP by hand.
    """

    erp_ref: str
    payment_id: UUID | None
    check_number: str | None
    bank_id: str | None
    amount: Decimal
    paid_on: date


@runtime_checkable
class ErpRecordReader(Protocol):
    """The read side of a connector: the payment records its ERP holds for a period.

    Apart from ErpConnector so that a connector without a read API still exports; the
    reconciliation says which connectors cannot be read yet. Raises ErpUnreadable when the
    ERP cannot be read: a reconciliation that read half the records would report the other
    half as missing.
    """

    def payment_records(self, paid_from: date, paid_to: date) -> list[ErpPaymentRecord]: ...


class ErpUnreadable(Exception):
    """The ERP's payment records could not be read (unreachable, refused, unreadable answer)."""


class BetweenProcesses(Protocol):
    """A lock per hot aggregate shared by every process on one store (see payments/group_commit.py).

    Only ever a speed-up: the library's version check still decides every race, so a lock
    lost with its connection costs a retry, never a wrong number.
    """

    def holding(self, aggregate_id: UUID) -> AbstractContextManager[None]: ...


@runtime_checkable
class ReadsHistoriesTogether(Protocol):
    """An event store that reads many aggregates' events in one statement: a funding's 100
    invoices in one round trip instead of 100 (infrastructure/store/histories.py)."""

    def select_events_of(
        self, originator_ids: Sequence[UUID], *, after: Mapping[UUID, int] | None = None
    ) -> Sequence[StoredEvent]:
        """Every event of these aggregates (of those in `after`, only the events after that
        version), each aggregate's in version order."""

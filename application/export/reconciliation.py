"""Reconciliation: does the ERP hold exactly the payment records paysync says it exported?

For one company and a period of payment dates, the ERP's payment records (read back through
the connector's read side) are set against paysync's exported records. Each paysync record
must be in the ERP once, as sent. What is left over is reported, in four kinds:

- `missing_in_erp`: paysync recorded the export, the ERP holds no such record (deleted there,
  or never made: the worst case, money paid and not in the books);
- `present_twice`: the ERP holds more than one record for one paysync payment;
- `changed_in_erp`: the ERP's record differs from what paysync sent (amount, check number,
  bank account), edited in the ERP afterwards;
- `not_exported_in_paysync`: the ERP holds a record that names a paysync payment paysync does
  not count as exported (the ERP took it but its answer never came back, or it failed).

An empty report is the figure of "nothing lost, nothing doubled".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from application.payments.payments import Payments
from application.ports import (
    ConnectorKind,
    ErpConnector,
    ErpConnectors,
    ErpPaymentRecord,
    ErpRecordReader,
    ErpUnreadable,
)
from application.read_models.payment_records import PaymentRecord, PaymentRecordsView
from domain.invoice_payment import ExportStatus

PAGE_SIZE = 500


@dataclass(frozen=True)
class ExportedRecord:
    """A payment record paysync counts as exported, with what it sent the ERP."""

    payment_id: UUID
    erp_ref: str | None
    check_number: str | None
    bank_id: str | None
    amount: Decimal
    paid_on: date | None

    @classmethod
    def of(cls, record: PaymentRecord) -> ExportedRecord:
        return cls(
            payment_id=UUID(record.payment_id),
            erp_ref=record.erp_payment_ref,
            check_number=None if record.check_number is None else str(record.check_number),
            bank_id=record.bank_id,
            amount=Decimal(record.amount),
            paid_on=None if record.funded_at is None else date.fromisoformat(record.funded_at[:10]),
        )


@dataclass(frozen=True)
class Difference:
    """One field the ERP holds otherwise than paysync sent it."""

    field: str
    paysync: str | None
    erp: str | None


@dataclass(frozen=True)
class Finding:
    """One record that does not reconcile, with what each side holds."""

    kind: str  # missing_in_erp | present_twice | changed_in_erp | not_exported_in_paysync
    payment_id: str | None
    erp_refs: tuple[str, ...]
    check_number: str | None
    amount: str | None
    differences: tuple[Difference, ...] = ()


@dataclass(frozen=True)
class ReconciliationReport:
    company_id: str
    connector: str
    paid_from: date
    paid_to: date
    exported_in_paysync: int
    records_in_erp: int
    matched: int
    findings: tuple[Finding, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.findings

    def count(self, kind: str) -> int:
        return sum(1 for finding in self.findings if finding.kind == kind)

    def as_json(self) -> dict[str, Any]:
        return {
            "company_id": self.company_id,
            "connector": self.connector,
            "paid_from": self.paid_from.isoformat(),
            "paid_to": self.paid_to.isoformat(),
            "exported_in_paysync": self.exported_in_paysync,
            "records_in_erp": self.records_in_erp,
            "matched": self.matched,
            "ok": self.ok,
            "counts": {kind: self.count(kind) for kind in KINDS},
            "findings": [asdict(finding) for finding in self.findings],
        }


KINDS = ("missing_in_erp", "present_twice", "changed_in_erp", "not_exported_in_paysync")


def reconcile(
    company_id: str,
    connector: str,
    paid_from: date,
    paid_to: date,
    exported: Iterable[ExportedRecord],
    in_erp: Iterable[ErpPaymentRecord],
) -> ReconciliationReport:
    """Sets the two sides against each other (both already limited to the period)."""
    ours = list(exported)
    theirs = list(in_erp)
    by_payment: defaultdict[UUID, list[ErpPaymentRecord]] = defaultdict(list)
    by_ref: dict[str, ErpPaymentRecord] = {}
    for held_record in theirs:
        by_ref[held_record.erp_ref] = held_record
        if held_record.payment_id is not None:
            by_payment[held_record.payment_id].append(held_record)
    findings: list[Finding] = []
    matched = 0
    for record in ours:
        held = by_payment.pop(record.payment_id, [])
        if not held and record.erp_ref is not None and record.erp_ref in by_ref:
            # Marked as exported by hand with the ERP's id: the record need not name us.
            held = [by_ref[record.erp_ref]]
        finding = _finding(record, held)
        if finding is None:
            matched += 1
        else:
            findings.append(finding)
    for payment_id, held in by_payment.items():
        findings.append(
            Finding(
                kind="not_exported_in_paysync",
                payment_id=str(payment_id),
                erp_refs=tuple(r.erp_ref for r in held),
                check_number=held[0].check_number,
                amount=str(held[0].amount),
            )
        )
    return ReconciliationReport(
        company_id=company_id,
        connector=connector,
        paid_from=paid_from,
        paid_to=paid_to,
        exported_in_paysync=len(ours),
        records_in_erp=len(theirs),
        matched=matched,
        findings=tuple(findings),
    )


def _finding(record: ExportedRecord, held: list[ErpPaymentRecord]) -> Finding | None:
    def found(kind: str, differences: tuple[Difference, ...] = ()) -> Finding:
        return Finding(
            kind=kind,
            payment_id=str(record.payment_id),
            erp_refs=tuple(r.erp_ref for r in held),
            check_number=record.check_number,
            amount=str(record.amount),
            differences=differences,
        )

    if not held:
        return found("missing_in_erp")
    if len(held) > 1:
        return found("present_twice")
    differences = tuple(_differences(record, held[0]))
    return found("changed_in_erp", differences) if differences else None


def _differences(record: ExportedRecord, held: ErpPaymentRecord) -> Iterator[Difference]:
    if held.amount != record.amount:
        yield Difference("amount", str(record.amount), str(held.amount))
    if held.check_number != record.check_number:
        yield Difference("check_number", record.check_number, held.check_number)
    if held.bank_id != record.bank_id:
        yield Difference("bank_id", record.bank_id, held.bank_id)


def in_period(
    records: Iterable[PaymentRecord], paid_from: date, paid_to: date
) -> Iterator[ExportedRecord]:
    """paysync's exported records paid within the period (the day funding completed)."""
    for record in records:
        if record.export_status != ExportStatus.EXPORTED:
            continue
        exported = ExportedRecord.of(record)
        if exported.paid_on is not None and paid_from <= exported.paid_on <= paid_to:
            yield exported


def _why_unreadable(connector: ErpConnector) -> str:
    if connector.capabilities.kind is ConnectorKind.AGENT:
        # The agent fetches records to write and reports the ERP's answer to each; nothing
        # in its exchange asks the ERP what it holds.
        return (
            "the ERP is reached only through the on-premises agent, which carries records to"
            " it and answers back, and cannot list what the ERP holds"
        )
    # Yardi's Vendor Invoicing interface (ADR 0022) finds a paid invoice by its reference only.
    return "its ERP's API cannot list payment records by date"


class Reconciliation:
    """Reads both sides for a company and a period and reconciles them.

    paysync's side is the payment-records read model: bring it to the end of the log first
    (the command line does), or records exported a moment ago are not yet counted.
    """

    def __init__(
        self, payments: Payments, records: PaymentRecordsView, connectors: ErpConnectors
    ) -> None:
        self.payments = payments
        self.records = records
        self.connectors = connectors

    def run(self, company_id: str, paid_from: date, paid_to: date) -> ReconciliationReport:
        settings = self.payments.erp_settings(company_id)
        connector = self.connectors.connector_for(settings.connector, settings.connection)
        if not isinstance(connector, ErpRecordReader):
            raise ErpUnreadable(
                f"the {settings.connector} connector cannot read its ERP's payment records yet:"
                f" {_why_unreadable(connector)}"
            )
        in_erp = connector.payment_records(paid_from, paid_to)
        exported = in_period(self._exported_records(company_id), paid_from, paid_to)
        return reconcile(company_id, settings.connector, paid_from, paid_to, exported, in_erp)

    def _exported_records(self, company_id: str) -> Iterator[PaymentRecord]:
        cursor: str | None = None
        while True:
            page = self.records.page(company_id, ExportStatus.EXPORTED, cursor, PAGE_SIZE)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

"""The agent-reached ERPs' answers, through the sandbox's books and the connectors' readers:
what QuickBooks Desktop says to qbXML and Sage 300 CRE to a check-run mark, in the words
of the Failed to Export list. (The whole round trip through paysync: tests/e2e.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import pytest

from application.export.agent_exchange import AgentWork
from application.ports import ErpAccepted, ErpRefused, PaymentRecordToExport
from domain.export_failure import ExportFailureReason
from infrastructure.erp import quickbooks_desktop as qbd
from infrastructure.erp import sage_300_cre as cre
from infrastructure.erp_sandbox import ledger
from infrastructure.erp_sandbox.dialects import quickbooks_desktop as qbd_sandbox
from infrastructure.erp_sandbox.dialects import sage_300_cre as cre_sandbox
from infrastructure.erp_sandbox.storage import SandboxStore


@pytest.fixture
def store(tmp_path: Path) -> SandboxStore:
    books = SandboxStore(tmp_path)
    books.add_bank_account("1001")
    books.add_vendor("V042")
    return books


def a_bill(store: SandboxStore, connector: str) -> str:
    bill = ledger.BillIn("INV-7", "V042", Decimal("1000.00"), "2026-11-20", None)
    return ledger.create_bill(store, connector, bill).erp_ref


def a_record(bill_ref: str, **changes: object) -> PaymentRecordToExport:
    record = PaymentRecordToExport(
        payment_id=uuid4(),
        disbursement_id=uuid4(),
        invoice_id=uuid4(),
        invoice_number="INV-7",
        erp_vendor_id="V042",
        vendor_name="Rebar Co",
        erp_bill_ref=bill_ref,
        bill_amount=Decimal("1000.00"),
        amount=Decimal("1000.00"),
        check_number="100",
        bank_id="1001",
        paid_on=date(2026, 11, 24),
        idempotency_key=f"paysync-{uuid4()}-1",
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def quickbooks_desktop_answer(store: SandboxStore, record: PaymentRecordToExport) -> object:
    """The two steps a Web Connector session runs for one record."""
    found = qbd_sandbox.answer_qbxml(store, qbd.check_query(record))
    existing, warning = qbd.read_query(found, record)
    if existing is not None:
        return ErpAccepted(existing)
    return qbd.read_add(qbd_sandbox.answer_qbxml(store, qbd.check_add(record)), warning)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"bank_id": "9999"}, ExportFailureReason.BANK_ID_NOT_FOUND),
        ({"erp_vendor_id": "V999"}, ExportFailureReason.VENDOR_NOT_SYNCED),
        ({"erp_bill_ref": "404"}, ExportFailureReason.INVOICE_NOT_SYNCED),
        ({"amount": Decimal("1000.01")}, ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE),
    ],
)
def test_quickbooks_desktop_refusals_name_their_reason(
    store: SandboxStore, changes: dict[str, object], reason: ExportFailureReason
) -> None:
    answer = quickbooks_desktop_answer(store, a_record(a_bill(store, qbd.CONNECTOR), **changes))
    assert isinstance(answer, ErpRefused)
    assert answer.reason is reason
    assert store.payments() == []


def test_quickbooks_desktop_sent_the_same_record_twice_holds_it_once(store: SandboxStore) -> None:
    record = a_record(a_bill(store, qbd.CONNECTOR))
    first = quickbooks_desktop_answer(store, record)
    again = quickbooks_desktop_answer(store, record)
    assert isinstance(first, ErpAccepted)
    assert again == ErpAccepted(first.erp_ref)
    assert len(store.payments()) == 1


def test_quickbooks_desktop_takes_a_partial_payment(store: SandboxStore) -> None:
    record = a_record(a_bill(store, qbd.CONNECTOR), amount=Decimal("400.00"))
    assert isinstance(quickbooks_desktop_answer(store, record), ErpAccepted)


def sage_300_answer(store: SandboxStore, record: PaymentRecordToExport) -> object:
    request = cre.request_of(AgentWork(record.disbursement_id, 1, record), "PAYSYNC")
    return cre.answer_of(cre_sandbox.mark(store, request))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"erp_vendor_id": "V999"}, ExportFailureReason.VENDOR_NOT_SYNCED),
        ({"erp_bill_ref": "404"}, ExportFailureReason.INVOICE_NOT_SYNCED),
        ({"amount": Decimal("1000.01")}, ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE),
        ({"amount": Decimal("400.00")}, ExportFailureReason.PARTIAL_PAYMENT_NOT_SUPPORTED),
    ],
)
def test_sage_300_cre_refusals_name_their_reason(
    store: SandboxStore, changes: dict[str, object], reason: ExportFailureReason
) -> None:
    answer = sage_300_answer(store, a_record(a_bill(store, cre.CONNECTOR), **changes))
    assert isinstance(answer, ErpRefused)
    assert answer.reason is reason


def test_sage_300_cre_marks_a_request_once_and_posts_no_check(store: SandboxStore) -> None:
    record = a_record(a_bill(store, cre.CONNECTOR))
    first = sage_300_answer(store, record)
    again = sage_300_answer(store, record)
    assert isinstance(first, ErpAccepted)
    assert first.marked_for_check_run
    assert again == first
    (mark,) = store.payments()
    assert (mark.check_number, mark.document) == (
        None,
        {"InvoiceCode1": "PAYSYNC", "InvoiceCode2": "100"},
    )


def test_sage_300_cre_connector_refuses_a_partial_payment_before_any_trip() -> None:
    answer = cre.Sage300CreConnector().export_payment(a_record("1", amount=Decimal("1.00")))
    assert isinstance(answer, ErpRefused)
    assert answer.reason is ExportFailureReason.PARTIAL_PAYMENT_NOT_SUPPORTED

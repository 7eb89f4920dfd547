"""The connector directory: a connector per ERP kind and address, or a clear refusal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from application.ports import ErpRefused, PaymentRecordToExport
from domain.export_failure import ExportFailureReason
from infrastructure.erp.directory import ConnectorDirectory
from infrastructure.erp.quickbooks_online import QuickBooksOnlineConnector


@pytest.fixture
def directory() -> Iterator[ConnectorDirectory]:
    connectors = ConnectorDirectory(timeout_seconds=1.0)
    yield connectors
    connectors.close()


def record() -> PaymentRecordToExport:
    return PaymentRecordToExport(
        payment_id=uuid4(),
        disbursement_id=uuid4(),
        invoice_id=uuid4(),
        invoice_number="I",
        erp_vendor_id="V",
        vendor_name="V",
        erp_bill_ref="1",
        bill_amount=Decimal("1.00"),
        amount=Decimal("1.00"),
        check_number="1",
        bank_id="1",
        paid_on=date(2026, 11, 24),
        idempotency_key="k",
    )


def test_one_connector_serves_each_erp_address(directory: ConnectorDirectory) -> None:
    first = directory.connector_for("quickbooks_online", "http://127.0.0.1:1")
    assert isinstance(first, QuickBooksOnlineConnector)
    assert directory.connector_for("quickbooks_online", "http://127.0.0.1:1") is first
    assert directory.connector_for("quickbooks_online", "http://127.0.0.1:2") is not first


@pytest.mark.parametrize(
    ("connector", "url", "words"),
    [
        ("sage_intacct", "http://127.0.0.1:1", "not available yet"),
        ("quickbooks_online", None, "no erp_base_url"),
    ],
)
def test_a_connector_that_cannot_be_built_refuses_every_record_saying_why(
    directory: ConnectorDirectory, connector: str, url: str | None, words: str
) -> None:
    answer = directory.connector_for(connector, url).export_payment(record())
    assert isinstance(answer, ErpRefused)
    assert answer.reason is ExportFailureReason.ERP_REJECTED
    assert words in answer.message

"""The connector directory: a connector per ERP kind and address, or a clear refusal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from application.ports import ErpRefused, PaymentRecordToExport
from domain.errors import InvalidConnection
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


def test_one_connector_serves_each_connection(directory: ConnectorDirectory) -> None:
    first = directory.connector_for("quickbooks_online", {"base_url": "http://127.0.0.1:1"})
    assert isinstance(first, QuickBooksOnlineConnector)
    assert directory.connector_for("quickbooks_online", {"base_url": "http://127.0.0.1:1"}) is first
    other = directory.connector_for("quickbooks_online", {"base_url": "http://127.0.0.1:2"})
    assert other is not first


def test_erp_base_url_stands_for_the_connections_base_url(directory: ConnectorDirectory) -> None:
    checked = directory.checked_connection("quickbooks_online", None, "http://127.0.0.1:1/")
    assert checked["base_url"] == "http://127.0.0.1:1"
    assert checked["access_token_ref"] == "sandbox"


@pytest.mark.parametrize(
    ("connection", "words"),
    [
        ({"base_url": "ftp://erp"}, "connection.base_url"),
        ({"base_url": "http://erp", "realm": "1"}, "connection.realm"),
        ({"base_url": "http://erp", "access_token_ref": "not a name"}, "access_token_ref"),
        ({}, "connection.base_url"),
    ],
)
def test_a_connection_the_connector_cannot_use_is_refused_naming_the_field(
    directory: ConnectorDirectory, connection: dict[str, str], words: str
) -> None:
    with pytest.raises(InvalidConnection, match=words):
        directory.checked_connection("quickbooks_online", connection, None)


def test_every_erp_address_goes_through_the_one_address_check() -> None:
    seen: list[str] = []
    connectors = ConnectorDirectory(address_check=seen.append)
    connectors.checked_connection("quickbooks_online", {"base_url": "http://erp.example"}, None)
    connectors.close()
    assert seen == ["http://erp.example"]


@pytest.mark.parametrize(
    ("connection", "words"),
    [
        ({"base_url": "http://127.0.0.1:1", "access_token_ref": "missing"}, "'missing'"),
        ({}, "base_url"),
    ],
)
def test_a_connector_that_cannot_be_built_refuses_every_record_saying_why(
    directory: ConnectorDirectory, connection: dict[str, str], words: str
) -> None:
    answer = directory.connector_for("quickbooks_online", connection).export_payment(record())
    assert isinstance(answer, ErpRefused)
    assert answer.reason is ExportFailureReason.ERP_REJECTED
    assert words in answer.message

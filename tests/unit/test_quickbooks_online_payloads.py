"""What the QuickBooks Online connector sends and how it reads answers, with no network at all."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import httpx
import pytest

from application.ports import (
    BillToExport,
    ErpAccepted,
    ErpConnector,
    ErpRefused,
    PaymentRecordToExport,
)
from domain.export_failure import ExportFailureReason
from infrastructure.erp.quickbooks_online import QuickBooksOnlineConnector

PAYMENT_ID = UUID("00000000-0000-0000-0000-0000000000a1")
INVOICE_ID = UUID("00000000-0000-0000-0000-0000000000b2")

RECORD = PaymentRecordToExport(
    payment_id=PAYMENT_ID,
    disbursement_id=UUID("00000000-0000-0000-0000-0000000000c3"),
    invoice_id=INVOICE_ID,
    invoice_number="INV-7",
    erp_vendor_id="V042",
    vendor_name="Rebar Co",
    erp_bill_ref="145",
    bill_amount=Decimal("1000.00"),
    amount=Decimal("1000.00"),
    check_number="10001",
    bank_id="1001",
    paid_on=date(2026, 11, 24),
    idempotency_key="payment-a1-attempt-1",
)

BILL = BillToExport(
    invoice_id=INVOICE_ID,
    invoice_number="INV-7",
    erp_vendor_id="V042",
    vendor_name="Rebar Co",
    project="Tower A",
    amount=Decimal("1000.00"),
    invoice_date=date(2026, 11, 20),
    idempotency_key="invoice-b2-sync",
)

Reason = ExportFailureReason
Answerer = Callable[[httpx.Request], httpx.Response]


class RecordingErp:
    """An httpx transport that keeps every request and answers as the test says."""

    def __init__(self, answer: Answerer) -> None:
        self.requests: list[httpx.Request] = []
        self._answer = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._answer(request)

    @property
    def body(self) -> Any:
        (request,) = self.requests
        return json.loads(request.content, parse_float=Decimal)


def created(entity: str, erp_ref: str = "146") -> Answerer:
    return lambda _: httpx.Response(200, json={entity: {"Id": erp_ref, "SyncToken": "0"}})


def plain(status: int, text: str) -> Answerer:
    return lambda _: httpx.Response(status, text=text)


def fault(code: str, element: str = "", status: int = 400, detail: str = "...") -> Answerer:
    error = {"Message": "The ERP's message", "Detail": detail, "code": code, "element": element}
    return lambda _: httpx.Response(status, json={"Fault": {"Error": [error], "type": "X"}})


Connect = Callable[[Answerer], tuple[QuickBooksOnlineConnector, RecordingErp]]


@pytest.fixture
def connect() -> Iterator[Connect]:
    """Connects a QuickBooks Online connector to a recording ERP that answers as told."""
    clients: list[httpx.Client] = []

    def connect(answer: Answerer) -> tuple[QuickBooksOnlineConnector, RecordingErp]:
        erp = RecordingErp(answer)
        client = httpx.Client(transport=httpx.MockTransport(erp))
        clients.append(client)
        connector = QuickBooksOnlineConnector(
            "https://quickbooks.example/", realm_id="9130", access_token="tok", client=client
        )
        return connector, erp

    yield connect
    for client in clients:
        client.close()


def test_a_payment_record_is_sent_as_a_bill_payment_with_quickbooks_own_field_names(
    connect: Connect,
) -> None:
    connector, erp = connect(created("BillPayment"))

    connector.export_payment(RECORD)

    assert erp.body == {
        "VendorRef": {"value": "V042", "name": "Rebar Co"},
        "PayType": "Check",
        "CheckPayment": {"BankAccountRef": {"value": "1001"}, "PrintStatus": "NotSet"},
        "DocNumber": "10001",
        "TxnDate": "2026-11-24",
        "PrivateNote": f"paysync payment {PAYMENT_ID}",
        "TotalAmt": Decimal("1000.0"),
        "Line": [{"Amount": Decimal("1000.0"), "LinkedTxn": [{"TxnId": "145", "TxnType": "Bill"}]}],
    }


def test_a_payment_record_goes_to_the_company_bill_payment_path_with_its_key_as_requestid(
    connect: Connect,
) -> None:
    connector, erp = connect(created("BillPayment"))

    connector.export_payment(RECORD)

    (request,) = erp.requests
    assert request.method == "POST"
    assert request.url.path == "/v3/company/9130/billpayment"
    assert request.url.params["requestid"] == "payment-a1-attempt-1"
    assert request.url.params["minorversion"] == "75"
    assert request.headers["Authorization"] == "Bearer tok"
    assert request.headers["Content-Type"] == "application/json"


def test_a_key_longer_than_quickbooks_takes_is_sent_as_the_same_short_requestid_each_time(
    connect: Connect,
) -> None:
    connector, erp = connect(created("BillPayment"))
    long_key = RECORD.idempotency_key * 3

    connector.export_payment(replace(RECORD, idempotency_key=long_key))
    connector.export_payment(replace(RECORD, idempotency_key=long_key))
    connector.export_payment(replace(RECORD, idempotency_key=long_key + "-2"))

    first, again, other = (request.url.params["requestid"] for request in erp.requests)
    assert len(first) <= 50
    assert again == first
    assert other != first


def test_an_invoice_is_sent_as_a_bill_with_one_expense_line_for_its_project(
    connect: Connect,
) -> None:
    connector, erp = connect(created("Bill"))

    connector.export_bill(BILL)

    (request,) = erp.requests
    assert request.url.path == "/v3/company/9130/bill"
    assert request.url.params["requestid"] == "invoice-b2-sync"
    assert erp.body == {
        "VendorRef": {"value": "V042", "name": "Rebar Co"},
        "DocNumber": "INV-7",
        "TxnDate": "2026-11-20",
        "PrivateNote": f"paysync invoice {INVOICE_ID}",
        "TotalAmt": Decimal("1000.0"),
        "Line": [
            {
                "Amount": Decimal("1000.0"),
                "DetailType": "AccountBasedExpenseLineDetail",
                "Description": "Tower A",
                "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "1"}},
            }
        ],
    }


@pytest.mark.parametrize("amount", ["0.10", "0.30", "1234.56", "99999999.99", "1000000.01"])
def test_money_goes_as_json_numbers_that_read_back_as_the_exact_amount(
    connect: Connect, amount: str
) -> None:
    connector, erp = connect(created("BillPayment"))

    connector.export_payment(replace(RECORD, amount=Decimal(amount)))

    assert erp.body["TotalAmt"] == Decimal(amount)
    assert erp.body["Line"][0]["Amount"] == Decimal(amount)


def test_the_id_quickbooks_gives_the_bill_payment_is_the_erp_ref(connect: Connect) -> None:
    connector, _ = connect(created("BillPayment", erp_ref="146"))

    assert connector.export_payment(RECORD) == ErpAccepted(erp_ref="146")


@pytest.mark.parametrize(
    ("answer", "reason", "erp_code"),
    [
        (fault("6140", "DocNumber"), Reason.CHECK_NUMBER_IN_USE, "6140"),
        (fault("2500", "CheckPayment.BankAccountRef"), Reason.BANK_ID_NOT_FOUND, "2500"),
        (fault("2500", "VendorRef"), Reason.VENDOR_NOT_SYNCED, "2500"),
        (fault("2500", "LinkedTxn"), Reason.INVOICE_NOT_SYNCED, "2500"),
        (fault("6000", "Line.Amount"), Reason.AMOUNT_EXCEEDS_OPEN_BALANCE, "6000"),
        (fault("6000", "LinkedTxn"), Reason.ERP_REJECTED, "6000"),
        (fault("2020", "VendorRef"), Reason.ERP_REJECTED, "2020"),
        (fault("3200", status=401), Reason.ERP_REJECTED, "3200"),
        (fault("3100", status=403), Reason.ERP_REJECTED, "3100"),
        (fault("10000", status=500), Reason.ERP_UNAVAILABLE, "10000"),
        (plain(503, "<html>down</html>"), Reason.ERP_UNAVAILABLE, "503"),
        (plain(429, "slow down"), Reason.ERP_UNAVAILABLE, "429"),
        (plain(404, "no such path"), Reason.ERP_REJECTED, "404"),
        # A success paysync cannot read may have made the record: resend, never give up on it.
        (plain(200, '{"time": "no BillPayment in it"}'), Reason.ERP_UNAVAILABLE, "200"),
        (plain(200, '{"BillPayment": {"Id": "14'), Reason.ERP_UNAVAILABLE, "200"),
        (plain(200, "<html>rerouted</html>"), Reason.ERP_UNAVAILABLE, "200"),
    ],
)
def test_every_answer_is_translated_into_a_reason_keeping_the_erp_code(
    connect: Connect, answer: Answerer, reason: Reason, erp_code: str
) -> None:
    connector, _ = connect(answer)

    refused = connector.export_payment(RECORD)

    assert isinstance(refused, ErpRefused)
    assert (refused.reason, refused.erp_code) == (reason, erp_code)


def test_a_garbage_answer_is_told_in_paysyncs_words_never_quoted(connect: Connect) -> None:
    connector, _ = connect(plain(200, "\x00\x01<<garbage>>\x7f{{{"))

    refused = connector.export_payment(RECORD)

    assert isinstance(refused, ErpRefused)
    assert refused.message == "QuickBooks Online answered HTTP 200 in a form paysync does not read"


def test_the_refusal_message_keeps_the_erp_message_and_detail(connect: Connect) -> None:
    connector, _ = connect(fault("6140", "DocNumber", detail="DocNumber=10001 is in use"))

    refused = connector.export_payment(RECORD)

    assert isinstance(refused, ErpRefused)
    assert refused.message == "The ERP's message: DocNumber=10001 is in use"


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("connection refused"),
        httpx.ConnectTimeout("no answer to connect"),
        httpx.ReadTimeout("no answer"),
        httpx.RemoteProtocolError("server hung up"),
    ],
)
def test_a_broken_exchange_is_erp_unavailable_and_never_raises(
    connect: Connect, failure: httpx.TransportError
) -> None:
    def breaks(request: httpx.Request) -> httpx.Response:
        raise failure

    connector, _ = connect(breaks)

    refused = connector.export_payment(RECORD)

    assert isinstance(refused, ErpRefused)
    assert refused.reason is ExportFailureReason.ERP_UNAVAILABLE
    assert refused.erp_code is None


def test_a_connector_lent_a_client_leaves_it_open_when_closed() -> None:
    with httpx.Client(transport=httpx.MockTransport(created("Bill"))) as client:
        connector = QuickBooksOnlineConnector("https://quickbooks.example", client=client)
        as_the_port: ErpConnector = connector  # mypy checks that it fills the port

        connector.close()

        assert as_the_port.connector_name == "quickbooks_online"

        assert not client.is_closed

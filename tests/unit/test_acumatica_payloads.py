"""Acumatica's Check as the contract-based API documents it: every value wrapped."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import uuid4

import httpx

from application.ports import ErpRefused, PaymentRecordToExport
from domain.export_failure import ExportFailureReason
from infrastructure.erp.acumatica import (
    AcumaticaConnector,
    check_payload,
    read_check,
    translate_refusal,
)


def record() -> PaymentRecordToExport:
    return PaymentRecordToExport(
        payment_id=uuid4(),
        disbursement_id=uuid4(),
        invoice_id=uuid4(),
        invoice_number="INV-7",
        erp_vendor_id="V042",
        vendor_name="Rebar Co",
        erp_bill_ref="000123",
        bill_amount=Decimal("1000.00"),
        amount=Decimal("400.50"),
        check_number="10001",
        bank_id="10200",
        paid_on=date(2026, 11, 24),
        idempotency_key="paysync-k-1",
    )


def test_a_payment_record_is_a_check_on_the_cash_account_applied_to_the_bill() -> None:
    check = check_payload(record())
    assert check["Type"] == {"value": "Payment"}
    assert check["Vendor"] == {"value": "V042"}
    assert check["CashAccount"] == {"value": "10200"}
    assert check["PaymentRef"] == {"value": "10001"}
    assert check["PaymentAmount"] == {"value": 400.5}
    assert check["Description"] == {"value": "paysync-k-1"}  # how it is looked up again
    (detail,) = check["Details"]
    assert detail == {
        "DocType": {"value": "Bill"},
        "ReferenceNbr": {"value": "000123"},
        "AmountPaid": {"value": 400.5},
    }


def test_the_field_acumatica_marks_in_error_names_the_reason() -> None:
    body = {**check_payload(record()), "PaymentRef": {"value": "10001", "error": "in use"}}
    answer = translate_refusal(httpx.Response(422, json=body))
    assert isinstance(answer, ErpRefused)
    assert answer.reason is ExportFailureReason.CHECK_NUMBER_IN_USE
    assert (answer.erp_code, answer.message) == ("422", "PaymentRef: in use")


def test_a_check_read_back_is_the_record_sent_and_one_keyed_in_names_no_payment() -> None:
    payment_id = uuid4()
    sent = replace(record(), payment_id=payment_id, idempotency_key=f"paysync-{payment_id}-2")
    held = {
        **check_payload(sent),
        "ReferenceNbr": {"value": "000457"},
        "ApplicationDate": {"value": "2026-11-24T00:00:00+00:00"},
    }
    keyed_in = {**held, "Description": {"value": "Rent, November"}}

    read = read_check(held)

    assert (read.erp_ref, read.payment_id, read.check_number, read.bank_id) == (
        "000457",
        payment_id,
        "10001",
        "10200",
    )
    assert (read.amount, read.paid_on) == (Decimal("400.50"), date(2026, 11, 24))
    assert read_check(keyed_in).payment_id is None


def test_a_check_found_again_without_its_number_is_asked_for_later_not_refused() -> None:
    """An earlier attempt's Check is found by its key but carries no ReferenceNbr: the ERP
    may hold the record, so the answer is "not now" (resent with the same key), never a
    refusal that would send the approver to export it again (ADR 0091)."""
    created: list[str] = []

    def erp(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/login"):
            return httpx.Response(204, headers={"Set-Cookie": ".ASPXAUTH=s; Path=/"})
        if request.method == "GET":
            return httpx.Response(200, json=[{"Description": {"value": "paysync-k-1"}}])
        created.append(request.method)
        return httpx.Response(200, json={"ReferenceNbr": {"value": "000999"}})

    with httpx.Client(transport=httpx.MockTransport(erp)) as client:
        connector = AcumaticaConnector(
            "https://acumatica.example", {"name": "u", "password": "p"}, "50000", client
        )
        answer = connector.export_payment(record())

    assert isinstance(answer, ErpRefused)
    assert answer.reason is ExportFailureReason.ERP_UNAVAILABLE
    assert answer.is_transient
    assert created == []  # no second Check beside the one the ERP may hold

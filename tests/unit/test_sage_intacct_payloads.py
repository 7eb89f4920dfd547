"""Sage Intacct's request shapes: the documented APPYMT and APBILL fields and the envelope."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from uuid import uuid4

import httpx
import pytest

from application.ports import ErpAccepted, ErpRefused, ErpUnreadable, PaymentRecordToExport
from domain.export_failure import ExportFailureReason
from infrastructure.erp.sage_intacct import (
    Credentials,
    control_id,
    drawn_on,
    envelope,
    paid_between,
    payment_payload,
    read_by_query,
    read_payment,
    translate_answer,
)

CREDENTIALS = Credentials("sender", "sender-pw", "acme", "user", "user-pw")


def record() -> PaymentRecordToExport:
    return PaymentRecordToExport(
        payment_id=uuid4(),
        disbursement_id=uuid4(),
        invoice_id=uuid4(),
        invoice_number="INV-7",
        erp_vendor_id="V042",
        vendor_name="Rebar Co",
        erp_bill_ref="77",
        bill_amount=Decimal("1000.00"),
        amount=Decimal("400.50"),
        check_number="10001",
        bank_id="BOA-CHK",
        paid_on=date(2026, 11, 24),
        idempotency_key="paysync-k-1",
    )


def test_a_payment_record_is_an_appymt_drawn_on_the_checking_account() -> None:
    appymt = payment_payload(record()).find("APPYMT")
    assert appymt is not None
    assert appymt.findtext("FINANCIALENTITY") == "BOA-CHK"
    assert appymt.findtext("DOCNUMBER") == "10001"
    assert appymt.findtext("VENDORID") == "V042"
    assert appymt.findtext("PAYMENTDATE") == "11/24/2026"
    assert appymt.findtext("APPYMTDETAILS/APPYMTDETAIL/RECORDKEY") == "77"
    assert appymt.findtext("APPYMTDETAILS/APPYMTDETAIL/TRX_PAYMENTAMOUNT") == "400.50"


def test_the_envelope_carries_the_key_as_a_unique_control_id_and_both_logins() -> None:
    root = ET.fromstring(envelope(CREDENTIALS, control_id("k" * 300), payment_payload(record())))
    assert root.findtext("control/uniqueid") == "true"
    assert root.findtext("control/controlid") == control_id("k" * 300)
    assert len(control_id("k" * 300)) <= 256
    assert root.findtext("control/senderid") == "sender"
    assert root.findtext("operation/authentication/login/companyid") == "acme"
    assert root.find("operation/content/function/create/APPYMT") is not None


def answered(xml: str) -> httpx.Response:
    return httpx.Response(200, content=xml.encode())


def test_a_record_number_in_a_successful_result_is_the_erp_reference() -> None:
    answer = translate_answer(
        answered(
            "<response><control><status>success</status></control><operation><result>"
            "<status>success</status><data><appymt><RECORDNO>12</RECORDNO></appymt></data>"
            "</result></operation></response>"
        )
    )
    assert answer == ErpAccepted("12")


def test_an_error_message_keeps_sage_intaccts_number_and_words() -> None:
    answer = translate_answer(
        answered(
            "<response><control><status>success</status></control><operation><result>"
            "<status>failure</status><errormessage><error><errorno>BL03002106</errorno>"
            "<description/><description2>check 100 used</description2><correction>Use"
            " another</correction></error></errormessage></result></operation></response>"
        )
    )
    assert isinstance(answer, ErpRefused)
    assert answer.reason is ExportFailureReason.CHECK_NUMBER_IN_USE
    assert (answer.erp_code, answer.message) == ("BL03002106", "check 100 used Use another")


def test_a_checking_accounts_checks_are_read_by_query_on_appymt_never_answered_once() -> None:
    read = read_by_query("APPYMT", "FINANCIALENTITY,DOCNUMBER", drawn_on("BOA'S CHK"))
    root = ET.fromstring(envelope(CREDENTIALS, "paysync-read-1", read, unique=False))
    function = root.find("operation/content/function/readByQuery")
    assert root.findtext("control/uniqueid") == "false"
    assert function is not None
    assert function.findtext("object") == "APPYMT"
    assert function.findtext("fields") == "FINANCIALENTITY,DOCNUMBER"
    assert function.findtext("query") == "FINANCIALENTITY = 'BOA''S CHK'"
    assert function.findtext("pagesize") == "1000"


def test_a_periods_payment_records_are_read_by_payment_date_in_us_dates() -> None:
    read = read_by_query("APPYMT", "RECORDNO", paid_between(date(2026, 11, 1), date(2026, 11, 30)))
    assert read.findtext("query") == "PAYMENTDATE >= '11/01/2026' AND PAYMENTDATE <= '11/30/2026'"


def test_an_appymt_row_reads_back_with_the_paysync_payment_its_description_names() -> None:
    payment_id = uuid4()
    sent = ET.fromstring(
        "<appymt><RECORDNO>7</RECORDNO><FINANCIALENTITY>BOA</FINANCIALENTITY>"
        f"<DOCNUMBER>100</DOCNUMBER><DESCRIPTION>paysync payment {payment_id}</DESCRIPTION>"
        "<PAYMENTDATE>11/24/2026</PAYMENTDATE><TOTALENTERED>1000.5</TOTALENTERED></appymt>"
    )
    keyed_in = ET.fromstring(
        "<appymt><RECORDNO>8</RECORDNO><FINANCIALENTITY>BOA</FINANCIALENTITY>"
        "<DOCNUMBER>101</DOCNUMBER><PAYMENTDATE>11/25/2026</PAYMENTDATE>"
        "<TOTALENTERED>20</TOTALENTERED></appymt>"
    )

    record, by_hand = read_payment(sent), read_payment(keyed_in)

    assert (record.erp_ref, record.payment_id, record.check_number, record.bank_id) == (
        "7",
        payment_id,
        "100",
        "BOA",
    )
    assert (record.amount, record.paid_on) == (Decimal("1000.50"), date(2026, 11, 24))
    assert (by_hand.payment_id, by_hand.amount) == (None, Decimal("20.00"))


def test_an_appymt_row_with_no_date_paysync_can_read_stops_the_read() -> None:
    row = ET.fromstring("<appymt><RECORDNO>7</RECORDNO><TOTALENTERED>1</TOTALENTERED></appymt>")
    with pytest.raises(ErpUnreadable):
        read_payment(row)

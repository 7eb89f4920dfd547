"""CMiC's manual cheque as its AP REST resource names the fields."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import uuid4

import httpx

from application.ports import ErpRefused, PaymentRecordToExport
from domain.export_failure import ExportFailureReason
from infrastructure.erp.cmic import cheque_payload, read_cheque, translate_refusal


def record() -> PaymentRecordToExport:
    return PaymentRecordToExport(
        payment_id=uuid4(),
        disbursement_id=uuid4(),
        invoice_id=uuid4(),
        invoice_number="INV-7",
        erp_vendor_id="V042",
        vendor_name="Rebar Co",
        erp_bill_ref="5531",
        bill_amount=Decimal("1000.00"),
        amount=Decimal("1000.00"),
        check_number="10001",
        bank_id="OPER",
        paid_on=date(2026, 11, 24),
        idempotency_key="paysync-k-1",
    )


def test_a_payment_record_is_a_manual_cheque_on_the_bank_account_paying_the_voucher() -> None:
    cheque = cheque_payload(record(), company_code="ZZ", bank_company_code="BK")
    assert {name: cheque[name] for name in ("ChqCompCode", "ChqBankCompCode", "ChqAccCode")} == {
        "ChqCompCode": "ZZ",
        "ChqBankCompCode": "BK",
        "ChqAccCode": "OPER",
    }
    assert (cheque["ChqNum"], cheque["ChqAmt"], cheque["ChqDate"]) == (
        "10001",
        "1000.00",
        "2026-11-24",
    )
    assert cheque["ApManualChequeDetail"] == [{"VouNum": "5531", "PaidAmt": "1000.00"}]
    assert cheque["ChqMemo"] == "paysync-k-1"


def test_the_adf_error_path_names_the_reason_and_its_code_is_kept() -> None:
    body = {
        "title": "Bad Request",
        "o:errorDetails": [
            {"detail": "cheque 10001 exists", "o:errorCode": "AP-CHQ-005", "o:errorPath": "ChqNum"}
        ],
    }
    answer = translate_refusal(httpx.Response(400, json=body))
    assert isinstance(answer, ErpRefused)
    assert answer.reason is ExportFailureReason.CHECK_NUMBER_IN_USE
    assert (answer.erp_code, answer.message) == ("AP-CHQ-005", "cheque 10001 exists")


def test_a_cheque_read_back_is_the_record_sent_and_one_keyed_in_names_no_payment() -> None:
    payment_id = uuid4()
    sent = replace(record(), payment_id=payment_id, idempotency_key=f"paysync-{payment_id}-1")
    held = {**cheque_payload(sent, company_code="ZZ", bank_company_code="BK"), "ChqId": "77"}
    keyed_in = {key: value for key, value in held.items() if key != "ChqMemo"}

    read = read_cheque(held)

    assert (read.erp_ref, read.payment_id, read.check_number, read.bank_id) == (
        "77",
        payment_id,
        "10001",
        "OPER",
    )
    assert (read.amount, read.paid_on) == (Decimal("1000.00"), date(2026, 11, 24))
    assert read_cheque(keyed_in).payment_id is None

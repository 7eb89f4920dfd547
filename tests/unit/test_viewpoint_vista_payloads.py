"""Viewpoint Vista's AP payment by check: CM Account, CM Reference, the AP transaction paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from application.ports import PaymentRecordToExport
from infrastructure.erp.viewpoint_vista import Connection, payment_payload, read_payment

CONNECTION = Connection(
    base_url="http://vista", ap_company="5", cm_company="6", vendor_group="7", api_token_ref="t"
)


def a_record(
    payment_id: UUID, amount: str = "1000.00", key: str = "paysync-k-1"
) -> PaymentRecordToExport:
    return PaymentRecordToExport(
        payment_id=payment_id,
        disbursement_id=uuid4(),
        invoice_id=uuid4(),
        invoice_number="INV-7",
        erp_vendor_id="3120",
        vendor_name="Rebar Co",
        erp_bill_ref="88",
        bill_amount=Decimal("1000.00"),
        amount=Decimal(amount),
        check_number="10001",
        bank_id="OPER-1",
        paid_on=date(2026, 11, 24),
        idempotency_key=key,
    )


def test_a_payment_record_is_a_check_on_the_cm_account_with_its_cm_reference() -> None:
    payment = payment_payload(a_record(uuid4()), CONNECTION)
    assert (payment["APCo"], payment["CMCo"], payment["VendorGroup"]) == ("5", "6", "7")
    assert (payment["CMAcct"], payment["CMRef"], payment["CMRefSeq"]) == ("OPER-1", "10001", 0)
    assert (payment["PayMethod"], payment["Vendor"], payment["PaidDate"]) == (
        "C",
        "3120",
        "2026-11-24",
    )
    assert payment["Transactions"] == [{"APTrans": "88", "Amount": "1000.00"}]
    assert payment["ExternalId"] == "paysync-k-1"


def test_a_payment_read_back_is_the_record_sent_and_one_keyed_in_names_no_payment() -> None:
    payment_id = uuid4()
    record = a_record(payment_id, "250.10", f"paysync-{payment_id}-3")
    held = {**payment_payload(record, CONNECTION), "KeyID": 41}
    keyed_in = {**held, "ExternalId": None}

    read = read_payment(held)

    assert (read.erp_ref, read.payment_id, read.check_number, read.bank_id) == (
        "41",
        payment_id,
        "10001",
        "OPER-1",
    )
    assert (read.amount, read.paid_on) == (Decimal("250.10"), date(2026, 11, 24))
    assert read_payment(keyed_in).payment_id is None

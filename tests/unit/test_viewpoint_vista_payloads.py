"""Viewpoint Vista's AP payment by check: CM Account, CM Reference, the AP transaction paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

from application.ports import PaymentRecordToExport
from infrastructure.erp.viewpoint_vista import Connection, payment_payload

CONNECTION = Connection(
    base_url="http://vista", ap_company="5", cm_company="6", vendor_group="7", api_token_ref="t"
)


def test_a_payment_record_is_a_check_on_the_cm_account_with_its_cm_reference() -> None:
    record = PaymentRecordToExport(
        payment_id=uuid4(),
        disbursement_id=uuid4(),
        invoice_id=uuid4(),
        invoice_number="INV-7",
        erp_vendor_id="3120",
        vendor_name="Rebar Co",
        erp_bill_ref="88",
        bill_amount=Decimal("1000.00"),
        amount=Decimal("1000.00"),
        check_number="10001",
        bank_id="OPER-1",
        paid_on=date(2026, 11, 24),
        idempotency_key="paysync-k-1",
    )
    payment = payment_payload(record, CONNECTION)
    assert (payment["APCo"], payment["CMCo"], payment["VendorGroup"]) == ("5", "6", "7")
    assert (payment["CMAcct"], payment["CMRef"], payment["CMRefSeq"]) == ("OPER-1", "10001", 0)
    assert (payment["PayMethod"], payment["Vendor"], payment["PaidDate"]) == (
        "C",
        "3120",
        "2026-11-24",
    )
    assert payment["Transactions"] == [{"APTrans": "88", "Amount": "1000.00"}]
    assert payment["ExternalId"] == "paysync-k-1"

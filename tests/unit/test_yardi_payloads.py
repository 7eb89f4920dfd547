"""Yardi's paid invoice: the check that paid a payable, in a Vendor Invoicing SOAP call."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from uuid import uuid4

from application.ports import PaymentRecordToExport
from infrastructure.erp.yardi import SERVICE, SOAP, Login, paid_invoice_document, soap_call

LOGIN = Login("u", "p", "srv", "db", "SQL Server", "paysync", "lic")


def test_a_payment_record_is_a_paid_invoice_with_bank_code_and_check_number() -> None:
    record = PaymentRecordToExport(
        payment_id=uuid4(),
        disbursement_id=uuid4(),
        invoice_id=uuid4(),
        invoice_number="INV-7",
        erp_vendor_id="v0042",
        vendor_name="Rebar Co",
        erp_bill_ref="1201",
        bill_amount=Decimal("1000.00"),
        amount=Decimal("1000.00"),
        check_number="10001",
        bank_id="opbank",
        paid_on=date(2026, 11, 24),
        idempotency_key="paysync-k-1",
    )
    call = ET.fromstring(
        soap_call("ImportPayable_Login", LOGIN, XmlDoc=paid_invoice_document(record))
    ).find(f"{{{SOAP}}}Body/{{{SERVICE}}}ImportPayable_Login")
    assert call is not None
    assert call.findtext(f"{{{SERVICE}}}InterfaceLicense") == "lic"
    paid = call.find(f"{{{SERVICE}}}XmlDoc/YsiTran/PaidInvoices/PaidInvoice")
    assert paid is not None
    assert [paid.findtext(name) for name in ("PersonId", "BankCode", "Checknum", "CheckDate")] == [
        "v0042",
        "opbank",
        "10001",
        "2026-11-24",
    ]
    assert paid.findtext("ExternalReference") == "paysync-k-1"
    assert paid.findtext("Invoices/Invoice/PayableId") == "1201"
    assert paid.findtext("Invoices/Invoice/AmountPaid") == "1000.00"

"""Yardi Voyager's Vendor Invoicing SOAP interface: payables, and paid invoices' checks.

The request shape is this project's (see ADR 0022): SOAP 1.1 over
`POST /webservices/itfvendorinvoicing.asmx`, the method named by the body's element, the
Voyager login (UserName, Password, ServerName, Database, Platform, InterfaceEntity,
InterfaceLicense) in every call, and a `<YsiTran>` document in XmlDoc.
`ImportPayable_Login` with `<Payables><Payable>` enters a payable (PersonId the vendor,
InvoiceNumber, InvoiceDate, Amount); with `<PaidInvoices><PaidInvoice>` it records the
check that paid payables (BankCode the bank, Checknum, CheckDate, ExternalReference, and
`<Invoice>`s of PayableId and AmountPaid). `GetPaidInvoice_Login` finds a paid invoice by its
ExternalReference. Answers are `<Messages>` of `<Message type="Error" code="...">` beside
what was made; a missing login is a SOAP Fault.

The same ERP as paysync's connector speaks to it: infrastructure/erp/yardi.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import partial

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response

from infrastructure.erp_sandbox import ledger
from infrastructure.erp_sandbox.dialect import Dialect, money, required
from infrastructure.erp_sandbox.ledger import BillIn, PaymentIn, Refusal, Rule
from infrastructure.erp_sandbox.records import PaymentLine
from infrastructure.erp_sandbox.storage import SandboxStore

CONNECTOR = "yardi"
PATH = "/webservices/itfvendorinvoicing.asmx"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE = "http://tempuri.org/YSI.Interfaces.WebServices/ItfVendorInvoicing"
MEDIA_TYPE = "text/xml; charset=utf-8"
POLICY = ledger.Policy(refuses_duplicate_check_numbers=True, allows_partial_payments=True)
CODES = {
    Rule.UNKNOWN_VENDOR: "VendorNotFound",
    Rule.UNKNOWN_BANK_ACCOUNT: "BankNotFound",
    Rule.UNKNOWN_BILL: "PayableNotFound",
    Rule.BILL_OF_ANOTHER_VENDOR: "PayableOfAnotherVendor",
    Rule.CHECK_NUMBER_IN_USE: "CheckNumberInUse",
    Rule.OVER_OPEN_BALANCE: "AmountOverBalance",
    Rule.PARTIAL_PAYMENT: "PartialPaymentNotAllowed",
    Rule.MALFORMED: "InvalidXml",
}
LOGIN_FIELDS = ("UserName", "Password", "ServerName", "Database", "InterfaceEntity")


CONNECTION_FIELDS = {
    "username": "paysync",
    "password_ref": "sandbox",
    "server_name": "sandbox",
    "database": "voyager",
    "interface_entity": "paysync",
    "interface_license_ref": "sandbox",
}


def router(store: SandboxStore) -> APIRouter:
    routes = APIRouter(tags=["Yardi"])

    @routes.post(PATH)
    async def soap(request: Request) -> Response:
        raw = await request.body()
        status, text = await anyio.to_thread.run_sync(partial(handle, store, raw))
        return Response(text, status_code=status, media_type=MEDIA_TYPE)

    return routes


def handle(store: SandboxStore, raw: bytes) -> tuple[int, str]:
    try:
        root = ET.fromstring(raw)  # noqa: S314 - expat refuses entity expansion bombs
    except ET.ParseError as error:
        return fault(f"the request is not XML: {error}")
    body = root.find(f"{{{SOAP}}}Body")
    call = None if body is None or len(body) == 0 else body[0]
    if call is None:
        return fault("the SOAP Body names no method")
    method = call.tag.removeprefix(f"{{{SERVICE}}}")
    if any(not (call.findtext(f"{{{SERVICE}}}{name}") or "").strip() for name in LOGIN_FIELDS):
        return fault("Invalid login: UserName, Password, ServerName, Database, InterfaceEntity")
    document = call.find(f"{{{SERVICE}}}XmlDoc/YsiTran")
    if method == "GetPaidInvoice_Login":
        reference = (call.findtext(f"{{{SERVICE}}}ExternalReference") or "").strip()
        found = store.payments(connector=CONNECTOR, private_note=reference or None)
        made = "".join(_paid_invoice(payment.erp_ref) for payment in found[:1])
        return result(method, f"<PaidInvoices>{made}</PaidInvoices>")
    if method != "ImportPayable_Login" or document is None:
        return fault(f"{method} is not offered here, or it has no XmlDoc/YsiTran")
    try:
        payable = document.find("Payables/Payable")
        paid = document.find("PaidInvoices/PaidInvoice")
        if payable is not None:
            bill = ledger.create_bill(store, CONNECTOR, read_payable(payable))
            made = f"<Payables><Payable><PayableId>{bill.erp_ref}</PayableId></Payable></Payables>"
        elif paid is not None:
            held = ledger.create_payment(store, CONNECTOR, read_paid_invoice(paid), POLICY)
            made = f"<PaidInvoices>{_paid_invoice(held.erp_ref)}</PaidInvoices>"
        else:
            raise Refusal(Rule.MALFORMED, "YsiTran holds no Payable nor PaidInvoice")
    except Refusal as refusal:
        message = ET.Element("Message", type="Error", code=CODES[refusal.rule])
        message.text = refusal.detail
        return result(method, f"<Messages>{ET.tostring(message, encoding='unicode')}</Messages>")
    return result(method, f"<Messages/>{made}")


def read_payable(payable: ET.Element) -> BillIn:
    return BillIn(
        doc_number=payable.findtext("InvoiceNumber"),
        vendor_id=required(payable.findtext("PersonId"), "PersonId"),
        amount=money(payable.findtext("Amount")),
        txn_date=required(payable.findtext("InvoiceDate"), "InvoiceDate")[:10],
        note=payable.findtext("Notes"),
    )


def read_paid_invoice(paid: ET.Element) -> PaymentIn:
    lines = tuple(
        PaymentLine(
            required(invoice.findtext("PayableId"), "PayableId"),
            money(invoice.findtext("AmountPaid")),
        )
        for invoice in paid.iter("Invoice")
    )
    if not lines:
        raise Refusal(Rule.MALFORMED, "a PaidInvoice pays at least one Invoice")
    return PaymentIn(
        check_number=required(paid.findtext("Checknum"), "Checknum"),
        bank_id=required(paid.findtext("BankCode"), "BankCode"),
        vendor_id=required(paid.findtext("PersonId"), "PersonId"),
        lines=lines,
        txn_date=required(paid.findtext("CheckDate"), "CheckDate")[:10],
        note=paid.findtext("ExternalReference"),
    )


def _paid_invoice(erp_ref: str) -> str:
    return f"<PaidInvoice><PaymentId>{erp_ref}</PaymentId></PaidInvoice>"


def result(method: str, inner: str) -> tuple[int, str]:
    return 200, (
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>'
        f'<{method}Response xmlns="{SERVICE}"><{method}Result>'
        f'<YsiTranResult xmlns="">{inner}</YsiTranResult>'
        f"</{method}Result></{method}Response></soap:Body></soap:Envelope>"
    )


def fault(words: str) -> tuple[int, str]:
    text = ET.Element("faultstring")
    text.text = words
    return 500, (
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><soap:Fault>'
        f"<faultcode>soap:Client</faultcode>{ET.tostring(text, encoding='unicode')}"
        "</soap:Fault></soap:Body></soap:Envelope>"
    )


DIALECT = Dialect(CONNECTOR, PATH, router, CONNECTION_FIELDS)

"""The Yardi connector: payables and paid invoices over Voyager's Vendor Invoicing SOAP
interface (see ADR 0022).

A payment record is a paid invoice: BankCode is the Bank ID, Checknum the check number,
CheckDate the day paid, and one Invoice names the payable (PayableId) and AmountPaid. The
interface takes no request id, so the key rides as ExternalReference and the connector asks
GetPaidInvoice_Login for it before recording a check.

The same ERP as the sandbox plays it: infrastructure/erp_sandbox/dialects/yardi.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import httpx

from application import ports
from domain.export_failure import ExportFailureReason
from infrastructure.erp import connection as erp_connection
from infrastructure.erp import http_exchange

ERP_NAME = "Yardi"
PATH = "/webservices/itfvendorinvoicing.asmx"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE = "http://tempuri.org/YSI.Interfaces.WebServices/ItfVendorInvoicing"
REASONS = {
    "VendorNotFound": ExportFailureReason.VENDOR_NOT_SYNCED,
    "BankNotFound": ExportFailureReason.BANK_ID_NOT_FOUND,
    "PayableNotFound": ExportFailureReason.INVOICE_NOT_SYNCED,
    "CheckNumberInUse": ExportFailureReason.CHECK_NUMBER_IN_USE,
    "AmountOverBalance": ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE,
    "PartialPaymentNotAllowed": ExportFailureReason.PARTIAL_PAYMENT_NOT_SUPPORTED,
}


class Connection(erp_connection.HttpConnection):
    """A Voyager database and the interface's login; password and license by reference."""

    username: erp_connection.Name
    password_ref: erp_connection.SecretRef
    server_name: erp_connection.Name
    database: erp_connection.Name
    interface_entity: erp_connection.Name
    interface_license_ref: erp_connection.SecretRef
    platform: erp_connection.Name = "SQL Server"


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    server_name: str
    database: str
    platform: str
    interface_entity: str
    interface_license: str

    def fields(self) -> list[tuple[str, str]]:
        return [
            ("UserName", self.username),
            ("Password", self.password),
            ("ServerName", self.server_name),
            ("Database", self.database),
            ("Platform", self.platform),
            ("InterfaceEntity", self.interface_entity),
            ("InterfaceLicense", self.interface_license),
        ]


def build(connection: Connection, context: erp_connection.BuildContext) -> YardiConnector:
    login = Login(
        connection.username,
        context.secrets.resolve(connection.password_ref),
        connection.server_name,
        connection.database,
        connection.platform,
        connection.interface_entity,
        context.secrets.resolve(connection.interface_license_ref),
    )
    return YardiConnector(connection.base_url, login, context.client)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def payable_document(bill: ports.BillToExport) -> ET.Element:
    tran = ET.Element("YsiTran")
    payable = ET.SubElement(ET.SubElement(tran, "Payables"), "Payable")
    _text(payable, "PersonId", bill.erp_vendor_id)
    _text(payable, "InvoiceNumber", bill.invoice_number)
    _text(payable, "InvoiceDate", bill.invoice_date.isoformat())
    _text(payable, "Amount", str(bill.amount))
    _text(payable, "Notes", f"{bill.project} (paysync invoice {bill.invoice_id})")
    return tran


def paid_invoice_document(record: ports.PaymentRecordToExport) -> ET.Element:
    tran = ET.Element("YsiTran")
    paid = ET.SubElement(ET.SubElement(tran, "PaidInvoices"), "PaidInvoice")
    _text(paid, "PersonId", record.erp_vendor_id)
    _text(paid, "BankCode", record.bank_id)
    _text(paid, "Checknum", record.check_number)
    _text(paid, "CheckDate", record.paid_on.isoformat())
    _text(paid, "ExternalReference", record.idempotency_key)
    invoice = ET.SubElement(ET.SubElement(paid, "Invoices"), "Invoice")
    _text(invoice, "PayableId", record.erp_bill_ref)
    _text(invoice, "AmountPaid", str(record.amount))
    return tran


def soap_call(method: str, login: Login, **extra: ET.Element | str) -> bytes:
    envelope = ET.Element(f"{{{SOAP}}}Envelope")
    call = ET.SubElement(ET.SubElement(envelope, f"{{{SOAP}}}Body"), f"{{{SERVICE}}}{method}")
    for name, value in login.fields():
        _text(call, f"{{{SERVICE}}}{name}", value)
    for tag, content in extra.items():
        element = ET.SubElement(call, f"{{{SERVICE}}}{tag}")
        if isinstance(content, str):
            element.text = content
        else:
            element.append(content)
    text: bytes = ET.tostring(envelope, encoding="utf-8", xml_declaration=True)
    return text


class YardiConnector:
    connector_name = "yardi"
    capabilities = ports.Capabilities(
        kind=ports.ConnectorKind.DIRECT,
        partial_payments=True,
        refuses_duplicate_check_numbers=True,
        idempotency=ports.Idempotency.LOOK_UP_FIRST,
    )

    def __init__(self, base_url: str, login: Login, client: httpx.Client) -> None:
        self._url = base_url.rstrip("/") + PATH
        self._login = login
        self._client = client

    def export_bill(self, bill: ports.BillToExport) -> ports.BillAnswer:
        body = soap_call("ImportPayable_Login", self._login, XmlDoc=payable_document(bill))
        return self._call("ImportPayable_Login", body, "Payables/Payable/PayableId")

    def export_payment(self, record: ports.PaymentRecordToExport) -> ports.BillAnswer:
        lookup = soap_call(
            "GetPaidInvoice_Login", self._login, ExternalReference=record.idempotency_key
        )
        found = self._call("GetPaidInvoice_Login", lookup, "PaidInvoices/PaidInvoice/PaymentId")
        if isinstance(found, ports.ErpAccepted) or found.is_transient or found.erp_code != "none":
            return found
        body = soap_call("ImportPayable_Login", self._login, XmlDoc=paid_invoice_document(record))
        return self._call("ImportPayable_Login", body, "PaidInvoices/PaidInvoice/PaymentId")

    def _call(self, method: str, body: bytes, made: str) -> ports.BillAnswer:
        request = self._client.build_request(
            "POST",
            self._url,
            content=body,
            headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{SERVICE}/{method}"',
            },
        )
        response = http_exchange.send(self._client, request, ERP_NAME)
        if isinstance(response, ports.ErpRefused):
            return response
        return translate_answer(response, method, made)


def translate_answer(response: httpx.Response, method: str, made: str) -> ports.BillAnswer:
    """What Yardi answered; "none" is the code of a lookup that found nothing."""
    code = str(response.status_code)
    try:
        root = ET.fromstring(response.content)  # noqa: S314 - expat refuses entity bombs
    except ET.ParseError:
        root = None
    fault = None if root is None else root.find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    if fault is not None and fault.findtext("faultcode", "").endswith("Client"):
        return ports.ErpRefused(
            ExportFailureReason.ERP_REJECTED, f"{ERP_NAME}: {fault.findtext('faultstring')}", code
        )
    if root is None and response.is_success:
        return http_exchange.unreadable_success(response, ERP_NAME)
    if root is None or http_exchange.is_unavailable(response):
        reason = (
            ExportFailureReason.ERP_UNAVAILABLE
            if http_exchange.is_unavailable(response)
            else ExportFailureReason.ERP_REJECTED
        )
        said = http_exchange.printable(response.text)
        return ports.ErpRefused(reason, f"{ERP_NAME} answered HTTP {code}: {said}", code)
    result = root.find(
        f"{{{SOAP}}}Body/{{{SERVICE}}}{method}Response/{{{SERVICE}}}{method}Result/YsiTranResult"
    )
    if result is None:
        return ports.ErpRefused(ExportFailureReason.ERP_REJECTED, f"{ERP_NAME}: no result", code)
    errors = [m for m in result.iter("Message") if m.get("type") == "Error"]
    if errors:
        first = errors[0].get("code", "")
        message = "; ".join(error.text or "" for error in errors)
        return ports.ErpRefused(
            REASONS.get(first, ExportFailureReason.ERP_REJECTED), message, first
        )
    reference = result.findtext(made)
    if reference:
        return ports.ErpAccepted(erp_ref=reference)
    return ports.ErpRefused(ExportFailureReason.ERP_REJECTED, f"{ERP_NAME}: nothing found", "none")


MODULE = erp_connection.ConnectorModule(Connection, build)

"""The Sage Intacct connector: AP bills and AP payments over the XML API gateway.

A payment record is an APPYMT: FINANCIALENTITY is the checking account (the Bank ID),
DOCNUMBER the check number, APPYMTDETAILS one detail paying the bill (RECORDKEY) with
TRX_PAYMENTAMOUNT. The idempotency key goes out as the envelope's `controlid` with
`uniqueid` true, so a resent request is not processed twice. Sage Intacct answers HTTP 200
for nearly everything; what happened is in the envelope's statuses and its `<errormessage>`.
A bank account's checks are the DOCNUMBERs of its APPYMTs, and a period's payment records its
APPYMTs by PAYMENTDATE, each read with `readByQuery` and then `readMore` on the answer's
resultId until none remain; the DESCRIPTION names the paysync payment.

The same ERP as the sandbox plays it: infrastructure/erp_sandbox/dialects/sage_intacct.py.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from uuid import uuid4

import httpx

from application import ports
from domain.export_failure import ExportFailureReason
from infrastructure.erp import connection as erp_connection
from infrastructure.erp import http_exchange, read_back

ERP_NAME = "Sage Intacct"
GATEWAY_PATH = "/ia/xml/xmlgw.phtml"
CONTROL_ID_MAX_LENGTH = 256
READ_PAGE_SIZE = 1000  # readByQuery's most per page
RECORD_FIELDS = "RECORDNO,FINANCIALENTITY,DOCNUMBER,DESCRIPTION,PAYMENTDATE,TOTALENTERED"

# Sage Intacct's error numbers, as the Failed to Export list words them.
REASONS = {
    "BL01001973": ExportFailureReason.VENDOR_NOT_SYNCED,
    "BL03002130": ExportFailureReason.BANK_ID_NOT_FOUND,
    "BL03000071": ExportFailureReason.INVOICE_NOT_SYNCED,
    "BL03002106": ExportFailureReason.CHECK_NUMBER_IN_USE,
    "BL03002160": ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE,
    "BL03002161": ExportFailureReason.PARTIAL_PAYMENT_NOT_SUPPORTED,
}


class Connection(erp_connection.HttpConnection):
    """A Sage Intacct company: the Web Services sender and the company user, passwords by
    reference, and the GL account a bill's line books to."""

    sender_id: erp_connection.Name
    sender_password_ref: erp_connection.SecretRef
    company_id: erp_connection.Name
    user_id: erp_connection.Name
    user_password_ref: erp_connection.SecretRef
    expense_account_no: erp_connection.Name


@dataclass(frozen=True)
class Credentials:
    sender_id: str
    sender_password: str
    company_id: str
    user_id: str
    user_password: str


def build(connection: Connection, context: erp_connection.BuildContext) -> SageIntacctConnector:
    credentials = Credentials(
        connection.sender_id,
        context.secrets.resolve(connection.sender_password_ref),
        connection.company_id,
        connection.user_id,
        context.secrets.resolve(connection.user_password_ref),
    )
    return SageIntacctConnector(
        connection.base_url, credentials, connection.expense_account_no, context.client
    )


class SageIntacctConnector:
    connector_name = "sage_intacct"
    capabilities = ports.Capabilities(
        kind=ports.ConnectorKind.DIRECT,
        partial_payments=True,
        refuses_duplicate_check_numbers=True,
        idempotency=ports.Idempotency.NATIVE_KEY,  # controlid with uniqueid
        lists_checks=True,
    )

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        expense_account_no: str,
        client: httpx.Client,
    ) -> None:
        self._url = base_url.rstrip("/") + GATEWAY_PATH
        self._credentials = credentials
        self._expense_account_no = expense_account_no
        self._client = client

    def export_bill(self, bill: ports.BillToExport) -> ports.BillAnswer:
        return self._send(bill.idempotency_key, bill_payload(bill, self._expense_account_no))

    def export_payment(self, record: ports.PaymentRecordToExport) -> ports.BillAnswer:
        return self._send(record.idempotency_key, payment_payload(record))

    def check_numbers(self, bank_id: str) -> list[str] | ports.ErpRefused:
        """The DOCNUMBER of every AP payment drawn on the checking account, page by page."""
        rows = self._read_all(
            read_by_query("APPYMT", "FINANCIALENTITY,DOCNUMBER", drawn_on(bank_id))
        )
        if isinstance(rows, ports.ErpRefused):
            return rows
        return [text for row in rows if (text := row.findtext("DOCNUMBER"))]

    def payment_records(self, paid_from: date, paid_to: date) -> list[ports.ErpPaymentRecord]:
        """Every AP payment dated within the period, page by page."""
        query = read_by_query("APPYMT", RECORD_FIELDS, paid_between(paid_from, paid_to))
        return [read_payment(row) for row in read_back.readable(self._read_all(query))]

    def _read_all(self, operation: ET.Element) -> list[ET.Element] | ports.ErpRefused:
        """Every row a readByQuery finds: its first page, then readMore until none remain."""
        rows: list[ET.Element] = []
        while True:
            # A read is not to be answered once: a fresh controlid, uniqueid false.
            body = envelope(self._credentials, f"paysync-read-{uuid4()}", operation, unique=False)
            answer = self._post(body)
            data = answer if isinstance(answer, ports.ErpRefused) else read_data(answer)
            if isinstance(data, ports.ErpRefused):
                return data
            rows += list(data)
            result_id = data.get("resultId")
            if data.get("numremaining", "0") == "0" or not result_id:
                return rows
            operation = _element("readMore", None, _element("resultId", result_id))

    def _send(self, idempotency_key: str, function: ET.Element) -> ports.BillAnswer:
        answer = self._post(envelope(self._credentials, control_id(idempotency_key), function))
        if isinstance(answer, ports.ErpRefused):
            return answer
        return translate_answer(answer)

    def _post(self, body: bytes) -> httpx.Response | ports.ErpRefused:
        request = self._client.build_request(
            "POST", self._url, content=body, headers={"Content-Type": "application/xml"}
        )
        return http_exchange.send(self._client, request, ERP_NAME)


def control_id(idempotency_key: str) -> str:
    if len(idempotency_key) <= CONTROL_ID_MAX_LENGTH:
        return idempotency_key
    return hashlib.sha256(idempotency_key.encode()).hexdigest()


def _element(tag: str, text: str | None = None, *children: ET.Element) -> ET.Element:
    element = ET.Element(tag)
    element.text = text
    element.extend(children)
    return element


def _us_date(value: object) -> str:
    return value.strftime("%m/%d/%Y")  # type: ignore[attr-defined, no-any-return]


def bill_payload(bill: ports.BillToExport, expense_account_no: str) -> ET.Element:
    """The invoice as an APBILL with one line for the project."""
    item = _element(
        "APBILLITEM",
        None,
        _element("ACCOUNTNO", expense_account_no),
        _element("TRX_AMOUNT", str(bill.amount)),
        _element("ENTRYDESCRIPTION", bill.project),
    )
    apbill = _element(
        "APBILL",
        None,
        _element("VENDORID", bill.erp_vendor_id),
        _element("RECORDID", bill.invoice_number),
        _element("WHENCREATED", _us_date(bill.invoice_date)),
        _element("WHENDUE", _us_date(bill.invoice_date)),
        _element("DESCRIPTION", f"paysync invoice {bill.invoice_id}"),
        _element("APBILLITEMS", None, item),
    )
    return _element("create", None, apbill)


def payment_payload(record: ports.PaymentRecordToExport) -> ET.Element:
    """The payment record as an APPYMT paying one bill."""
    detail = _element(
        "APPYMTDETAIL",
        None,
        _element("RECORDKEY", record.erp_bill_ref),
        _element("TRX_PAYMENTAMOUNT", str(record.amount)),
    )
    appymt = _element(
        "APPYMT",
        None,
        _element("FINANCIALENTITY", record.bank_id),
        _element("PAYMENTMETHOD", "Printed Check"),
        _element("VENDORID", record.erp_vendor_id),
        _element("DOCNUMBER", record.check_number),
        _element("DESCRIPTION", f"paysync payment {record.payment_id}"),
        _element("PAYMENTDATE", _us_date(record.paid_on)),
        _element("APPYMTDETAILS", None, detail),
    )
    return _element("create", None, appymt)


def read_by_query(entity: str, fields: str, query: str) -> ET.Element:
    """A readByQuery of the objects the query finds, a page of the most at a time."""
    return _element(
        "readByQuery",
        None,
        _element("object", entity),
        _element("fields", fields),
        _element("query", query),
        _element("pagesize", str(READ_PAGE_SIZE)),
    )


def drawn_on(financial_entity: str) -> str:
    """The query of the objects drawn on one checking account (FINANCIALENTITY)."""
    # The query is a string in Sage Intacct's SQL-like syntax: a quote is doubled.
    quoted = financial_entity.replace("'", "''")
    return f"FINANCIALENTITY = '{quoted}'"


def paid_between(paid_from: date, paid_to: date) -> str:
    """The query of the AP payments dated within the period, both days included."""
    return f"PAYMENTDATE >= '{_us_date(paid_from)}' AND PAYMENTDATE <= '{_us_date(paid_to)}'"


def read_payment(row: ET.Element) -> ports.ErpPaymentRecord:
    """An APPYMT row as readByQuery answers it, as a payment record."""
    written = row.findtext("PAYMENTDATE") or ""
    try:
        paid_on: object = datetime.strptime(written, "%m/%d/%Y").date()
    except ValueError:
        paid_on = written  # not Sage Intacct's date: read_back says it cannot be read
    return read_back.payment_record(
        ERP_NAME,
        row.findtext("RECORDNO"),
        row.findtext("DESCRIPTION"),
        row.findtext("DOCNUMBER"),
        row.findtext("FINANCIALENTITY"),
        row.findtext("TOTALENTERED"),
        paid_on,
    )


def envelope(
    credentials: Credentials, control: str, operation: ET.Element, *, unique: bool = True
) -> bytes:
    """The XML API request: control (sender, controlid, uniqueid), login, one function."""
    request = _element(
        "request",
        None,
        _element(
            "control",
            None,
            _element("senderid", credentials.sender_id),
            _element("password", credentials.sender_password),
            _element("controlid", control),
            _element("uniqueid", "true" if unique else "false"),
            _element("dtdversion", "3.0"),
            _element("includewhitespace", "false"),
        ),
        _element(
            "operation",
            None,
            _element(
                "authentication",
                None,
                _element(
                    "login",
                    None,
                    _element("userid", credentials.user_id),
                    _element("companyid", credentials.company_id),
                    _element("password", credentials.user_password),
                ),
            ),
            _element("content", None, _function(operation)),
        ),
    )
    text: bytes = ET.tostring(request, encoding="utf-8", xml_declaration=True)
    return text


def _function(operation: ET.Element) -> ET.Element:
    function = ET.Element("function", controlid="paysync")
    function.append(operation)
    return function


def translate_answer(response: httpx.Response) -> ports.BillAnswer:
    result = function_result(response)
    if isinstance(result, ports.ErpRefused):
        return result
    record_no = result.findtext("data/*/RECORDNO")
    if record_no:
        return ports.ErpAccepted(erp_ref=record_no)
    return refusal(None)


def read_data(response: httpx.Response) -> ET.Element | ports.ErpRefused:
    """The `<data>` of a read's successful result (its rows, numremaining and resultId)."""
    result = function_result(response)
    if isinstance(result, ports.ErpRefused):
        return result
    data = result.find("data")
    return refusal(None) if data is None else data


def function_result(response: httpx.Response) -> ET.Element | ports.ErpRefused:
    """The function's `<result>` where the envelope and the result both say success."""
    if http_exchange.is_unavailable(response):
        return ports.ErpRefused(
            ExportFailureReason.ERP_UNAVAILABLE,
            f"{ERP_NAME} answered HTTP {response.status_code}:"
            f" {http_exchange.printable(response.text)}",
            str(response.status_code),
        )
    try:
        root = ET.fromstring(response.content)  # noqa: S314 - expat refuses entity bombs
    except ET.ParseError:
        if response.is_success:
            return http_exchange.unreadable_success(response, ERP_NAME)
        return ports.ErpRefused(
            ExportFailureReason.ERP_REJECTED,
            f"{ERP_NAME} answered HTTP {response.status_code} without its XML envelope:"
            f" {http_exchange.printable(response.text)}",
            str(response.status_code),
        )
    result = root.find("operation/result")
    if root.findtext("control/status") == "success" and result is not None:
        if result.findtext("status") == "success":
            return result
        return refusal(result.find("errormessage"))
    return refusal(root.find("errormessage"))


def refusal(errors: ET.Element | None) -> ports.ErpRefused:
    found = [] if errors is None else errors.findall("error")
    if not found:
        return ports.ErpRefused(ExportFailureReason.ERP_REJECTED, f"{ERP_NAME} refused the request")
    number = found[0].findtext("errorno") or ""
    message = "; ".join(
        " ".join(
            text
            for text in (
                error.findtext("description"),
                error.findtext("description2"),
                error.findtext("correction"),
            )
            if text
        )
        for error in found
    )
    reason = REASONS.get(number, ExportFailureReason.ERP_REJECTED)
    return ports.ErpRefused(reason, message, number)


MODULE = erp_connection.ConnectorModule(Connection, build)

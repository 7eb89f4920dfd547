"""QuickBooks Desktop, with the Web Connector that reaches paysync from the ERP's side.

QuickBooks Desktop has no address paysync could call: on the contractor's server the Web
Connector polls paysync's SOAP service and passes qbXML to QuickBooks. The sandbox plays both:
`POST /sandbox/web-connectors` registers an application (its AppURL, the login, how often to
poll, about every second), and a thread then runs the Web Connector's session against it
(authenticate, sendRequestXML, receiveResponseXML until done, closeConnection), answering
each qbXML request from the sandbox's books the way QuickBooks Desktop does: statusCode,
statusSeverity and statusMessage on each response; a RefNumber already used is taken.

The same ERP as paysync's connector speaks to it: infrastructure/erp/quickbooks_desktop.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
from fastapi import APIRouter

from infrastructure.erp_sandbox import ledger
from infrastructure.erp_sandbox.dialect import Dialect, money, required
from infrastructure.erp_sandbox.ledger import PaymentIn, Refusal, Rule
from infrastructure.erp_sandbox.pollers import Poller, poller_router
from infrastructure.erp_sandbox.records import Payment, PaymentLine
from infrastructure.erp_sandbox.storage import SandboxStore

CONNECTOR = "quickbooks_desktop"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
QBWC = "http://developer.intuit.com/"
POLICY = ledger.Policy(refuses_duplicate_check_numbers=False, allows_partial_payments=True)
STATUS = {
    Rule.UNKNOWN_VENDOR: ("3140", 'There is an invalid reference to QuickBooks Vendor "{}"'),
    Rule.UNKNOWN_BANK_ACCOUNT: ("3140", 'There is an invalid reference to QuickBooks Account "{}"'),
    Rule.UNKNOWN_BILL: ("3140", 'Invalid TxnID "{}": the bill is not in QuickBooks'),
    Rule.BILL_OF_ANOTHER_VENDOR: ("3140", 'Invalid TxnID "{}": the bill is owed to another'),
    Rule.OVER_OPEN_BALANCE: ("3250", "The payment amount is more than the bill's open balance"),
    Rule.PARTIAL_PAYMENT: ("3250", "Only payments in full are taken"),
    Rule.MALFORMED: ("3000", "The request is not valid qbXML: {}"),
    Rule.CHECK_NUMBER_IN_USE: ("0", "Status OK"),  # QuickBooks Desktop takes it
}


CONNECTION_FIELDS = {
    "web_connector_username": "paysync-sandbox",
    "web_connector_password_ref": "sandbox",
}


def router(store: SandboxStore) -> APIRouter:
    return poller_router(store, "/web-connectors", "web connector", "web-connector", run_session)


def call(client: httpx.Client, app: Poller, method: str, **args: str) -> ET.Element:
    envelope = ET.Element(f"{{{SOAP}}}Envelope")
    body = ET.SubElement(ET.SubElement(envelope, f"{{{SOAP}}}Body"), f"{{{QBWC}}}{method}")
    for name, value in args.items():
        ET.SubElement(body, f"{{{QBWC}}}{name}").text = value
    response = client.post(
        app.app_url,
        content=ET.tostring(envelope, encoding="utf-8"),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{QBWC}{method}"'},
    )
    response.raise_for_status()
    root = ET.fromstring(response.content)  # noqa: S314 - expat refuses entity bombs
    result = root.find(f"{{{SOAP}}}Body/{{{QBWC}}}{method}Response/{{{QBWC}}}{method}Result")
    if result is None:
        raise httpx.HTTPError(f"{method} answered no result")
    return result


def run_session(client: httpx.Client, store: SandboxStore, app: Poller) -> None:
    """One Web Connector session, as the real one runs it on its schedule."""
    answer = call(client, app, "authenticate", strUserName=app.username, strPassword=app.password)
    ticket, status = [item.text or "" for item in answer.findall(f"{{{QBWC}}}string")][:2]
    if status not in ("none", "nvu"):
        while True:
            request = call(
                client,
                app,
                "sendRequestXML",
                ticket=ticket,
                strHCPResponse="",
                strCompanyFileName="sandbox.qbw",
                qbXMLCountry="US",
                qbXMLMajorVers="13",
                qbXMLMinorVers="0",
            ).text
            if not request:
                break
            done = call(
                client,
                app,
                "receiveResponseXML",
                ticket=ticket,
                response=answer_qbxml(store, request),
                hresult="",
                message="",
            ).text
            if int(done or "100") >= 100 or int(done or "0") < 0:
                break
    call(client, app, "closeConnection", ticket=ticket)


def answer_qbxml(store: SandboxStore, text: str) -> str:
    """QuickBooks Desktop's answer to a qbXML message: one response per request."""
    try:
        messages = ET.fromstring(text).find("QBXMLMsgsRq")  # noqa: S314 - see above
    except ET.ParseError:
        messages = None
    root = ET.Element("QBXML")
    responses = ET.SubElement(root, "QBXMLMsgsRs")
    for request in [] if messages is None else list(messages):
        responses.append(answer_request(store, request))
    return '<?xml version="1.0"?>' + ET.tostring(root, encoding="unicode")


def answer_request(store: SandboxStore, request: ET.Element) -> ET.Element:
    name = request.tag.removesuffix("Rq")
    response = ET.Element(f"{name}Rs", requestID=request.get("requestID", ""))
    try:
        if name in ("BillPaymentCheckQuery", "CheckQuery"):
            number = request.findtext("RefNumber")
            account = request.findtext("AccountFilter/ListID")
            if name == "CheckQuery":
                if account and number and store.has_check(account, number):
                    ret = ET.SubElement(response, "CheckRet")
                    ET.SubElement(ret, "TxnID").text = f"CHK-{account}-{number}"
                    ET.SubElement(ret, "RefNumber").text = number
            else:
                for payment in store.payments(bank_id=account, check_number=number):
                    response.append(bill_payment_check(payment))
            return _status(response, "0" if len(response) else "1", "Status OK")
        if name == "BillPaymentCheckAdd":
            held = ledger.create_payment(store, CONNECTOR, read_add(request), POLICY)
            response.append(bill_payment_check(held))
            return _status(response, "0", "Status OK")
        raise Refusal(Rule.MALFORMED, f"{request.tag} is not supported")
    except Refusal as refusal:
        code, words = STATUS[refusal.rule]
        return _status(response, code, f"{words.format(refusal.detail)} ({refusal.detail})")


def read_add(request: ET.Element) -> PaymentIn:
    add = request.find("BillPaymentCheckAdd")
    if add is None:
        raise Refusal(Rule.MALFORMED, "no BillPaymentCheckAdd")
    lines = tuple(
        PaymentLine(
            required(applied.findtext("TxnID"), "TxnID"),
            money(applied.findtext("PaymentAmount")),
        )
        for applied in add.findall("AppliedToTxnAdd")
    )
    if not lines:
        raise Refusal(Rule.MALFORMED, "AppliedToTxnAdd is required")
    return PaymentIn(
        check_number=add.findtext("RefNumber"),
        bank_id=required(add.findtext("BankAccountRef/ListID"), "BankAccountRef"),
        vendor_id=required(add.findtext("PayeeEntityRef/ListID"), "PayeeEntityRef"),
        lines=lines,
        txn_date=required(add.findtext("TxnDate"), "TxnDate"),
        note=add.findtext("Memo"),
    )


def bill_payment_check(payment: Payment) -> ET.Element:
    ret = ET.Element("BillPaymentCheckRet")
    for tag, value in (
        ("TxnID", payment.erp_ref),
        ("TxnDate", payment.txn_date),
        ("RefNumber", payment.check_number or ""),
        ("Amount", str(payment.amount)),
        ("Memo", payment.private_note or ""),
    ):
        ET.SubElement(ret, tag).text = value
    return ret


def _status(response: ET.Element, code: str, message: str) -> ET.Element:
    severity = "Info" if code in ("0", "1") else "Error"
    response.set("statusCode", code)
    response.set("statusSeverity", severity)
    response.set("statusMessage", message)
    return response


DIALECT = Dialect(
    CONNECTOR, "/quickbooks-desktop/", router, CONNECTION_FIELDS, called_at_base_url=False
)

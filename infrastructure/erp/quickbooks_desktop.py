"""The QuickBooks Desktop connector: reached by the Web Connector, which polls paysync.

QuickBooks Desktop runs on the contractor's own server; the Web Connector there calls
paysync's SOAP service (authenticate, sendRequestXML, receiveResponseXML, closeConnection)
and passes qbXML between paysync and QuickBooks. So `export_payment` only hands the record
to the agent (`sent_to_agent`); a `WebConnectorSession` later turns it into qbXML and reads
QuickBooks' answer, which is recorded like any direct answer.

A payment record is a BillPaymentCheckAdd: PayeeEntityRef the vendor, BankAccountRef the
Bank ID, RefNumber the check number (at most 11 characters), one AppliedToTxnAdd paying the
bill. QuickBooks Desktop takes a RefNumber already used, and qbXML has no idempotency key, so
each record goes in two steps: a BillPaymentCheckQuery of the bank account's checks with that
RefNumber first; one whose Memo carries the record's key means QuickBooks holds the record
already (the answer of an earlier session was lost), and one of another payment means the
record is added and exported with a warning that the number is used twice.

The same ERP as the sandbox plays it: infrastructure/erp_sandbox/dialects/quickbooks_desktop.py.
"""

from __future__ import annotations

import secrets
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from application import ports
from application.export.agent_exchange import AgentExchange, AgentWork
from domain.export_failure import ExportFailureReason
from infrastructure.erp import connection as erp_connection

CONNECTOR = "quickbooks_desktop"
ERP_NAME = "QuickBooks Desktop"
QBXML_VERSION = "13.0"
REF_NUMBER_MAX_LENGTH = 11
# qbXML status codes, as the Failed to Export list words them (3140: an invalid reference,
# told apart by the element it names).
INVALID_REFERENCE = "3140"
OVER_BALANCE = "3250"


class Connection(erp_connection.ConnectionSettings):
    """The Web Connector's login for this company (the password by reference)."""

    web_connector_username: erp_connection.Name
    web_connector_password_ref: erp_connection.SecretRef


def build(
    connection: Connection, context: erp_connection.BuildContext
) -> QuickBooksDesktopConnector:
    context.secrets.resolve(connection.web_connector_password_ref)  # refused now if missing
    return QuickBooksDesktopConnector()


class QuickBooksDesktopConnector:
    connector_name = CONNECTOR
    capabilities = ports.Capabilities(
        kind=ports.ConnectorKind.AGENT,
        partial_payments=True,
        refuses_duplicate_check_numbers=False,  # accepted: exported with a warning
        idempotency=ports.Idempotency.LOOK_UP_FIRST,
    )

    def export_bill(self, bill: ports.BillToExport) -> ports.BillAnswer:
        return ports.ErpRefused(
            ExportFailureReason.ERP_REJECTED,
            "bills reach QuickBooks Desktop through the Web Connector's own sync, not paysync",
        )

    def export_payment(self, record: ports.PaymentRecordToExport) -> ports.ErpAnswer:
        return ports.ErpSentToAgent(agent_ref=record.idempotency_key)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _qbxml(*requests: ET.Element) -> str:
    root = ET.Element("QBXML")
    messages = ET.SubElement(root, "QBXMLMsgsRq", onError="continueOnError")
    messages.extend(requests)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?><?qbxml version="{QBXML_VERSION}"?>{body}'


def ref_number(check_number: str) -> str:
    return check_number[:REF_NUMBER_MAX_LENGTH]


def check_query(record: ports.PaymentRecordToExport) -> str:
    """The bank account's bill payment checks and checks with the record's RefNumber."""
    queries = []
    for kind in ("BillPaymentCheckQueryRq", "CheckQueryRq"):
        query = ET.Element(kind, requestID=record.idempotency_key)
        _text(query, "RefNumber", ref_number(record.check_number))
        _text(ET.SubElement(query, "AccountFilter"), "ListID", record.bank_id)
        queries.append(query)
    return _qbxml(*queries)


def check_add(record: ports.PaymentRecordToExport) -> str:
    add_rq = ET.Element("BillPaymentCheckAddRq", requestID=record.idempotency_key)
    add = ET.SubElement(add_rq, "BillPaymentCheckAdd")
    _text(ET.SubElement(add, "PayeeEntityRef"), "ListID", record.erp_vendor_id)
    _text(add, "TxnDate", record.paid_on.isoformat())
    _text(ET.SubElement(add, "BankAccountRef"), "ListID", record.bank_id)
    _text(add, "IsToBePrinted", "false")
    _text(add, "RefNumber", ref_number(record.check_number))
    _text(add, "Memo", record.idempotency_key)
    applied = ET.SubElement(add, "AppliedToTxnAdd")
    _text(applied, "TxnID", record.erp_bill_ref)
    _text(applied, "PaymentAmount", str(record.amount))
    return _qbxml(add_rq)


def _responses(text: str) -> ET.Element | None:
    try:
        root = ET.fromstring(text)  # noqa: S314 - expat refuses entity expansion bombs
    except ET.ParseError:
        return None
    return root.find("QBXMLMsgsRs")


def _response(text: str, name: str) -> ET.Element | None:
    messages = _responses(text)
    return None if messages is None else messages.find(name)


def read_query(text: str, record: ports.PaymentRecordToExport) -> tuple[str | None, str | None]:
    """(the TxnID of a check that is this record, a warning about others with its number)."""
    messages = _responses(text)
    if messages is None:
        return None, None
    others = []
    for check in messages.findall("BillPaymentCheckQueryRs/BillPaymentCheckRet"):
        if check.findtext("Memo") == record.idempotency_key:
            return check.findtext("TxnID"), None
        others.append(check.findtext("TxnID") or "?")
    others += [
        check.findtext("TxnID") or "?" for check in messages.findall("CheckQueryRs/CheckRet")
    ]
    if not others:
        return None, None
    return None, (
        f"{ERP_NAME} already holds RefNumber {ref_number(record.check_number)} on bank"
        f" account {record.bank_id} (TxnID {', '.join(others)}); it took this check under the"
        " same number"
    )


def read_add(text: str, warning: str | None) -> ports.ErpAccepted | ports.ErpRefused:
    added = _response(text, "BillPaymentCheckAddRs")
    if added is None:
        return ports.ErpRefused(
            ExportFailureReason.ERP_REJECTED, f"{ERP_NAME} answered no BillPaymentCheckAddRs"
        )
    code = added.get("statusCode", "")
    message = added.get("statusMessage", "")
    txn_id = added.findtext("BillPaymentCheckRet/TxnID")
    if code == "0" and txn_id:
        return ports.ErpAccepted(erp_ref=txn_id, warning=warning)
    return ports.ErpRefused(status_reason(code, message), message or f"status {code}", code)


def status_reason(code: str, message: str) -> ExportFailureReason:
    words = message.lower()
    if code == INVALID_REFERENCE and "account" in words:
        return ExportFailureReason.BANK_ID_NOT_FOUND
    if code == INVALID_REFERENCE and "vendor" in words:
        return ExportFailureReason.VENDOR_NOT_SYNCED
    if code == INVALID_REFERENCE and "txnid" in words:
        return ExportFailureReason.INVOICE_NOT_SYNCED
    if code == OVER_BALANCE:
        return ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE
    return ExportFailureReason.ERP_REJECTED


@dataclass
class WebConnectorSession:
    """One Web Connector session (a ticket): the records it carries, one step at a time."""

    company_id: str
    work: list[AgentWork]
    step: str = "query"  # query, then add, for work[0]
    warning: str | None = None
    last_error: str = ""
    done: int = 0


class WebConnectorService:
    """The Web Connector's SOAP methods over the agent exchange, sessions kept in memory
    (a session lasts one poll; a lost one leaves its records `sent_to_agent` for the next)."""

    def __init__(self, exchange: AgentExchange, secrets_of: dict[str, str]) -> None:
        self.exchange = exchange
        self._secrets = secrets_of
        self._sessions: dict[str, WebConnectorSession] = {}
        self._lock = threading.Lock()

    def authenticate(self, company_id: str, username: str, password: str) -> list[str]:
        """[ticket, ""] to go on with the open company file, "none" when nothing waits,
        "nvu" for a wrong login, as the Web Connector expects."""
        connection = self.exchange.connection(company_id, CONNECTOR)
        ticket = secrets.token_hex(16)
        if not erp_connection.is_agent_login(
            connection, self._secrets, "web_connector", username, password
        ):
            return [ticket, "nvu"]
        work = self.exchange.waiting(company_id)
        if not work:
            return [ticket, "none"]
        with self._lock:
            self._sessions[ticket] = WebConnectorSession(company_id, work)
        return [ticket, ""]

    def send_request_xml(self, ticket: str) -> str:
        session = self._session(ticket)
        if session is None or not session.work:
            return ""
        record = session.work[0].record
        return check_query(record) if session.step == "query" else check_add(record)

    def receive_response_xml(self, ticket: str, response: str, hresult: str, message: str) -> int:
        session = self._session(ticket)
        if session is None or not session.work:
            return 100
        if hresult:
            # QuickBooks could not run the request: the record waits for the next session.
            session.last_error = f"{hresult}: {message}"
            return -1
        current = session.work[0]
        if session.step == "query":
            existing, session.warning = read_query(response, current.record)
            if existing is None:
                session.step = "add"
                return self._progress(session)
            answer: ports.ErpAccepted | ports.ErpRefused = ports.ErpAccepted(erp_ref=existing)
        else:
            answer = read_add(response, session.warning)
        self.exchange.report(session.company_id, current, answer, CONNECTOR)
        session.work.pop(0)
        session.done += 1
        session.step, session.warning = "query", None
        return self._progress(session)

    def get_last_error(self, ticket: str) -> str:
        session = self._session(ticket)
        return "" if session is None else session.last_error

    def close_connection(self, ticket: str) -> str:
        with self._lock:
            session = self._sessions.pop(ticket, None)
        return "OK" if session is None else f"OK: {session.done} payment records answered"

    def _session(self, ticket: str) -> WebConnectorSession | None:
        with self._lock:
            return self._sessions.get(ticket)

    @staticmethod
    def _progress(session: WebConnectorSession) -> int:
        total = session.done + len(session.work)
        return 100 if not session.work else max(1, min(99, 100 * session.done // total))


MODULE = erp_connection.ConnectorModule(Connection, build)

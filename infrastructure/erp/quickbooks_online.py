"""The QuickBooks Online connector: bills and bill payments over the Accounting API v3.

A payment record is a BillPayment of PayType Check (even when paid by ACH): the Bank ID goes to
CheckPayment.BankAccountRef, the check number to DocNumber (the "Ref No."), and its one line
links the bill. The idempotency key is sent as QuickBooks Online's `requestid`, so a resent
request gets the first answer and never a second record. The checks on a bank account are its
BillPayments by check and the checks keyed in by hand (Purchases of PaymentType Check), read
with the query API.

The same ERP as the sandbox plays it: infrastructure/erp_sandbox/dialects/quickbooks_online.py.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal, InvalidOperation
from types import TracebackType
from typing import Any

import httpx

from application import ports
from domain.export_failure import ExportFailureReason
from infrastructure.erp import connection as erp_connection
from infrastructure.erp import http_exchange, read_back

ERP_NAME = "QuickBooks Online"
MINOR_VERSION = "75"
REQUEST_ID_MAX_LENGTH = 50
# The port carries no expense account for a bill's line; QuickBooks Online requires one, so
# the company's account id is a connection setting. The sandbox takes any.
DEFAULT_EXPENSE_ACCOUNT_ID = "1"
QUERY_PAGE_SIZE = 1000  # QuickBooks Online's most per query


class Connection(erp_connection.HttpConnection):
    """A QuickBooks Online company: its realm, its OAuth token (by reference) and the expense
    account a bill's line books to.

    The defaults are what paysync used before connections existed (the sandbox's realm, its
    any-token credential), so a company set up with only `erp_base_url` keeps exporting.
    """

    realm_id: erp_connection.Name = "paysync"
    access_token_ref: erp_connection.SecretRef = "sandbox"  # noqa: S105 - a name, not a secret
    expense_account_id: erp_connection.Name = DEFAULT_EXPENSE_ACCOUNT_ID


def build(
    connection: Connection, context: erp_connection.BuildContext
) -> QuickBooksOnlineConnector:
    return QuickBooksOnlineConnector(
        base_url=connection.base_url,
        realm_id=connection.realm_id,
        access_token=context.secrets.resolve(connection.access_token_ref),
        timeout=context.timeout,
        client=context.client,
        expense_account_id=connection.expense_account_id,
    )


class QuickBooksOnlineConnector:
    """Speaks to one QuickBooks Online company (realm); see the module docstring."""

    connector_name = "quickbooks_online"
    capabilities = ports.Capabilities(
        kind=ports.ConnectorKind.DIRECT,
        partial_payments=True,
        refuses_duplicate_check_numbers=True,  # fault 6140
        idempotency=ports.Idempotency.NATIVE_KEY,  # requestid
        lists_checks=True,
    )

    def __init__(
        self,
        base_url: str,
        realm_id: str = "paysync",
        access_token: str = "sandbox",  # noqa: S107 - the sandbox takes any token
        timeout: float = 5.0,
        client: httpx.Client | None = None,
        *,
        expense_account_id: str = DEFAULT_EXPENSE_ACCOUNT_ID,
    ) -> None:
        self._company_url = f"{base_url.rstrip('/')}/v3/company/{realm_id}"
        self._access_token = access_token
        self._timeout = timeout
        self._expense_account_id = expense_account_id
        self._owns_client = client is None
        self._client = httpx.Client(timeout=timeout) if client is None else client

    def close(self) -> None:
        """Closes the connection pool, unless the caller lent it and keeps it."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> QuickBooksOnlineConnector:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def export_bill(self, bill: ports.BillToExport) -> ports.BillAnswer:
        payload = bill_payload(bill, self._expense_account_id)
        return self._create("bill", "Bill", payload, bill.idempotency_key)

    def export_payment(self, record: ports.PaymentRecordToExport) -> ports.BillAnswer:
        payload = bill_payment_payload(record)
        return self._create("billpayment", "BillPayment", payload, record.idempotency_key)

    def payment_records(self, paid_from: date, paid_to: date) -> list[ports.ErpPaymentRecord]:
        """Every BillPayment dated within the period, a query page of 1,000 at a time."""
        # Dates only, no text from outside: nothing to escape.
        where = f" where TxnDate >= '{paid_from}' and TxnDate <= '{paid_to}'"
        return [read_bill_payment(entity) for entity in self._query_all("BillPayment", where)]

    def check_numbers(self, bank_id: str) -> list[str] | ports.ErpRefused:
        """The Ref No. of every BillPayment by check and every hand-keyed check (a Purchase of
        PaymentType Check) drawn on the bank account.

        QuickBooks Online cannot filter either entity on its bank account in a query, so every
        page is read and the bank account's own are kept here.
        """
        try:
            payments = self._query_all("BillPayment")
            purchases = self._query_all("Purchase")
        except ports.ErpUnreadable as error:
            return ports.ErpRefused(ExportFailureReason.ERP_UNAVAILABLE, str(error))
        drawn = [
            entity
            for entity in payments
            if entity.get("PayType") == "Check"
            and _ref_value(entity.get("CheckPayment"), "BankAccountRef") == bank_id
        ] + [
            entity
            for entity in purchases
            if entity.get("PaymentType") == "Check" and _ref_value(entity, "AccountRef") == bank_id
        ]
        return [str(entity["DocNumber"]) for entity in drawn if entity.get("DocNumber")]

    def _query_all(self, entity: str, where: str = "") -> list[dict[str, Any]]:
        """Every `entity` the query finds, a page of 1,000 at a time."""
        found: list[dict[str, Any]] = []
        while True:
            text = (
                f"select * from {entity}{where}"  # noqa: S608 - the callers' own text
                f" startposition {len(found) + 1} maxresults {QUERY_PAGE_SIZE}"
            )
            page = self._query(text).get(entity, [])
            if not isinstance(page, list):
                raise ports.ErpUnreadable(f"{ERP_NAME} answered a query with no list of {entity}s")
            found += page
            if len(page) < QUERY_PAGE_SIZE:
                return found

    def _query(self, text: str) -> dict[str, Any]:
        request = self._client.build_request(
            "GET",
            f"{self._company_url}/query",
            params={"query": text, "minorversion": MINOR_VERSION},
            headers={
                "Authorization": f"Bearer {self._access_token}",
                "Accept": "application/json",
            },
            timeout=self._timeout,
        )
        answer = http_exchange.send(self._client, request, ERP_NAME)
        if isinstance(answer, ports.ErpRefused):
            raise ports.ErpUnreadable(answer.message)
        body = _json_object(answer)
        found = body.get("QueryResponse") if body is not None else None
        if not answer.is_success or not isinstance(found, dict):
            raise ports.ErpUnreadable(
                f"{ERP_NAME} did not answer the query: HTTP {answer.status_code}"
                f" {http_exchange.printable(answer.text)}"
            )
        return found

    def _create(
        self, resource: str, entity: str, payload: dict[str, Any], request_id: str
    ) -> ports.BillAnswer:
        request = self._client.build_request(
            "POST",
            f"{self._company_url}/{resource}",
            params={"requestid": quickbooks_request_id(request_id), "minorversion": MINOR_VERSION},
            headers={
                "Authorization": f"Bearer {self._access_token}",
                "Accept": "application/json",
            },
            json=payload,
            timeout=self._timeout,
        )
        answer = http_exchange.send(self._client, request, ERP_NAME)
        if isinstance(answer, ports.ErpRefused):
            return answer
        return translate_answer(answer, entity)


def quickbooks_request_id(idempotency_key: str) -> str:
    """The idempotency key as a `requestid`, which QuickBooks Online takes up to 50 characters.

    A longer key is replaced by a digest of it: the same key always gives the same requestid,
    which is all the resend of an attempt needs.
    """
    if len(idempotency_key) <= REQUEST_ID_MAX_LENGTH:
        return idempotency_key
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:REQUEST_ID_MAX_LENGTH]


def bill_payload(bill: ports.BillToExport, expense_account_id: str) -> dict[str, Any]:
    """The invoice as a QuickBooks Online Bill: one expense line for the project."""
    lines = [
        {
            "Amount": bill.amount,
            "DetailType": "AccountBasedExpenseLineDetail",
            "Description": bill.project,
            "AccountBasedExpenseLineDetail": {"AccountRef": {"value": expense_account_id}},
        }
    ]
    return {
        "VendorRef": {"value": bill.erp_vendor_id, "name": bill.vendor_name},
        "DocNumber": bill.invoice_number,
        "TxnDate": bill.invoice_date.isoformat(),
        "PrivateNote": f"paysync invoice {bill.invoice_id}",
        **_money_lines(lines),
    }


def bill_payment_payload(record: ports.PaymentRecordToExport) -> dict[str, Any]:
    """The payment record as a QuickBooks Online BillPayment, one line paying the bill."""
    lines = [
        {
            "Amount": record.amount,
            "LinkedTxn": [{"TxnId": record.erp_bill_ref, "TxnType": "Bill"}],
        }
    ]
    return {
        "VendorRef": {"value": record.erp_vendor_id, "name": record.vendor_name},
        "PayType": "Check",
        "CheckPayment": {"BankAccountRef": {"value": record.bank_id}, "PrintStatus": "NotSet"},
        "DocNumber": record.check_number,
        "TxnDate": record.paid_on.isoformat(),
        "PrivateNote": f"paysync payment {record.payment_id}",
        **_money_lines(lines),
    }


def _money_lines(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """TotalAmt and Line with amounts as the JSON numbers QuickBooks Online takes.

    The total is summed in Decimal; only then does each amount become a float, which a
    two-place Decimal survives exactly (its shortest repr reads back as the same amount).
    """
    total = sum((Decimal(line["Amount"]) for line in lines), Decimal(0))
    return {
        "TotalAmt": float(total),
        "Line": [{**line, "Amount": float(line["Amount"])} for line in lines],
    }


def translate_answer(response: httpx.Response, entity: str) -> ports.BillAnswer:
    """What QuickBooks Online answered, in the words of the Failed to Export list."""
    body = _json_object(response)
    errors = _fault_errors(body)
    if response.is_success and not errors:
        erp_ref = _created_id(body, entity)
        if erp_ref is not None:
            return ports.ErpAccepted(erp_ref=erp_ref)
    if errors:
        erp_code = str(errors[0].get("code", response.status_code))
        message = http_exchange.printable("; ".join(error_text(e) for e in errors), 2000)
    else:
        erp_code = str(response.status_code)
        # Not QuickBooks Online's own answer (a proxy, a redirect, another server): its body
        # is never repeated, only that it came.
        message = f"{ERP_NAME} answered HTTP {response.status_code} in a form paysync does not read"
    if http_exchange.is_unavailable(response) or (response.is_success and not errors):
        # A success with no record in it (garbage, a cut-off body, a proxy's HTML page) may
        # well have made the record: only a resend of the same request id can tell.
        reason = ExportFailureReason.ERP_UNAVAILABLE
    elif response.status_code == httpx.codes.BAD_REQUEST and errors:
        reason = fault_reason(erp_code, str(errors[0].get("element", "")), message)
    else:
        reason = ExportFailureReason.ERP_REJECTED
    return ports.ErpRefused(reason=reason, message=message, erp_code=erp_code)


def error_text(error: dict[str, Any]) -> str:
    """QBO's Message and Detail; its Detail often repeats the Message, which is said once."""
    message, detail = str(error.get("Message") or ""), str(error.get("Detail") or "")
    if not detail or detail == message:
        return message
    return detail if detail.startswith(message) else f"{message}: {detail}"


def fault_reason(code: str, element: str, message: str) -> ExportFailureReason:
    """The Failed to Export reason for a ValidationFault; a code alone is not always enough.

    Invalid Reference Id (2500) is the same code for an unknown vendor, bank account or bill,
    and a business validation error (6000) covers more than an overpaid bill: the faulty
    element tells them apart.
    """
    if code == "6140":
        return ExportFailureReason.CHECK_NUMBER_IN_USE
    if code == "2500" and "BankAccountRef" in element:
        return ExportFailureReason.BANK_ID_NOT_FOUND
    if code == "2500" and "VendorRef" in element:
        return ExportFailureReason.VENDOR_NOT_SYNCED
    if code == "2500" and "LinkedTxn" in element:
        return ExportFailureReason.INVOICE_NOT_SYNCED
    if code == "6000" and ("Line.Amount" in element or "open balance" in message.lower()):
        return ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE
    return ExportFailureReason.ERP_REJECTED


def read_bill_payment(entity: object) -> ports.ErpPaymentRecord:
    """A BillPayment entity as a payment record; one that cannot be read stops the read."""
    if not isinstance(entity, dict):
        raise ports.ErpUnreadable(
            f"{ERP_NAME} answered a BillPayment that is no object: {entity!r}"
        )
    try:
        bank = (entity.get("CheckPayment") or {}).get("BankAccountRef") or {}
        return ports.ErpPaymentRecord(
            erp_ref=str(entity["Id"]),
            payment_id=read_back.payment_named(str(entity.get("PrivateNote") or "")),
            check_number=entity.get("DocNumber"),
            bank_id=bank.get("value"),
            amount=Decimal(str(entity["TotalAmt"])).quantize(Decimal("0.01")),
            paid_on=date.fromisoformat(str(entity["TxnDate"])),
        )
    except (KeyError, AttributeError, ValueError, InvalidOperation) as error:
        raise ports.ErpUnreadable(
            f"{ERP_NAME} answered a BillPayment paysync cannot read: {error!r}"
        ) from error


def _ref_value(entity: object, ref: str) -> object:
    """The `value` of a reference such as `AccountRef`, or None where there is none."""
    held = entity.get(ref) if isinstance(entity, dict) else None
    return held.get("value") if isinstance(held, dict) else None


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    body = http_exchange.json_of(response)
    return body if isinstance(body, dict) else None


def _created_id(body: dict[str, Any] | None, entity: str) -> str | None:
    created = body.get(entity) if body is not None else None
    erp_ref = created.get("Id") if isinstance(created, dict) else None
    return erp_ref if isinstance(erp_ref, str) and erp_ref else None


def _fault_errors(body: dict[str, Any] | None) -> list[dict[str, Any]]:
    fault = body.get("Fault") if body is not None else None
    errors = fault.get("Error") if isinstance(fault, dict) else None
    if not isinstance(errors, list):
        return []
    return [error for error in errors if isinstance(error, dict)]


MODULE = erp_connection.ConnectorModule(Connection, build)

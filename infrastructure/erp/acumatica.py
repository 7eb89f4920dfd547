"""The Acumatica connector: Bills and Checks over the contract-based REST API.

A payment record is a `Check` of Type Payment: CashAccount is the Bank ID, PaymentRef the
check number, PaymentAmount the amount, and one Details line applies it to the Bill
(DocType Bill, ReferenceNbr, AmountPaid). Every field goes out wrapped as `{"value": ...}`.
The API takes no request id, so the idempotency key rides in the Check's Description and the
connector looks for a Check with it before creating one. A session is opened with
`/entity/auth/login` and its cookie kept by this connector (the HTTP pool is shared, cookies
are not), and opened again when the ERP says it has ended. A period's Checks are read back
with a `$filter` on ApplicationDate, paged with `$top` and `$skip` until a page comes back
short; the Description names the paysync payment.

The same ERP as the sandbox plays it: infrastructure/erp_sandbox/dialects/acumatica.py.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import httpx

from application import ports
from domain.export_failure import ExportFailureReason
from infrastructure.erp import connection as erp_connection
from infrastructure.erp import http_exchange, json_api, read_back

ERP_NAME = "Acumatica"
ENDPOINT = "entity/Default/22.200.001"
SESSION_COOKIE = ".ASPXAUTH"
PAGE_SIZE = 500  # Checks asked for per request ($top)

# The Check's field at fault, as the Failed to Export list words it.
REASONS = {
    "Vendor": ExportFailureReason.VENDOR_NOT_SYNCED,
    "CashAccount": ExportFailureReason.BANK_ID_NOT_FOUND,
    "PaymentRef": ExportFailureReason.CHECK_NUMBER_IN_USE,
    "Details.ReferenceNbr": ExportFailureReason.INVOICE_NOT_SYNCED,
    "Details.AmountPaid": ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE,
}

# A Check's fields a reconciliation reads back.
CHECK = read_back.RecordFields(
    "ReferenceNbr", "Description", "PaymentRef", "CashAccount", "PaymentAmount", "ApplicationDate"
)


class Connection(erp_connection.HttpConnection):
    """An Acumatica tenant, the API user (password by reference) and the expense account."""

    tenant: erp_connection.Name
    username: erp_connection.Name
    password_ref: erp_connection.SecretRef
    expense_account: erp_connection.Name


def build(connection: Connection, context: erp_connection.BuildContext) -> AcumaticaConnector:
    return AcumaticaConnector(
        connection.base_url,
        {
            "name": connection.username,
            "password": context.secrets.resolve(connection.password_ref),
            "company": connection.tenant,
        },
        connection.expense_account,
        context.client,
    )


def wrapped(value: object) -> dict[str, object]:
    return {"value": value}


def check_payload(record: ports.PaymentRecordToExport) -> dict[str, Any]:
    return {
        "Type": wrapped("Payment"),
        "Vendor": wrapped(record.erp_vendor_id),
        "CashAccount": wrapped(record.bank_id),
        "PaymentMethod": wrapped("CHECK"),
        "PaymentRef": wrapped(record.check_number),
        "PaymentAmount": wrapped(float(record.amount)),
        "ApplicationDate": wrapped(record.paid_on.isoformat()),
        "Description": wrapped(record.idempotency_key),
        "Hold": wrapped(False),
        "Details": [
            {
                "DocType": wrapped("Bill"),
                "ReferenceNbr": wrapped(record.erp_bill_ref),
                "AmountPaid": wrapped(float(record.amount)),
            }
        ],
    }


def bill_payload(bill: ports.BillToExport, expense_account: str) -> dict[str, Any]:
    return {
        "Type": wrapped("Bill"),
        "Vendor": wrapped(bill.erp_vendor_id),
        "VendorRef": wrapped(bill.invoice_number),
        "Date": wrapped(bill.invoice_date.isoformat()),
        "Description": wrapped(bill.idempotency_key),
        "Amount": wrapped(float(bill.amount)),
        "Details": [
            {
                "TransactionDescription": wrapped(bill.project),
                "ExtendedCost": wrapped(float(bill.amount)),
                "Account": wrapped(expense_account),
            }
        ],
    }


class AcumaticaConnector:
    connector_name = "acumatica"
    capabilities = ports.Capabilities(
        kind=ports.ConnectorKind.DIRECT,
        partial_payments=True,
        refuses_duplicate_check_numbers=True,
        idempotency=ports.Idempotency.LOOK_UP_FIRST,
        lists_checks=True,
    )

    def __init__(
        self, base_url: str, login: dict[str, str], expense_account: str, client: httpx.Client
    ) -> None:
        self._api = json_api.JsonApi(ERP_NAME, client, base_url.rstrip("/"), translate_refusal)
        self._login = login
        self._expense_account = expense_account
        self._session: str | None = None
        self._session_lock = threading.Lock()

    def export_bill(self, bill: ports.BillToExport) -> ports.BillAnswer:
        return self._create("Bill", bill_payload(bill, self._expense_account))

    def export_payment(self, record: ports.PaymentRecordToExport) -> ports.BillAnswer:
        found = self._find_check(record.idempotency_key)
        if found is not None:
            return found
        return self._create("Check", check_payload(record))

    def payment_records(self, paid_from: date, paid_to: date) -> list[ports.ErpPaymentRecord]:
        """Every Check of Type Payment applied within the period, a page at a time."""
        # Dates only, no text from outside: nothing to quote.
        where = (
            f"Type eq 'Payment' and ApplicationDate ge datetimeoffset'{paid_from}'"
            f" and ApplicationDate le datetimeoffset'{paid_to}'"
        )
        found: list[ports.ErpPaymentRecord] = []
        while True:
            params = {"$filter": where, "$top": str(PAGE_SIZE), "$skip": str(len(found))}
            response = read_back.readable(self._taken("GET", "Check", params=params))
            page = http_exchange.json_of(response)
            if not isinstance(page, list):
                raise ports.ErpUnreadable(f"{ERP_NAME} answered Checks with no list of them")
            found += [read_check(check) for check in page]
            if len(page) < PAGE_SIZE:
                return found

    def check_numbers(self, bank_id: str) -> list[str] | ports.ErpRefused:
        listed = self._checks_where("CashAccount", bank_id)
        if isinstance(listed, ports.ErpRefused):
            return listed
        _, checks = listed
        return [
            str(check["PaymentRef"]["value"])
            for check in checks
            if isinstance(check, dict) and isinstance(check.get("PaymentRef"), dict)
        ]

    def _find_check(self, key: str) -> ports.BillAnswer | None:
        listed = self._checks_where("Description", key)
        if isinstance(listed, ports.ErpRefused):
            return listed
        response, checks = listed
        if checks:
            # A Check found without its number is an answer we cannot read, not a refusal:
            # the record may be the ERP's, so the export asks again later (ADR 0091).
            return accepted(checks[0]) or http_exchange.unreadable_success(response, ERP_NAME)
        return None

    def _checks_where(
        self, name: str, value: str
    ) -> tuple[httpx.Response, list[Any]] | ports.ErpRefused:
        """The Checks whose field `name` holds `value`, and the answer that listed them."""
        quoted = value.replace("'", "''")
        response = self._taken("GET", "Check", params={"$filter": f"{name} eq '{quoted}'"})
        if isinstance(response, ports.ErpRefused):
            return response
        checks = http_exchange.json_of(response)
        if not isinstance(checks, list):
            return http_exchange.unreadable_success(response, ERP_NAME)
        return response, checks

    def _create(self, entity: str, payload: dict[str, Any]) -> ports.BillAnswer:
        response = self._taken("PUT", entity, json=payload)
        if isinstance(response, ports.ErpRefused):
            return response
        made = accepted(http_exchange.json_of(response))
        if made is not None:
            return made
        if response.is_success:
            return http_exchange.unreadable_success(response, ERP_NAME)
        return translate_refusal(response)

    def _taken(self, method: str, entity: str, **kwargs: Any) -> httpx.Response | ports.ErpRefused:
        """The answer to a request the ERP took, in a session opened again once if it ended."""
        for _ in range(2):
            session = self._open_session()
            if isinstance(session, ports.ErpRefused):
                return session
            response = self._api.send(
                method,
                f"{ENDPOINT}/{entity}",
                headers={"Cookie": f"{SESSION_COOKIE}={session}", "Accept": "application/json"},
                **kwargs,
            )
            if (
                isinstance(response, ports.ErpRefused)
                or response.status_code != httpx.codes.UNAUTHORIZED
            ):
                break
            with self._session_lock:
                self._session = None  # ended on the ERP's side: log in again, once
        if isinstance(response, ports.ErpRefused) or response.is_success:
            return response
        return translate_refusal(response)

    def _open_session(self) -> str | ports.ErpRefused:
        with self._session_lock:
            if self._session is not None:
                return self._session
            response = self._api.send("POST", "entity/auth/login", json=self._login)
            if isinstance(response, ports.ErpRefused):
                return response
            token = response.cookies.get(SESSION_COOKIE)
            if not response.is_success or not token:
                return translate_refusal(response)
            self._session = token
            return token


def read_check(entity: object) -> ports.ErpPaymentRecord:
    """A Check as Acumatica answers it (every field wrapped), as a payment record."""
    return CHECK.read(ERP_NAME, lambda name: unwrapped(entity, name))


def accepted(entity: object) -> ports.ErpAccepted | None:
    value = unwrapped(entity, "ReferenceNbr")
    return ports.ErpAccepted(erp_ref=str(value)) if value else None


def unwrapped(entity: object, name: str) -> object:
    """The value of the entity's field `name`, or None where it has none."""
    field = entity.get(name) if isinstance(entity, dict) else None
    return field.get("value") if isinstance(field, dict) else None


def field_errors(entity: dict[str, Any]) -> list[tuple[str, str]]:
    """Every `error` Acumatica put on a field, as (field path, words)."""
    errors = [
        (name, str(field["error"]))
        for name, field in entity.items()
        if isinstance(field, dict) and field.get("error")
    ]
    for detail in entity.get("Details") or []:
        if isinstance(detail, dict):
            errors += [(f"Details.{name}", words) for name, words in field_errors(detail)]
    return errors


def translate_refusal(response: httpx.Response) -> ports.ErpRefused:
    return json_api.refusal(response, ERP_NAME, read_errors)


def read_errors(body: Any, code: str) -> ports.ErpRefused | None:
    """The errors Acumatica put on the entity's fields, or its exception's words."""
    if not isinstance(body, dict):
        return None
    errors = field_errors(body)
    if errors:
        field, _ = errors[0]
        message = "; ".join(f"{name}: {words}" for name, words in errors)
        return ports.ErpRefused(REASONS.get(field, ExportFailureReason.ERP_REJECTED), message, code)
    words = body.get("exceptionMessage") or body.get("message")
    if words:
        return ports.ErpRefused(ExportFailureReason.ERP_REJECTED, f"{ERP_NAME}: {words}", code)
    return None


MODULE = erp_connection.ConnectorModule(Connection, build)

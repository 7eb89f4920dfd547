"""The Viewpoint Vista connector, through its integration platform (see ADR 0021).

A payment record is an AP payment by check: CMAcct is the Bank ID (the CM Account), CMRef the
check number (the CM Reference, which Vista keeps unique per CM Account), CMRefSeq 0, and one
paid transaction (the bill's APTrans). The platform takes no request id, so the key rides as
ExternalId and the connector looks for it before creating a payment.

The same ERP as the sandbox plays it: infrastructure/erp_sandbox/dialects/viewpoint_vista.py.
"""

from __future__ import annotations

from typing import Any

import httpx

from application.ports import (
    BillAnswer,
    BillToExport,
    Capabilities,
    ConnectorKind,
    ErpAccepted,
    ErpRefused,
    Idempotency,
    PaymentRecordToExport,
)
from domain.export_failure import ExportFailureReason
from infrastructure.erp import http_exchange
from infrastructure.erp.connection import (
    BuildContext,
    ConnectorModule,
    HttpConnection,
    Name,
    SecretRef,
)

ERP_NAME = "Viewpoint Vista"
PREFIX = "/ryvit/vista/v1"
REASONS = {
    "VENDOR_NOT_FOUND": ExportFailureReason.VENDOR_NOT_SYNCED,
    "CM_ACCOUNT_NOT_FOUND": ExportFailureReason.BANK_ID_NOT_FOUND,
    "AP_TRANS_NOT_FOUND": ExportFailureReason.INVOICE_NOT_SYNCED,
    "CM_REFERENCE_IN_USE": ExportFailureReason.CHECK_NUMBER_IN_USE,
    "AMOUNT_OVER_OPEN": ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE,
    "PARTIAL_NOT_ALLOWED": ExportFailureReason.PARTIAL_PAYMENT_NOT_SUPPORTED,
}


class Connection(HttpConnection):
    """Vista's AP and CM companies, the vendor group, and the platform's token by reference."""

    ap_company: Name
    cm_company: Name
    vendor_group: Name
    api_token_ref: SecretRef


def build(connection: Connection, context: BuildContext) -> ViewpointVistaConnector:
    token = context.secrets.resolve(connection.api_token_ref)
    return ViewpointVistaConnector(connection, token, context.client)


def payment_payload(record: PaymentRecordToExport, connection: Connection) -> dict[str, Any]:
    return {
        "APCo": connection.ap_company,
        "CMCo": connection.cm_company,
        "CMAcct": record.bank_id,
        "CMRef": record.check_number,
        "CMRefSeq": 0,
        "PayMethod": "C",
        "VendorGroup": connection.vendor_group,
        "Vendor": record.erp_vendor_id,
        "PaidDate": record.paid_on.isoformat(),
        "Amount": str(record.amount),
        "ExternalId": record.idempotency_key,
        "Transactions": [{"APTrans": record.erp_bill_ref, "Amount": str(record.amount)}],
    }


def transaction_payload(bill: BillToExport, connection: Connection) -> dict[str, Any]:
    return {
        "APCo": connection.ap_company,
        "VendorGroup": connection.vendor_group,
        "Vendor": bill.erp_vendor_id,
        "APRef": bill.invoice_number,
        "InvDate": bill.invoice_date.isoformat(),
        "Description": bill.project,
        "GrossAmt": str(bill.amount),
    }


class ViewpointVistaConnector:
    connector_name = "viewpoint_vista"
    capabilities = Capabilities(
        kind=ConnectorKind.DIRECT,
        partial_payments=True,
        refuses_duplicate_check_numbers=True,
        idempotency=Idempotency.LOOK_UP_FIRST,
        lists_checks=True,
    )

    def __init__(self, connection: Connection, token: str, client: httpx.Client) -> None:
        self._url = connection.base_url.rstrip("/") + PREFIX
        self._connection = connection
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._client = client

    def export_bill(self, bill: BillToExport) -> BillAnswer:
        payload = transaction_payload(bill, self._connection)
        return self._create("ap/transactions", "APTrans", payload)

    def export_payment(self, record: PaymentRecordToExport) -> BillAnswer:
        found = self._send("GET", "ap/payments", params={"externalId": record.idempotency_key})
        if isinstance(found, ErpRefused):
            return found
        if not found.is_success:
            return translate_refusal(found)
        items = found.json().get("items") or []
        if items and items[0].get("KeyID"):
            return ErpAccepted(erp_ref=str(items[0]["KeyID"]))
        return self._create("ap/payments", "KeyID", payment_payload(record, self._connection))

    def check_numbers(self, bank_id: str) -> list[str] | ErpRefused:
        found = self._send("GET", "ap/payments", params={"cmAcct": bank_id})
        if isinstance(found, ErpRefused):
            return found
        if not found.is_success:
            return translate_refusal(found)
        return [str(item["CMRef"]) for item in found.json().get("items") or [] if item.get("CMRef")]

    def _create(self, path: str, id_field: str, payload: dict[str, Any]) -> BillAnswer:
        response = self._send("POST", path, json=payload)
        if isinstance(response, ErpRefused):
            return response
        if response.is_success and response.json().get(id_field):
            return ErpAccepted(erp_ref=str(response.json()[id_field]))
        return translate_refusal(response)

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response | ErpRefused:
        request = self._client.build_request(
            method, f"{self._url}/{path}", headers=self._headers, **kwargs
        )
        return http_exchange.send(self._client, request, ERP_NAME)


def translate_refusal(response: httpx.Response) -> ErpRefused:
    code = str(response.status_code)
    if http_exchange.is_unavailable(response):
        return ErpRefused(
            ExportFailureReason.ERP_UNAVAILABLE,
            f"{ERP_NAME} answered HTTP {code}: {response.text[:300]}",
            code,
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first_code = str(errors[0].get("code", code))
        message = "; ".join(
            f"{error.get('field') or 'request'}: {error.get('message', '')}"
            for error in errors
            if isinstance(error, dict)
        )
        reason = REASONS.get(first_code, ExportFailureReason.ERP_REJECTED)
        return ErpRefused(reason, message, first_code)
    return ErpRefused(
        ExportFailureReason.ERP_REJECTED,
        f"{ERP_NAME} answered HTTP {code}: {response.text[:300]}",
        code,
    )


MODULE = ConnectorModule(Connection, build)

"""The Viewpoint Vista connector, through its integration platform (see ADR 0021).

A payment record is an AP payment by check: CMAcct is the Bank ID (the CM Account), CMRef the
check number (the CM Reference, which Vista keeps unique per CM Account), CMRefSeq 0, and one
paid transaction (the bill's APTrans). The platform takes no request id, so the key rides as
ExternalId and the connector looks for it before creating a payment. A period's payments are
read back with `paidDateFrom` and `paidDateTo`, paged with `limit` and `offset` until the
answer has no more; ExternalId names the paysync payment.

The same ERP as the sandbox plays it: infrastructure/erp_sandbox/dialects/viewpoint_vista.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from application import ports
from domain.export_failure import ExportFailureReason
from infrastructure.erp import connection as erp_connection
from infrastructure.erp import json_api, read_back

ERP_NAME = "Viewpoint Vista"
PREFIX = "/ryvit/vista/v1"
PAGE_SIZE = 500  # the platform's most per page
REASONS = {
    "VENDOR_NOT_FOUND": ExportFailureReason.VENDOR_NOT_SYNCED,
    "CM_ACCOUNT_NOT_FOUND": ExportFailureReason.BANK_ID_NOT_FOUND,
    "AP_TRANS_NOT_FOUND": ExportFailureReason.INVOICE_NOT_SYNCED,
    "CM_REFERENCE_IN_USE": ExportFailureReason.CHECK_NUMBER_IN_USE,
    "AMOUNT_OVER_OPEN": ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE,
    "PARTIAL_NOT_ALLOWED": ExportFailureReason.PARTIAL_PAYMENT_NOT_SUPPORTED,
}

# An AP payment's fields a reconciliation reads back.
PAYMENT = read_back.RecordFields("KeyID", "ExternalId", "CMRef", "CMAcct", "Amount", "PaidDate")


class Connection(erp_connection.HttpConnection):
    """Vista's AP and CM companies, the vendor group, and the platform's token by reference."""

    ap_company: erp_connection.Name
    cm_company: erp_connection.Name
    vendor_group: erp_connection.Name
    api_token_ref: erp_connection.SecretRef


def build(connection: Connection, context: erp_connection.BuildContext) -> ViewpointVistaConnector:
    token = context.secrets.resolve(connection.api_token_ref)
    return ViewpointVistaConnector(connection, token, context.client)


def payment_payload(record: ports.PaymentRecordToExport, connection: Connection) -> dict[str, Any]:
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


def transaction_payload(bill: ports.BillToExport, connection: Connection) -> dict[str, Any]:
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
    capabilities = ports.Capabilities(
        kind=ports.ConnectorKind.DIRECT,
        partial_payments=True,
        refuses_duplicate_check_numbers=True,
        idempotency=ports.Idempotency.LOOK_UP_FIRST,
        lists_checks=True,
    )

    def __init__(self, connection: Connection, token: str, client: httpx.Client) -> None:
        self._connection = connection
        self._api = json_api.JsonApi(
            ERP_NAME,
            client,
            connection.base_url.rstrip("/") + PREFIX,
            translate_refusal,
            {"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    def export_bill(self, bill: ports.BillToExport) -> ports.BillAnswer:
        payload = transaction_payload(bill, self._connection)
        return self._api.create("POST", "ap/transactions", json_api.field("APTrans"), json=payload)

    def export_payment(self, record: ports.PaymentRecordToExport) -> ports.BillAnswer:
        found = self._api.made_before(
            "ap/payments", "KeyID", params={"externalId": record.idempotency_key}
        )
        if found is not None:
            return found
        payload = payment_payload(record, self._connection)
        return self._api.create("POST", "ap/payments", json_api.field("KeyID"), json=payload)

    def payment_records(self, paid_from: date, paid_to: date) -> list[ports.ErpPaymentRecord]:
        """Every AP payment paid within the period, a page at a time."""
        period = {"paidDateFrom": paid_from.isoformat(), "paidDateTo": paid_to.isoformat()}
        items = self._api.every_item("ap/payments", period, PAGE_SIZE)
        return [read_payment(item) for item in read_back.readable(items)]

    def check_numbers(self, bank_id: str) -> list[str] | ports.ErpRefused:
        return self._api.values("ap/payments", "CMRef", params={"cmAcct": bank_id})


def read_payment(item: object) -> ports.ErpPaymentRecord:
    """An AP payment as the platform answers it, as a payment record."""
    return PAYMENT.read_json(ERP_NAME, item)


def translate_refusal(response: httpx.Response) -> ports.ErpRefused:
    return json_api.refusal(response, ERP_NAME, read_errors)


def read_errors(body: Any, code: str) -> ports.ErpRefused | None:
    """The platform's `errors`: the first one's code names the reason."""
    errors = json_api.listed(body, "errors")
    if errors is None:
        return None
    first_code = str(errors[0].get("code", code))
    message = "; ".join(
        f"{error.get('field') or 'request'}: {error.get('message', '')}" for error in errors
    )
    return ports.ErpRefused(
        REASONS.get(first_code, ExportFailureReason.ERP_REJECTED), message, first_code
    )


MODULE = erp_connection.ConnectorModule(Connection, build)

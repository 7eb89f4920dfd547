"""The CMiC connector: AP vouchers and manual cheques over CMiC's REST API.

A payment record is a manual cheque: ChqNum is the check number, ChqAccCode the Bank ID on
the company's bank company (ChqBankCompCode), ChqAmt and ChqDate, and one
ApManualChequeDetail paying the voucher (VouNum, PaidAmt). CMiC takes no request id, so the
idempotency key rides in ChqMemo and the connector looks for a cheque with it first.
A period's cheques are read back with a `q` on ChqDate, paged with `limit` and `offset`
until the answer has no more; ChqMemo names the paysync payment.

The same ERP as the sandbox plays it: infrastructure/erp_sandbox/dialects/cmic.py.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import httpx

from application import ports
from domain.export_failure import ExportFailureReason
from infrastructure.erp import connection as erp_connection
from infrastructure.erp import json_api, read_back

ERP_NAME = "CMiC"
PREFIX = "/ap-rest-api/rest/1"
PAGE_SIZE = 500  # CMiC's REST API answers at most 500 rows a request

# The ADF error path at fault, as the Failed to Export list words it.
REASONS = {
    "ChqVenCode": ExportFailureReason.VENDOR_NOT_SYNCED,
    "VouVenCode": ExportFailureReason.VENDOR_NOT_SYNCED,
    "ChqAccCode": ExportFailureReason.BANK_ID_NOT_FOUND,
    "ChqNum": ExportFailureReason.CHECK_NUMBER_IN_USE,
    "ApManualChequeDetail/VouNum": ExportFailureReason.INVOICE_NOT_SYNCED,
    "ApManualChequeDetail/PaidAmt": ExportFailureReason.AMOUNT_EXCEEDS_OPEN_BALANCE,
}

# A manual cheque's fields a reconciliation reads back.
CHEQUE = read_back.RecordFields("ChqId", "ChqMemo", "ChqNum", "ChqAccCode", "ChqAmt", "ChqDate")


class Connection(erp_connection.HttpConnection):
    """A CMiC company and bank company, and the API user (password by reference)."""

    company_code: erp_connection.Name
    bank_company_code: erp_connection.Name
    username: erp_connection.Name
    password_ref: erp_connection.SecretRef


def build(connection: Connection, context: erp_connection.BuildContext) -> CmicConnector:
    password = context.secrets.resolve(connection.password_ref)
    return CmicConnector(
        connection, basic_authorization(connection.username, password), context.client
    )


def basic_authorization(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def cheque_payload(
    record: ports.PaymentRecordToExport, company_code: str, bank_company_code: str
) -> dict[str, Any]:
    return {
        "ChqCompCode": company_code,
        "ChqBankCompCode": bank_company_code,
        "ChqAccCode": record.bank_id,
        "ChqNum": record.check_number,
        "ChqAmt": str(record.amount),
        "ChqDate": record.paid_on.isoformat(),
        "ChqVenCode": record.erp_vendor_id,
        "ChqMemo": record.idempotency_key,
        "ApManualChequeDetail": [{"VouNum": record.erp_bill_ref, "PaidAmt": str(record.amount)}],
    }


def voucher_payload(bill: ports.BillToExport, company_code: str) -> dict[str, Any]:
    return {
        "VouCompCode": company_code,
        "VouVenCode": bill.erp_vendor_id,
        "VouInvNum": bill.invoice_number,
        "VouInvDate": bill.invoice_date.isoformat(),
        "VouAmt": str(bill.amount),
        "VouDesc": f"{bill.project} (paysync invoice {bill.invoice_id})",
    }


class CmicConnector:
    connector_name = "cmic"
    capabilities = ports.Capabilities(
        kind=ports.ConnectorKind.DIRECT,
        partial_payments=True,
        refuses_duplicate_check_numbers=True,
        idempotency=ports.Idempotency.LOOK_UP_FIRST,
        lists_checks=True,
    )

    def __init__(self, connection: Connection, authorization: str, client: httpx.Client):
        self._connection = connection
        self._api = json_api.JsonApi(
            ERP_NAME,
            client,
            connection.base_url.rstrip("/") + PREFIX,
            translate_refusal,
            {"Authorization": authorization, "Accept": "application/json"},
        )

    def export_bill(self, bill: ports.BillToExport) -> ports.BillAnswer:
        payload = voucher_payload(bill, self._connection.company_code)
        return self._api.create("POST", "apvoucher", json_api.field("VouNum"), json=payload)

    def export_payment(self, record: ports.PaymentRecordToExport) -> ports.BillAnswer:
        quoted = record.idempotency_key.replace("'", "''")
        found = self._api.made_before(
            "apmanualcheque", "ChqId", params={"q": f"ChqMemo='{quoted}'"}
        )
        if found is not None:
            return found
        payload = cheque_payload(
            record, self._connection.company_code, self._connection.bank_company_code
        )
        return self._api.create("POST", "apmanualcheque", json_api.field("ChqId"), json=payload)

    def payment_records(self, paid_from: date, paid_to: date) -> list[ports.ErpPaymentRecord]:
        """Every manual cheque dated within the period, a page at a time."""
        # Dates only, no text from outside: nothing to quote.
        where = f"ChqDate>='{paid_from}' and ChqDate<='{paid_to}'"
        items = self._api.every_item("apmanualcheque", {"q": where}, PAGE_SIZE)
        return [read_cheque(item) for item in read_back.readable(items)]

    def check_numbers(self, bank_id: str) -> list[str] | ports.ErpRefused:
        quoted = bank_id.replace("'", "''")
        return self._api.values("apmanualcheque", "ChqNum", params={"q": f"ChqAccCode='{quoted}'"})


def read_cheque(item: object) -> ports.ErpPaymentRecord:
    """A manual cheque as CMiC answers it, as a payment record."""
    return CHEQUE.read_json(ERP_NAME, item)


def translate_refusal(response: httpx.Response) -> ports.ErpRefused:
    return json_api.refusal(response, ERP_NAME, read_errors)


def read_errors(body: Any, code: str) -> ports.ErpRefused | None:
    """The ADF error details: the first one's path names the reason."""
    details = json_api.listed(body, "o:errorDetails")
    if details is None:
        return None
    first = details[0]
    message = "; ".join(str(d.get("detail", "")) for d in details)
    reason = REASONS.get(str(first.get("o:errorPath", "")), ExportFailureReason.ERP_REJECTED)
    return ports.ErpRefused(reason, message, str(first.get("o:errorCode") or code))


MODULE = erp_connection.ConnectorModule(Connection, build)

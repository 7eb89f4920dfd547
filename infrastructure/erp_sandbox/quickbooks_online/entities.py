"""Bills, BillPayments and hand-keyed checks as QuickBooks Online shows them: its JSON
entities."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from infrastructure.erp_sandbox.quickbooks_online.payloads import BillIn, BillPaymentIn
from infrastructure.erp_sandbox.records import Bill

CURRENCY_REF = {"value": "USD", "name": "United States Dollar"}


def qbo_amount(amount: Decimal) -> float:
    """Money as QuickBooks Online writes it: a JSON number (two places round-trip exactly)."""
    return float(amount)


def bill_entity(erp_ref: str, bill: BillIn, created_at: str) -> dict[str, Any]:
    lines = [
        {**_plain(line), "Id": str(number), "LineNum": number, "Amount": qbo_amount(amount)}
        for number, (amount, line) in enumerate(bill.lines, start=1)
    ]
    return {
        **_header(erp_ref, bill.doc_number, bill.private_note, created_at),
        "VendorRef": _plain(bill.vendor_ref),
        "TxnDate": bill.txn_date,
        "TotalAmt": qbo_amount(bill.total),
        "Balance": qbo_amount(bill.total),
        "Line": lines,
    }


def bill_view(bill: Bill) -> dict[str, Any]:
    """The bill as QuickBooks Online shows it now: its Balance goes down as payments link it."""
    return {**bill.document, "Balance": qbo_amount(bill.balance)}


def bill_payment_entity(erp_ref: str, payment: BillPaymentIn, created_at: str) -> dict[str, Any]:
    lines = [
        {
            "Amount": qbo_amount(line.amount),
            "LinkedTxn": [{"TxnId": line.bill_ref, "TxnType": "Bill"}],
        }
        for line in payment.lines
    ]
    return {
        **_header(erp_ref, payment.doc_number, payment.private_note, created_at),
        "VendorRef": _plain(payment.vendor_ref),
        "PayType": "Check",
        "CheckPayment": {"PrintStatus": "NotSet", **_plain(payment.check_payment)},
        "TxnDate": payment.txn_date,
        "TotalAmt": qbo_amount(payment.total),
        "Line": lines,
    }


def check_purchase_entity(erp_ref: str, bank_id: str, check_number: str) -> dict[str, Any]:
    """A check keyed in by hand (Write Checks): a Purchase of PaymentType Check, drawn on the
    bank account in AccountRef. The sandbox keeps only the bank and the number of such a check."""
    return {
        "Id": erp_ref,
        "SyncToken": "0",
        "domain": "QBO",
        "sparse": False,
        "CurrencyRef": CURRENCY_REF,
        "DocNumber": check_number,
        "PaymentType": "Check",
        "AccountRef": {"value": bank_id},
        "Line": [],
    }


def _header(
    erp_ref: str, doc_number: str | None, private_note: str | None, created_at: str
) -> dict[str, Any]:
    header: dict[str, Any] = {
        "Id": erp_ref,
        "SyncToken": "0",
        "domain": "QBO",
        "sparse": False,
        "CurrencyRef": CURRENCY_REF,
        "MetaData": {"CreateTime": created_at, "LastUpdatedTime": created_at},
    }
    if doc_number is not None:
        header["DocNumber"] = doc_number
    if private_note is not None:
        header["PrivateNote"] = private_note
    return header


def _plain(value: Any) -> Any:
    """The request's own JSON, echoed back, with its Decimal numbers as plain JSON numbers."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value

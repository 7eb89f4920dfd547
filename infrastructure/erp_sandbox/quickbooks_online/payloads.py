"""The Bill and BillPayment request bodies QuickBooks Online takes, read and checked for shape.

Only the shape is checked here (required fields, types, amounts adding up); whether the
vendor, bank account and bills exist is the books' business. Amounts are read as Decimal
straight from the JSON text, so no float ever touches money.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from infrastructure.erp_sandbox.quickbooks_online.fault import (
    INVALID_PROPERTY,
    REQUIRED_PARAM_MISSING,
    STRING_LENGTH,
    QboFault,
)
from infrastructure.erp_sandbox.records import CENTS

DOC_NUMBER_MAX_LENGTH = 21  # QuickBooks Online's limit on a transaction's Ref No.
EXPENSE_LINE_TYPES = ("AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail")


@dataclass(frozen=True)
class BillIn:
    vendor_ref: dict[str, Any]
    doc_number: str | None
    txn_date: str
    total: Decimal
    private_note: str | None
    lines: tuple[tuple[Decimal, dict[str, Any]], ...]  # each line's amount, and the line

    @property
    def vendor_id(self) -> str:
        return str(self.vendor_ref["value"])


@dataclass(frozen=True)
class BillPaymentLineIn:
    amount: Decimal
    bill_ref: str


@dataclass(frozen=True)
class BillPaymentIn:
    vendor_ref: dict[str, Any]
    check_payment: dict[str, Any]
    doc_number: str | None
    txn_date: str
    total: Decimal
    private_note: str | None
    lines: tuple[BillPaymentLineIn, ...]

    @property
    def vendor_id(self) -> str:
        return str(self.vendor_ref["value"])

    @property
    def bank_id(self) -> str:
        return str(self.check_payment["BankAccountRef"]["value"])


def read_bill(raw: bytes) -> BillIn:
    body = _json_object(raw)
    lines = tuple(_bill_line(line, index) for index, line in enumerate(_lines(body)))
    total = _total(body, [amount for amount, _ in lines], required=False)
    return BillIn(
        vendor_ref=_ref(body, "VendorRef", "VendorRef"),
        doc_number=_doc_number(body),
        txn_date=_txn_date(body),
        total=total,
        private_note=_optional_text(body, "PrivateNote"),
        lines=lines,
    )


def read_bill_payment(raw: bytes) -> BillPaymentIn:
    body = _json_object(raw)
    vendor_ref = _ref(body, "VendorRef", "VendorRef")
    pay_type = body.get("PayType")
    if pay_type is None:
        raise QboFault(REQUIRED_PARAM_MISSING, "PayType is missing in the request", "PayType")
    if pay_type != "Check":
        raise QboFault(
            INVALID_PROPERTY, f"PayType {pay_type!r}: the sandbox takes Check only", "PayType"
        )
    check_payment = body.get("CheckPayment")
    if not isinstance(check_payment, dict):
        check_payment = {}
    _ref(check_payment, "BankAccountRef", "CheckPayment.BankAccountRef")
    lines = tuple(_bill_payment_line(line, index) for index, line in enumerate(_lines(body)))
    return BillPaymentIn(
        vendor_ref=vendor_ref,
        check_payment=check_payment,
        doc_number=_doc_number(body),
        txn_date=_txn_date(body),
        total=_total(body, [line.amount for line in lines], required=True),
        private_note=_optional_text(body, "PrivateNote"),
        lines=lines,
    )


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw, parse_float=Decimal)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise QboFault(INVALID_PROPERTY, "The request body is not a JSON object")
    return body


def _ref(body: dict[str, Any], key: str, element: str) -> dict[str, Any]:
    ref = body.get(key)
    if not isinstance(ref, dict) or not isinstance(ref.get("value"), str) or not ref["value"]:
        raise QboFault(
            REQUIRED_PARAM_MISSING, f"{element}.value is missing in the request", element
        )
    return ref


def _lines(body: dict[str, Any]) -> list[dict[str, Any]]:
    lines = body.get("Line")
    if not isinstance(lines, list) or not lines:
        raise QboFault(REQUIRED_PARAM_MISSING, "Line is missing in the request", "Line")
    if not all(isinstance(line, dict) for line in lines):
        raise QboFault(INVALID_PROPERTY, "Each Line must be an object", "Line")
    return lines


def _bill_line(line: dict[str, Any], index: int) -> tuple[Decimal, dict[str, Any]]:
    amount = _amount(line.get("Amount"), f"Line[{index}].Amount")
    if line.get("DetailType") not in EXPENSE_LINE_TYPES:
        raise QboFault(
            INVALID_PROPERTY,
            f"Line[{index}].DetailType must be one of {', '.join(EXPENSE_LINE_TYPES)}",
            f"Line[{index}].DetailType",
        )
    return amount, line


def _bill_payment_line(line: dict[str, Any], index: int) -> BillPaymentLineIn:
    amount = _amount(line.get("Amount"), f"Line[{index}].Amount")
    linked = line.get("LinkedTxn")
    element = f"Line[{index}].LinkedTxn"
    if not isinstance(linked, list) or len(linked) != 1 or not isinstance(linked[0], dict):
        raise QboFault(REQUIRED_PARAM_MISSING, f"{element} needs exactly one Bill", element)
    txn_id, txn_type = linked[0].get("TxnId"), linked[0].get("TxnType")
    if not isinstance(txn_id, str) or not txn_id:
        raise QboFault(REQUIRED_PARAM_MISSING, f"{element}.TxnId is missing", element)
    if txn_type != "Bill":
        raise QboFault(INVALID_PROPERTY, f"{element}.TxnType must be Bill", element)
    return BillPaymentLineIn(amount=amount, bill_ref=txn_id)


def _amount(value: object, element: str) -> Decimal:
    if value is None:
        raise QboFault(REQUIRED_PARAM_MISSING, f"{element} is missing in the request", element)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise QboFault(INVALID_PROPERTY, f"{element} must be a number", element)
    amount = Decimal(value)
    if not amount.is_finite() or (amount * 100) != (amount * 100).to_integral_value():
        raise QboFault(INVALID_PROPERTY, f"{element} must have at most two decimals", element)
    if amount <= 0:
        raise QboFault(INVALID_PROPERTY, f"{element} must be greater than zero", element)
    return amount.quantize(CENTS)


def _total(body: dict[str, Any], line_amounts: list[Decimal], *, required: bool) -> Decimal:
    lines_total = sum(line_amounts, Decimal(0))
    if body.get("TotalAmt") is None and not required:
        return lines_total  # QuickBooks Online totals a bill's lines itself
    total = _amount(body.get("TotalAmt"), "TotalAmt")
    if total != lines_total:
        raise QboFault(
            INVALID_PROPERTY,
            f"TotalAmt {total} does not equal the sum of the line amounts {lines_total}",
            "TotalAmt",
        )
    return total


def _doc_number(body: dict[str, Any]) -> str | None:
    doc_number = body.get("DocNumber")
    if doc_number is None:
        return None
    if not isinstance(doc_number, str):
        raise QboFault(INVALID_PROPERTY, "DocNumber must be a string", "DocNumber")
    if len(doc_number) > DOC_NUMBER_MAX_LENGTH:
        raise QboFault(
            STRING_LENGTH,
            f"DocNumber is {len(doc_number)} characters long, at most "
            f"{DOC_NUMBER_MAX_LENGTH} are supported",
            "DocNumber",
        )
    return doc_number


def _txn_date(body: dict[str, Any]) -> str:
    txn_date = body.get("TxnDate")
    if txn_date is None:
        return datetime.now(UTC).date().isoformat()  # QuickBooks Online defaults it to today
    try:
        return date.fromisoformat(str(txn_date)).isoformat()
    except ValueError:
        raise QboFault(INVALID_PROPERTY, "TxnDate must be a date, YYYY-MM-DD", "TxnDate") from None


def _optional_text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise QboFault(INVALID_PROPERTY, f"{key} must be a string", key)
    return value

"""What the sandbox ERP holds, whichever ERP's request shape wrote it.

Every ERP in the connector table keeps the same few things: bank accounts, vendors, bills
(payables) and payment records against them. One routes module per ERP translates its own
request shape into these records; `connector` says which shape wrote a record, and `document`
keeps the record as that ERP shows it (a JSON object: its entity, or whatever an XML-speaking
ERP needs to rebuild its answer), so each ERP can answer in its own words later.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

CENTS = Decimal("0.01")


def money_text(amount: Decimal) -> str:
    """Money the way the sandbox admin paths show it: a decimal string with two places."""
    return str(amount.quantize(CENTS))


@dataclass(frozen=True, kw_only=True)
class Record:
    """What the ERP keeps of a bill and of a payment alike: which connector's shape wrote it,
    its id, the vendor, the amount, the date, the note, when it was kept, and the document."""

    connector: str
    erp_ref: str
    erp_vendor_id: str
    amount: Decimal
    txn_date: str
    private_note: str | None
    created_at: str
    document: dict[str, Any]

    def admin_view(self) -> dict[str, Any]:
        return {
            "connector": self.connector,
            "erp_ref": self.erp_ref,
            "erp_vendor_id": self.erp_vendor_id,
            "amount": money_text(self.amount),
            "txn_date": self.txn_date,
            "private_note": self.private_note,
            "created_at": self.created_at,
        }


@dataclass(frozen=True, kw_only=True)
class Bill(Record):
    """A payable to a vendor. `balance` is what is still open after the payments held."""

    doc_number: str | None
    balance: Decimal

    def admin_view(self) -> dict[str, Any]:
        return {
            **super().admin_view(),
            "doc_number": self.doc_number,
            "balance": money_text(self.balance),
        }


@dataclass(frozen=True)
class PaymentLine:
    """The part of a payment applied to one bill."""

    bill_ref: str
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class Payment(Record):
    """A payment record: a check (or its ERP's equivalent) drawn on a bank account.

    Its check number occupies that number on that bank account, the way a check already
    keyed into the ERP does.
    """

    check_number: str | None
    bank_id: str
    lines: tuple[PaymentLine, ...]

    def admin_view(self) -> dict[str, Any]:
        return {
            **super().admin_view(),
            "check_number": self.check_number,
            "bank_id": self.bank_id,
            "linked_bills": [line.bill_ref for line in self.lines],
            "lines": [
                {"bill_ref": line.bill_ref, "amount": money_text(line.amount)}
                for line in self.lines
            ],
        }


@dataclass(frozen=True)
class Answer:
    """An HTTP answer the sandbox gave, kept so a repeated request id gets it again."""

    status: int
    body: dict[str, Any]

"""Payment records read back from an ERP's answer, for a reconciliation.

Each reading connector finds the fields in its ERP's own shape; turning them into an
ErpPaymentRecord, and refusing the whole read when one record cannot be read, is the same for
each and lives here once. A reconciliation built on a record half read would report a change
nobody made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar
from uuid import UUID

from application.ports import ErpPaymentRecord, ErpRefused, ErpUnreadable
from domain.invoice_payment import payment_id_in_key

CENTS = Decimal("0.01")
T = TypeVar("T")
# What connectors that send no idempotency key in the record write instead (QuickBooks Online's
# PrivateNote, Sage Intacct's DESCRIPTION).
PAYSYNC_NOTE = re.compile(r"paysync payment ([0-9a-fA-F-]{36})")


def payment_record(
    erp_name: str,
    erp_ref: object,
    key: object,
    check_number: object,
    bank_id: object,
    amount: object,
    paid_on: object,
) -> ErpPaymentRecord:
    """The record from its fields as the ERP answered them; `key` is the field the connector
    wrote the paysync payment into (none on a record keyed in by hand)."""
    try:
        if erp_ref is None or str(erp_ref) == "":
            raise ValueError("no id")
        return ErpPaymentRecord(
            erp_ref=str(erp_ref),
            payment_id=payment_named(None if key is None else str(key)),
            check_number=_text(check_number),
            bank_id=_text(bank_id),
            amount=Decimal(str(amount)).quantize(CENTS),
            paid_on=date.fromisoformat(str(paid_on)[:10]),
        )
    except (ValueError, InvalidOperation) as error:
        raise ErpUnreadable(
            f"{erp_name} answered a payment record paysync cannot read: {error!r}"
        ) from error


@dataclass(frozen=True)
class RecordFields:
    """Where one ERP's payment record holds what paysync reads back, by the ERP's own names:
    its id, the field the connector wrote the paysync payment into, the check number, the
    Bank ID, the amount and the day paid."""

    erp_ref: str
    key: str
    check_number: str
    bank_id: str
    amount: str
    paid_on: str

    def read(self, erp_name: str, value: Callable[[str], object]) -> ErpPaymentRecord:
        """The record whose fields `value` finds by name."""
        return payment_record(
            erp_name,
            value(self.erp_ref),
            value(self.key),
            value(self.check_number),
            value(self.bank_id),
            value(self.amount),
            value(self.paid_on),
        )

    def read_json(self, erp_name: str, item: object) -> ErpPaymentRecord:
        """The record in a JSON object that holds each field as it is (anything else has
        none, and cannot be read)."""
        return self.read(erp_name, (item if isinstance(item, dict) else {}).get)


def payment_named(text: str | None) -> UUID | None:
    """The paysync payment a record's note or key names: its idempotency key, or the
    `paysync payment <id>` note; None for a record that names none."""
    note = PAYSYNC_NOTE.search(text or "")
    return UUID(note.group(1)) if note else payment_id_in_key(text)


def readable(answer: T | ErpRefused) -> T:
    """The answer, or ErpUnreadable with the ERP's words when it gave none."""
    if isinstance(answer, ErpRefused):
        raise ErpUnreadable(answer.message)
    return answer


def _text(value: object) -> str | None:
    return None if value is None or str(value) == "" else str(value)

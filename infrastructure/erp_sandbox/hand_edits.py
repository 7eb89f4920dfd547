"""What someone does to payment records in the ERP by hand, behind paysync's back.

For reconciliation tests: a record edited, keyed in twice, deleted, or keyed in with no
paysync payment named. The store's columns are what every dialect answers a read from, so a
change made here shows in every ERP's shape. QuickBooks Online answers its query from the
entity it kept, which its own books rewrite alongside.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from infrastructure.erp_sandbox import ledger
from infrastructure.erp_sandbox.quickbooks_online import books
from infrastructure.erp_sandbox.records import Payment
from infrastructure.erp_sandbox.storage import SandboxStore


class Ambiguous(Exception):
    """More than one ERP holds a payment record with that id: say which."""


def held(store: SandboxStore, erp_ref: str, connector: str | None) -> Payment | None:
    """The one payment record with the ERP's id (of that connector's books, when named)."""
    found = store.payments(connector=connector, erp_ref=erp_ref)
    if len(found) > 1:
        raise Ambiguous(f"Payment records {erp_ref} of {sorted(p.connector for p in found)}.")
    return found[0] if found else None


def edit(
    store: SandboxStore,
    payment: Payment,
    amount: Decimal | None,
    check_number: str | None,
    bank_id: str | None,
) -> Payment | None:
    """The record as edited; None when it is gone."""
    if payment.connector == books.CONNECTOR:
        return books.edit_bill_payment(
            store, payment.erp_ref, amount=amount, check_number=check_number, bank_id=bank_id
        )
    edited = replace(
        payment,
        amount=payment.amount if amount is None else amount,
        check_number=payment.check_number if check_number is None else check_number,
        bank_id=payment.bank_id if bank_id is None else bank_id,
    )
    store.replace_payment(edited)
    return edited


def copy(store: SandboxStore, payment: Payment) -> Payment | None:
    """The same record keyed in a second time: its own id, the rest the same."""
    if payment.connector == books.CONNECTOR:
        return books.copy_bill_payment(store, payment.erp_ref)
    with store.transaction():
        copied = replace(payment, erp_ref=store.next_ref(payment.connector))
        store.add_payment(copied)
        return copied


def key_in(
    store: SandboxStore,
    connector: str,
    erp_vendor_id: str,
    bank_id: str,
    check_number: str,
    amount: Decimal,
    paid_on: str,
) -> Payment:
    """A payment record keyed into the ERP by hand: no bill paid, no paysync payment named."""
    with store.transaction():
        erp_ref = store.next_ref(connector)
        payment = Payment(
            connector=connector,
            erp_ref=erp_ref,
            check_number=check_number,
            bank_id=bank_id,
            erp_vendor_id=erp_vendor_id,
            amount=amount,
            lines=(),
            txn_date=paid_on,
            private_note=None,
            created_at=ledger.now(),
            document={},
        )
        if connector == books.CONNECTOR:
            payment = replace(payment, document=books.keyed_in_bill_payment(payment))
        store.add_payment(payment)
        return payment

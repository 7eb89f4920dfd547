"""The sandbox's own paths, under /sandbox: set the ERP up, inject faults, look inside.

These are not ERP-shaped: they are never counted as ERP requests and never suffer faults.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from infrastructure.erp_sandbox import hand_edits, ledger
from infrastructure.erp_sandbox.faults import Fault, FaultMode, FaultRate
from infrastructure.erp_sandbox.records import Payment
from infrastructure.erp_sandbox.storage import SandboxStore


class BankAccountIn(BaseModel):
    bank_id: str = Field(min_length=1)


class VendorIn(BaseModel):
    erp_vendor_id: str = Field(min_length=1)


class CheckIn(BaseModel):
    bank_id: str = Field(min_length=1)
    check_number: str = Field(min_length=1)


class BillIn(BaseModel):
    connector: str = Field(min_length=1)
    erp_vendor_id: str = Field(min_length=1)
    amount: Decimal = Field(gt=0, decimal_places=2)
    doc_number: str | None = None


class FaultIn(BaseModel):
    mode: FaultMode
    count: int = Field(default=1, ge=1)
    delay_seconds: float | None = Field(default=None, ge=0)


class FaultRateIn(BaseModel):
    rate: float = Field(ge=0, le=1)
    modes: list[FaultMode] = Field(min_length=1)
    delays: dict[FaultMode, float] = Field(default_factory=dict)
    seed: int | None = None


class PaymentEditIn(BaseModel):
    """What someone changes on a payment record in the ERP, by hand, after the export."""

    amount: Decimal | None = Field(default=None, gt=0, decimal_places=2)
    check_number: str | None = Field(default=None, min_length=1)
    bank_id: str | None = Field(default=None, min_length=1)


class KeyedInPaymentIn(BaseModel):
    """A payment record someone keys into the ERP by hand: it names no paysync payment."""

    connector: str = Field(min_length=1)
    bank_id: str = Field(min_length=1)
    check_number: str = Field(min_length=1)
    amount: Decimal = Field(gt=0, decimal_places=2)
    paid_on: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    erp_vendor_id: str = ""


def admin_router(store: SandboxStore) -> APIRouter:
    router = APIRouter(prefix="/sandbox", tags=["sandbox admin"])

    @router.get("/health")
    def health() -> dict[str, bool | int]:
        # The pid lets whoever started the sandbox tell it from another server on that port.
        return {"ok": True, "pid": os.getpid()}

    @router.post("/bank-accounts", status_code=201)
    def add_bank_account(body: BankAccountIn) -> dict[str, str]:
        store.add_bank_account(body.bank_id)
        return {"bank_id": body.bank_id}

    @router.post("/vendors", status_code=201)
    def add_vendor(body: VendorIn) -> dict[str, str]:
        store.add_vendor(body.erp_vendor_id)
        return {"erp_vendor_id": body.erp_vendor_id}

    @router.post("/checks", status_code=201)
    def add_check(body: CheckIn) -> dict[str, str]:
        # A check is drawn on a bank account: a typo in the set-up should not pass unseen.
        if not store.has_bank_account(body.bank_id):
            raise HTTPException(
                404, f"No bank account {body.bank_id}: POST /sandbox/bank-accounts first."
            )
        store.add_check(body.bank_id, body.check_number)
        return {"bank_id": body.bank_id, "check_number": body.check_number}

    @router.post("/bills", status_code=201)
    def add_bill(body: BillIn) -> dict[str, str]:
        """A bill keyed into the ERP (or synced by its own tool), for that connector's books."""
        try:
            bill = ledger.create_bill(
                store,
                body.connector,
                ledger.BillIn(body.doc_number, body.erp_vendor_id, body.amount, "2026-01-01", None),
            )
        except ledger.Refusal as refusal:
            raise HTTPException(404, refusal.detail) from None
        return {"erp_ref": bill.erp_ref}

    @router.post("/faults", status_code=201)
    def inject_fault(body: FaultIn) -> dict[str, Any]:
        delay = (
            body.mode.default_delay_seconds if body.delay_seconds is None else body.delay_seconds
        )
        fault = Fault(mode=body.mode, remaining=body.count, delay_seconds=delay)
        store.add_fault(fault)
        return fault.public_view()

    @router.get("/faults")
    def pending_faults() -> dict[str, list[dict[str, Any]]]:
        return {"items": [fault.public_view() for fault in store.pending_faults()]}

    @router.delete("/faults", status_code=204)
    def clear_faults() -> None:
        store.clear_faults()

    @router.put("/fault-rate")
    def set_fault_rate(body: FaultRateIn) -> dict[str, Any]:
        """From now on, `rate` of all ERP requests suffer one of `modes`, picked at random."""
        store.fault_rate = FaultRate(body.rate, tuple(body.modes), dict(body.delays), body.seed)
        return store.fault_rate.public_view()

    @router.get("/fault-rate")
    def fault_rate() -> dict[str, Any]:
        return {} if store.fault_rate is None else store.fault_rate.public_view()

    @router.delete("/fault-rate", status_code=204)
    def clear_fault_rate() -> None:
        store.fault_rate = None

    @router.get("/payments/count")
    def payment_count() -> dict[str, int]:
        return {"count": store.payment_count()}

    @router.get("/payments")
    def payments() -> dict[str, list[dict[str, Any]]]:
        return {"items": [payment.admin_view() for payment in store.payments()]}

    @router.post("/payments", status_code=201)
    def key_in_payment(body: KeyedInPaymentIn) -> dict[str, Any]:
        keyed = hand_edits.key_in(
            store,
            body.connector,
            body.erp_vendor_id,
            body.bank_id,
            body.check_number,
            body.amount,
            body.paid_on,
        )
        return keyed.admin_view()

    # Edits made in the ERP behind paysync's back, for reconciliation tests; `connector` says
    # whose books when more than one ERP holds a record with that id.
    def held(erp_ref: str, connector: str | None) -> Payment:
        try:
            payment = hand_edits.held(store, erp_ref, connector)
        except hand_edits.Ambiguous as ambiguous:
            raise HTTPException(409, str(ambiguous)) from None
        if payment is None:
            raise HTTPException(404, f"No payment record {erp_ref}.")
        return payment

    @router.patch("/payments/{erp_ref}")
    def edit_payment(
        erp_ref: str, body: PaymentEditIn, connector: str | None = None
    ) -> dict[str, Any]:
        edited = hand_edits.edit(
            store, held(erp_ref, connector), body.amount, body.check_number, body.bank_id
        )
        if edited is None:
            raise HTTPException(404, f"No payment record {erp_ref}.")
        return edited.admin_view()

    @router.post("/payments/{erp_ref}/copy", status_code=201)
    def copy_payment(erp_ref: str, connector: str | None = None) -> dict[str, Any]:
        copy = hand_edits.copy(store, held(erp_ref, connector))
        if copy is None:
            raise HTTPException(404, f"No payment record {erp_ref}.")
        return copy.admin_view()

    @router.delete("/payments/{erp_ref}", status_code=204)
    def delete_payment(erp_ref: str, connector: str | None = None) -> None:
        if not store.delete_payment(held(erp_ref, connector).connector, erp_ref):
            raise HTTPException(404, f"No payment record {erp_ref}.")

    @router.get("/bills")
    def bills() -> dict[str, list[dict[str, Any]]]:
        return {"items": [bill.admin_view() for bill in store.bills()]}

    @router.get("/requests")
    def requests() -> dict[str, Any]:
        counts = store.request_counts()
        return {"total": sum(counts.values()), "by_path": counts}

    @router.post("/reset", status_code=204)
    def reset() -> None:
        store.reset()

    return router

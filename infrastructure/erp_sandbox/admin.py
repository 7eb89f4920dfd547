"""The sandbox's own paths, under /sandbox: set the ERP up, inject faults, look inside.

These are not ERP-shaped: they are never counted as ERP requests and never suffer faults.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from infrastructure.erp_sandbox import ledger
from infrastructure.erp_sandbox.faults import Fault, FaultMode
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

    @router.get("/payments")
    def payments() -> dict[str, list[dict[str, Any]]]:
        return {"items": [payment.admin_view() for payment in store.payments()]}

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

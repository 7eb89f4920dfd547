"""A failed payment record: fix its check number or Bank ID, relink it, export it again."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from interfaces.api.deps import AdminOrApprover, PaymentsDep
from interfaces.api.routes.disbursements import DisbursementOut

router = APIRouter(
    prefix="/v1/companies/{company_id}/disbursements/{disbursement_id}/payments/{payment_id}",
    tags=["payment records"],
)


class PaymentFix(BaseModel):
    model_config = ConfigDict(extra="forbid")

    check_number: int | None = Field(default=None, strict=True)
    bank_id: str | None = None


class MarkExported(BaseModel):
    model_config = ConfigDict(extra="forbid")

    erp_payment_ref: str | None = None
    note: str | None = None


@router.patch("", response_model=DisbursementOut)
def fix(
    company_id: str,
    disbursement_id: UUID,
    payment_id: UUID,
    body: PaymentFix,
    caller: AdminOrApprover,
    payments: PaymentsDep,
) -> DisbursementOut:
    """Only a record that failed to export can be changed (409 otherwise)."""
    view = payments.edit_failed_payment(
        company_id,
        disbursement_id,
        payment_id,
        actor=caller.subject,
        **body.model_dump(exclude_unset=True),
    )
    return DisbursementOut.of(view)


@router.post("/export", status_code=202, response_model=DisbursementOut)
def export(
    company_id: str,
    disbursement_id: UUID,
    payment_id: UUID,
    caller: AdminOrApprover,
    payments: PaymentsDep,
) -> DisbursementOut:
    """Queue the failed record for export again; it is `pending` until the ERP answers."""
    view = payments.request_export(company_id, disbursement_id, payment_id, caller.subject)
    return DisbursementOut.of(view)


@router.post("/relink", response_model=DisbursementOut)
def relink(
    company_id: str,
    disbursement_id: UUID,
    payment_id: UUID,
    caller: AdminOrApprover,
    payments: PaymentsDep,
) -> DisbursementOut:
    """Point the failed record at its invoice's bill, synced after the payment was made."""
    view = payments.relink_payment(company_id, disbursement_id, payment_id, caller.subject)
    return DisbursementOut.of(view)


@router.post("/mark-exported", response_model=DisbursementOut)
def mark_exported(
    company_id: str,
    disbursement_id: UUID,
    payment_id: UUID,
    body: MarkExported,
    caller: AdminOrApprover,
    payments: PaymentsDep,
) -> DisbursementOut:
    """The record was keyed into the ERP by hand: stop trying, and say so in the history."""
    view = payments.mark_as_exported(
        company_id,
        disbursement_id,
        payment_id,
        erp_payment_ref=body.erp_payment_ref,
        note=body.note,
        actor=caller.subject,
    )
    return DisbursementOut.of(view)

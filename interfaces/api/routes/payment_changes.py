"""One payment of a disbursement, over HTTP: a draft's amount or removal, a returned payout, and
for a failed record its check number or Bank ID, relink, export again, or mark as exported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends, HTTPException
from pydantic import model_validator

from application.payments.queries import DisbursementSnapshot
from domain.check_numbers import check_number
from domain.text import bank_id
from infrastructure.tokens import Role
from interfaces.api.deps import Admin, AdminOrApprover, FundingNotifier, PaymentsDep
from interfaces.api.fields import (
    CheckNumber,
    CompanyId,
    Identifier,
    Money,
    Note,
    Reason,
    StrictBody,
)
from interfaces.api.versions import versioned_router

router = versioned_router(
    "/v1/companies/{company_id}/disbursements/{disbursement_id}/payments/{payment_id}",
    "payment records",
)


class PaymentChange(StrictBody):
    """In a draft, the amount; on a record that failed to export, check number or Bank ID."""

    amount: Money | None = None
    check_number: CheckNumber | None = None
    bank_id: Identifier | None = None

    @model_validator(mode="after")
    def _one_kind_of_change(self) -> PaymentChange:
        if self.amount is not None and (self.check_number is not None or self.bank_id):
            raise ValueError(
                "change the amount (in a draft) or the check number and Bank ID (after a "
                "failed export), not both at once"
            )
        return self


class MarkExported(StrictBody):
    erp_payment_ref: Identifier | None = None
    note: Note | None = None


class Returned(StrictBody):
    reason: Reason


@dataclass(frozen=True)
class OnePayment:
    """The payment the path names (`company_id`, `disbursement_id`, `payment_id`)."""

    company_id: CompanyId
    disbursement_id: UUID
    payment_id: UUID

    @property
    def ids(self) -> tuple[str, UUID, UUID]:
        return self.company_id, self.disbursement_id, self.payment_id


PaymentPath = Annotated[OnePayment, Depends()]


@router.patch("", response_model=DisbursementSnapshot)
def fix(
    at: PaymentPath, body: PaymentChange, caller: AdminOrApprover, payments: PaymentsDep
) -> DisbursementSnapshot:
    """A draft's amount, or a failed record's check number and Bank ID (409 otherwise)."""
    if body.amount is not None:
        if caller.role is not Role.PAYMENTS_ADMIN:
            raise HTTPException(403, "only a payments admin changes the amounts of a draft")
        return payments.change_payment_amount(*at.ids, body.amount, caller.subject)
    typed = body.check_number
    return payments.edit_failed_payment(
        *at.ids,
        actor=caller.subject,
        check_number=None if typed is None else check_number(typed, "the check number"),
        bank_id=None if body.bank_id is None else bank_id(body.bank_id),
    )


@router.delete("", response_model=DisbursementSnapshot)
def remove(at: PaymentPath, caller: Admin, payments: PaymentsDep) -> DisbursementSnapshot:
    """Take a payment out of a draft (a draft keeps at least one)."""
    return payments.remove_payment(*at.ids, caller.subject)


@router.post("/payout-returned", response_model=DisbursementSnapshot)
def payout_returned(
    at: PaymentPath, body: Returned, caller: FundingNotifier, payments: PaymentsDep
) -> DisbursementSnapshot:
    """The bank returned the payout; the invoice is open again, the ERP record stays."""
    return payments.return_payout(*at.ids, body.reason, caller.subject)


@router.post("/export", status_code=202, response_model=DisbursementSnapshot)
def export(at: PaymentPath, caller: AdminOrApprover, payments: PaymentsDep) -> DisbursementSnapshot:
    """Queue the failed record for export again; it is `pending` until the ERP answers."""
    return payments.request_export(*at.ids, caller.subject)


@router.post("/relink", response_model=DisbursementSnapshot)
def relink(at: PaymentPath, caller: AdminOrApprover, payments: PaymentsDep) -> DisbursementSnapshot:
    """Point the failed record at its invoice's bill, synced after the payment was made."""
    return payments.relink_payment(*at.ids, caller.subject)


@router.post("/mark-exported", response_model=DisbursementSnapshot)
def mark_exported(
    at: PaymentPath, body: MarkExported, caller: AdminOrApprover, payments: PaymentsDep
) -> DisbursementSnapshot:
    """The record was keyed into the ERP by hand: stop trying, and say so in the history."""
    return payments.mark_as_exported(
        *at.ids, erp_payment_ref=body.erp_payment_ref, note=body.note, actor=caller.subject
    )

"""Funding accounts: the bank accounts payments are made from, and their check numbers."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from application.queries import FundingAccountSnapshot
from domain.check_numbers import check_number
from domain.text import bank_id
from interfaces.api.deps import Admin, AdminOrApprover, PaymentsDep, Reader

NEXT = "the next check number"  # how a refusal names the field

router = APIRouter(prefix="/v1/companies/{company_id}/funding-accounts", tags=["funding accounts"])


class FundingAccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nickname: str
    bank_id: str
    next_check_number: int = Field(strict=True)


class FundingAccountChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nickname: str | None = None
    bank_id: str | None = None
    next_check_number: int | None = Field(default=None, strict=True)


@router.post("", status_code=201, response_model=FundingAccountSnapshot)
def open_account(
    company_id: str, body: FundingAccountIn, caller: Admin, payments: PaymentsDep
) -> FundingAccountSnapshot:
    account_id = payments.open_funding_account(
        company_id,
        nickname=body.nickname,
        bank_id=bank_id(body.bank_id),
        next_check_number=check_number(body.next_check_number, NEXT),
        actor=caller.subject,
    )
    return payments.funding_account(company_id, account_id)


@router.get("/{account_id}", response_model=FundingAccountSnapshot)
def read(
    company_id: str, account_id: UUID, caller: Reader, payments: PaymentsDep
) -> FundingAccountSnapshot:
    return payments.funding_account(company_id, account_id)


@router.patch("/{account_id}", response_model=FundingAccountSnapshot)
def change(
    company_id: str,
    account_id: UUID,
    body: FundingAccountChange,
    caller: AdminOrApprover,
    payments: PaymentsDep,
) -> FundingAccountSnapshot:
    """Rename, change the Bank ID, or raise the next check number (never to a used one)."""
    raised = body.next_check_number
    return payments.update_funding_account(
        company_id,
        account_id,
        actor=caller.subject,
        nickname=body.nickname,
        bank_id=None if body.bank_id is None else bank_id(body.bank_id),
        next_check_number=None if raised is None else check_number(raised, NEXT),
    )


@router.post("/{account_id}/deactivate", response_model=FundingAccountSnapshot)
def deactivate(
    company_id: str, account_id: UUID, caller: Admin, payments: PaymentsDep
) -> FundingAccountSnapshot:
    payments.deactivate_funding_account(company_id, account_id, caller.subject)
    return payments.funding_account(company_id, account_id)

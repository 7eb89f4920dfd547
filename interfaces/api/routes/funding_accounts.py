"""Funding accounts: the bank accounts payments are made from, and their check numbers."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from application.queries import FundingAccountView
from interfaces.api.deps import Admin, AdminOrApprover, PaymentsDep, Reader
from interfaces.api.fields import CheckNumber, CompanyId, Identifier, Name
from interfaces.api.versions import if_match

router = APIRouter(
    prefix="/v1/companies/{company_id}/funding-accounts",
    tags=["funding accounts"],
    dependencies=[Depends(if_match)],
)


class FundingAccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nickname: Name
    bank_id: Identifier
    next_check_number: CheckNumber


class FundingAccountChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nickname: Name | None = None
    bank_id: Identifier | None = None
    next_check_number: CheckNumber | None = None


class FundingAccountOut(BaseModel):
    id: UUID
    nickname: str
    bank_id: str
    next_check_number: int
    highest_issued_check_number: int | None
    verified: bool
    deactivated: bool
    version: int

    @classmethod
    def of(cls, view: FundingAccountView) -> FundingAccountOut:
        return cls.model_validate(view, from_attributes=True)


@router.post("", status_code=201, response_model=FundingAccountOut)
def open_account(
    company_id: CompanyId, body: FundingAccountIn, caller: Admin, payments: PaymentsDep
) -> FundingAccountOut:
    account_id = payments.open_funding_account(
        company_id, **body.model_dump(), actor=caller.subject
    )
    return FundingAccountOut.of(payments.funding_account(company_id, account_id))


@router.get("/{account_id}", response_model=FundingAccountOut)
def read(
    company_id: CompanyId, account_id: UUID, caller: Reader, payments: PaymentsDep
) -> FundingAccountOut:
    return FundingAccountOut.of(payments.funding_account(company_id, account_id))


@router.patch("/{account_id}", response_model=FundingAccountOut)
def change(
    company_id: CompanyId,
    account_id: UUID,
    body: FundingAccountChange,
    caller: AdminOrApprover,
    payments: PaymentsDep,
) -> FundingAccountOut:
    """Rename, change the Bank ID, or raise the next check number (never to a used one)."""
    view = payments.update_funding_account(
        company_id, account_id, actor=caller.subject, **body.model_dump(exclude_unset=True)
    )
    return FundingAccountOut.of(view)


@router.post("/{account_id}/deactivate", response_model=FundingAccountOut)
def deactivate(
    company_id: CompanyId, account_id: UUID, caller: Admin, payments: PaymentsDep
) -> FundingAccountOut:
    payments.deactivate_funding_account(company_id, account_id, caller.subject)
    return FundingAccountOut.of(payments.funding_account(company_id, account_id))

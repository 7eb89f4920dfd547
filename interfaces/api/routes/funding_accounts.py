"""Funding accounts: the bank accounts payments are made from, and their check numbers."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from application.projections.directory import FundingAccountRow
from application.queries import FundingAccountView
from interfaces.api.deps import Admin, AdminOrApprover, PaymentsDep, Reader, ReadModelsDep
from interfaces.api.paging import LIMIT, Cursor, Limit

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


class FundingAccountsOut(BaseModel):
    items: list[FundingAccountOut]
    next_cursor: str | None


def listed(row: FundingAccountRow) -> FundingAccountOut:
    return FundingAccountOut.model_validate(
        {
            **row.__dict__,
            "id": row.funding_account_id,
            "verified": bool(row.verified),
            "deactivated": bool(row.deactivated),
        }
    )


@router.get("", response_model=FundingAccountsOut)
def list_accounts(
    company_id: str,
    caller: Reader,
    read_models: ReadModelsDep,
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> FundingAccountsOut:
    """The company's funding accounts in the order they were opened (from a read model:
    an account opened a moment ago may take some milliseconds to be listed)."""
    page = read_models.directory.funding_accounts(company_id, cursor, limit)
    return FundingAccountsOut(
        items=[listed(row) for row in page.items], next_cursor=page.next_cursor
    )


@router.post("", status_code=201, response_model=FundingAccountOut)
def open_account(
    company_id: str, body: FundingAccountIn, caller: Admin, payments: PaymentsDep
) -> FundingAccountOut:
    account_id = payments.open_funding_account(
        company_id, **body.model_dump(), actor=caller.subject
    )
    return FundingAccountOut.of(payments.funding_account(company_id, account_id))


@router.get("/{account_id}", response_model=FundingAccountOut)
def read(
    company_id: str, account_id: UUID, caller: Reader, payments: PaymentsDep
) -> FundingAccountOut:
    return FundingAccountOut.of(payments.funding_account(company_id, account_id))


@router.patch("/{account_id}", response_model=FundingAccountOut)
def change(
    company_id: str,
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
    company_id: str, account_id: UUID, caller: Admin, payments: PaymentsDep
) -> FundingAccountOut:
    payments.deactivate_funding_account(company_id, account_id, caller.subject)
    return FundingAccountOut.of(payments.funding_account(company_id, account_id))

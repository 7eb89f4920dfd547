"""A funding account's check register: every check number it gave out (a read model)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from application.errors import NotFound
from application.projections.check_register import AccountRow, CheckEntry
from interfaces.api.deps import Reader, ReadModelsDep
from interfaces.api.paging import LIMIT, Cursor, Limit
from interfaces.api.routes.disbursements import ExportFailureOut

router = APIRouter(
    prefix="/v1/companies/{company_id}/funding-accounts/{account_id}", tags=["check register"]
)


class RegisterAccountOut(BaseModel):
    id: str
    nickname: str
    bank_id: str
    next_check_number: int
    status: str

    @classmethod
    def of(cls, account: AccountRow) -> RegisterAccountOut:
        return cls(id=account.funding_account_id, **account.__dict__)


class CheckOut(BaseModel):
    check_number: int
    source: str = Field(description="`issued` by the account, or `typed` on a failed record")
    replaced_by: int | None = Field(description="the number typed instead of this one")
    duplicate: bool = Field(description="another entry of this account has the same number")
    payment_id: str
    disbursement_id: str
    disbursement_status: str
    invoice_number: str
    vendor_name: str
    amount: str
    bank_id: str | None
    payout_status: str
    export_status: str
    export_failure: ExportFailureOut | None
    issued_at: datetime

    @classmethod
    def of(cls, entry: CheckEntry) -> CheckOut:
        row = entry.row
        failure = None
        if row.failure_reason is not None:
            failure = ExportFailureOut(
                reason=row.failure_reason,
                message=row.failure_message or "",
                erp_code=row.failure_erp_code,
            )
        return cls.model_validate(
            {**row.__dict__, "duplicate": entry.duplicate, "export_failure": failure}
        )


class GapOut(BaseModel):
    first: int
    last: int


class SkippedOut(BaseModel):
    first: int
    last: int
    skipped_by: str = Field(description="who raised Next Check Number past these numbers")
    skipped_at: datetime


class CheckRegisterOut(BaseModel):
    funding_account: RegisterAccountOut
    items: list[CheckOut]
    next_cursor: str | None
    gaps: list[GapOut] = Field(
        description="runs of numbers never used and never skipped on purpose, lowest first"
    )
    skipped: list[SkippedOut] = Field(
        description="runs of numbers unused because Next Check Number was raised past them"
    )
    duplicates: list[int] = Field(description="numbers on more than one entry")


@router.get("/check-register", response_model=CheckRegisterOut)
def check_register(
    company_id: str,
    account_id: UUID,
    caller: Reader,
    read_models: ReadModelsDep,
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> CheckRegisterOut:
    """Every check number the account issued or a person typed, in number order."""
    register = read_models.check_register.register(company_id, str(account_id), cursor, limit)
    if register is None:
        raise NotFound(f"no funding account {account_id} in company {company_id}")
    return CheckRegisterOut(
        funding_account=RegisterAccountOut.of(register.account),
        items=[CheckOut.of(entry) for entry in register.entries.items],
        next_cursor=register.entries.next_cursor,
        gaps=[GapOut(first=gap.first, last=gap.last) for gap in register.gaps],
        skipped=[SkippedOut.model_validate(skip.__dict__) for skip in register.skipped],
        duplicates=list(register.duplicates),
    )

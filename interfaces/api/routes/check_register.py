"""A funding account's check register: every check number it gave out, over HTTP.

The same concept as the read model application/read_models/check_register.py, whose rows
the body is made from (see row_bodies.py).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from application.errors import NotFound
from application.read_models.check_register import AccountRow, CheckRow
from interfaces.api.deps import Reader, ReadModelsDep
from interfaces.api.fields import CompanyId
from interfaces.api.paging import LIMIT, Cursor, Limit
from interfaces.api.row_bodies import body_model, page_model

router = APIRouter(
    prefix="/v1/companies/{company_id}/funding-accounts/{account_id}", tags=["check register"]
)


RegisterAccountBody = body_model(
    AccountRow, name="RegisterAccount", renamed={"funding_account_id": "id"}
)
CheckBody = body_model(
    CheckRow,
    name="Check",
    extra={
        "duplicate": (bool, Field(description="another entry of this account has the number")),
    },
)


class GapOut(BaseModel):
    first: int
    last: int


class SkippedOut(BaseModel):
    first: int
    last: int
    skipped_by: str = Field(description="who raised Next Check Number past these numbers")
    skipped_at: datetime


CheckRegisterBody = page_model(
    CheckBody,
    "CheckRegister",
    funding_account=(RegisterAccountBody, ...),
    gaps=(
        list[GapOut],
        Field(description="runs of numbers never used and never skipped on purpose, lowest first"),
    ),
    skipped=(
        list[SkippedOut],
        Field(description="runs of numbers unused because Next Check Number was raised past them"),
    ),
    duplicates=(list[int], Field(description="numbers on more than one entry")),
)


@router.get("/check-register", response_model=CheckRegisterBody)
def check_register(
    company_id: CompanyId,
    account_id: UUID,
    caller: Reader,
    read_models: ReadModelsDep,
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> BaseModel:
    """Every check number the account issued or a person typed, in number order."""
    register = read_models.check_register.register(company_id, str(account_id), cursor, limit)
    if register is None:
        raise NotFound(f"no funding account {account_id} in company {company_id}")
    return CheckRegisterBody(
        funding_account=register.account,
        items=[
            {**entry.row.__dict__, "duplicate": entry.duplicate} for entry in register.entries.items
        ],
        next_cursor=register.entries.next_cursor,
        gaps=[GapOut(first=gap.first, last=gap.last) for gap in register.gaps],
        skipped=[SkippedOut.model_validate(skip.__dict__) for skip in register.skipped],
        duplicates=list(register.duplicates),
    )

"""The funding account's bank account as the ERP sees it: the highest check number used there,
and the Next Check Number the support article's advice proposes.

The same concept in the application: application/export/erp_check_numbers.py.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from application.export.erp_check_numbers import ErpCheckNumberAdvice
from interfaces.api.deps import PaysyncDep, Reader

router = APIRouter(prefix="/v1/companies/{company_id}/funding-accounts", tags=["funding accounts"])


class ErpCheckNumbersOut(BaseModel):
    funding_account_id: UUID
    bank_id: str
    connector: str
    next_check_number: int
    listed: bool
    highest_check_number_in_erp: int | None
    proposed_next_check_number: int | None
    why_not_listed: str | None


@router.get("/{account_id}/erp-check-numbers", response_model=ErpCheckNumbersOut)
def erp_check_numbers(
    company_id: str, account_id: UUID, caller: Reader, paysync: PaysyncDep
) -> ErpCheckNumbersOut:
    advice = ErpCheckNumberAdvice(paysync.payments, paysync.connectors)
    found = advice.for_account(company_id, account_id)
    return ErpCheckNumbersOut.model_validate(found, from_attributes=True)

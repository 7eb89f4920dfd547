"""The funding account's bank account as the ERP sees it: the highest check number used there,
and the Next Check Number the support article's advice proposes.

The same concept in the application: application/export/erp_check_numbers.py.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from application.export.erp_check_numbers import ErpCheckNumberAdvice, ErpCheckNumbers
from interfaces.api.deps import PaysyncDep, Reader

router = APIRouter(prefix="/v1/companies/{company_id}/funding-accounts", tags=["funding accounts"])


@router.get("/{account_id}/erp-check-numbers", response_model=ErpCheckNumbers)
def erp_check_numbers(
    company_id: str, account_id: UUID, caller: Reader, paysync: PaysyncDep
) -> ErpCheckNumbers:
    advice = ErpCheckNumberAdvice(paysync.payments, paysync.connectors)
    return advice.for_account(company_id, account_id)

"""The ERP Integrations tool: the company's payment records by export status (a read model)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from application.projections.payment_records import PaymentRecord
from domain.invoice_payment import ExportStatus
from interfaces.api.deps import Reader, ReadModelsDep
from interfaces.api.paging import LIMIT, Cursor, Limit
from interfaces.api.row_bodies import body_model, page_model

router = APIRouter(prefix="/v1/companies/{company_id}/erp-integrations", tags=["erp integrations"])


PaymentRecordsBody = page_model(body_model(PaymentRecord), "PaymentRecords")


@router.get("/payment-records", response_model=PaymentRecordsBody)
def payment_records(
    company_id: str,
    caller: Reader,
    read_models: ReadModelsDep,
    record_filter: Annotated[ExportStatus | Literal["all"], Query(alias="filter")] = "all",
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> BaseModel:
    """Payment records from the moment funding completed, in that order; `filter` picks one
    export status (`failed_to_export` is the Failed to Export list)."""
    status = None if record_filter == "all" else record_filter
    page = read_models.payment_records.page(company_id, status, cursor, limit)
    return PaymentRecordsBody.model_validate(page, from_attributes=True)

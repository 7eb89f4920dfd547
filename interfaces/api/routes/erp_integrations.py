"""The ERP Integrations tool: the company's payment records by export status (a read model)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from application.projections.payment_records import PaymentRecord
from domain.invoice_payment import ExportStatus
from interfaces.api.deps import Reader, ReadModelsDep
from interfaces.api.paging import LIMIT, Cursor, Limit
from interfaces.api.routes.disbursements import ExportFailureOut

router = APIRouter(prefix="/v1/companies/{company_id}/erp-integrations", tags=["erp integrations"])


class PaymentRecordOut(BaseModel):
    disbursement_id: str
    payment_id: str
    funding_account_id: str
    invoice_id: str
    vendor_name: str
    invoice_number: str
    amount: str
    check_number: int | None
    bank_id: str | None
    export_status: str
    export_failure: ExportFailureOut | None
    erp_payment_ref: str | None
    attempts: int
    funded_at: datetime | None
    exported_at: datetime | None
    updated_at: datetime

    @classmethod
    def of(cls, record: PaymentRecord) -> PaymentRecordOut:
        failure = None
        if record.failure_reason is not None:
            failure = ExportFailureOut(
                reason=record.failure_reason,
                message=record.failure_message or "",
                erp_code=record.failure_erp_code,
            )
        return cls.model_validate({**record.__dict__, "export_failure": failure})


class PaymentRecordsOut(BaseModel):
    items: list[PaymentRecordOut]
    next_cursor: str | None


@router.get("/payment-records", response_model=PaymentRecordsOut)
def payment_records(
    company_id: str,
    caller: Reader,
    read_models: ReadModelsDep,
    record_filter: Annotated[ExportStatus | Literal["all"], Query(alias="filter")] = "all",
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> PaymentRecordsOut:
    """Payment records from the moment funding completed, in that order; `filter` picks one
    export status (`failed_to_export` is the Failed to Export list)."""
    status = None if record_filter == "all" else record_filter
    page = read_models.payment_records.page(company_id, status, cursor, limit)
    return PaymentRecordsOut(
        items=[PaymentRecordOut.of(record) for record in page.items], next_cursor=page.next_cursor
    )

"""The ERP Integrations tool: the company's payment records by export status (a read model)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from application.payment_records import MAX_FIXES, RecordFix
from application.projections.payment_records import PaymentRecord, RecordFilter
from interfaces.api.deps import AdminOrApprover, PaymentsDep, Reader, ReadModelsDep
from interfaces.api.paging import LIMIT, Cursor, Limit
from interfaces.api.routes.disbursements import DisbursementOut, ExportFailureOut

router = APIRouter(prefix="/v1/companies/{company_id}/erp-integrations", tags=["erp integrations"])


class RecordRetryOut(BaseModel):
    tries: int
    message: str
    next_try_at: datetime


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
    marked_by_hand: bool
    attempts: int
    retry: RecordRetryOut | None
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
        retry = None
        if record.retry_tries is not None:
            retry = {
                "tries": record.retry_tries,
                "message": record.retry_message,
                "next_try_at": record.retry_next_try_at,
            }
        return cls.model_validate(
            {
                **record.__dict__,
                "export_failure": failure,
                "retry": retry,
                "marked_by_hand": bool(record.marked_by_hand),
            }
        )


class PaymentRecordsOut(BaseModel):
    items: list[PaymentRecordOut]
    next_cursor: str | None


@router.get("/payment-records", response_model=PaymentRecordsOut)
def payment_records(
    company_id: str,
    caller: Reader,
    read_models: ReadModelsDep,
    record_filter: Annotated[RecordFilter, Query(alias="filter")] = RecordFilter.ALL,
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> PaymentRecordsOut:
    """Payment records from the moment funding completed, in that order; `filter` picks one
    export status (`failed_to_export` is the Failed to Export list)."""
    page = read_models.payment_records.page(company_id, record_filter, cursor, limit)
    return PaymentRecordsOut(
        items=[PaymentRecordOut.of(record) for record in page.items], next_cursor=page.next_cursor
    )


class RecordFixIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disbursement_id: UUID
    payment_id: UUID
    check_number: int | None = Field(default=None, strict=True)
    bank_id: str | None = None


class BulkFixIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[RecordFixIn] = Field(min_length=1, max_length=MAX_FIXES)
    bank_id: str | None = Field(
        default=None, description="the Bank ID for every record that names none of its own"
    )
    export: bool = Field(default=True, description="export each record again once fixed")


class BulkFixOut(BaseModel):
    disbursements: list[DisbursementOut]


@router.post("/payment-records/fix", response_model=BulkFixOut)
def fix_records(
    company_id: str, body: BulkFixIn, caller: AdminOrApprover, payments: PaymentsDep
) -> BulkFixOut:
    """Fix many failed records in one command, all or nothing: a Bank ID for all of them
    and/or a check number for each; every record's change is its own event, and each is
    exported again (unless `export` is false)."""
    fixes = [
        RecordFix(
            record.disbursement_id,
            record.payment_id,
            check_number=record.check_number,
            bank_id=record.bank_id if record.bank_id is not None else body.bank_id,
        )
        for record in body.records
    ]
    views = payments.fix_failed_records(company_id, fixes, export=body.export, actor=caller.subject)
    return BulkFixOut(disbursements=[DisbursementOut.of(view) for view in views])

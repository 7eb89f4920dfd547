"""The ERP Integrations tool: the company's payment records by export status (a read model)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from application.payments.payment_record_commands import MAX_FIXES, RecordFix
from application.payments.queries import DisbursementSnapshot
from application.read_models.payment_records import PaymentRecord
from domain.invoice_payment import ExportStatus
from interfaces.api.deps import AdminOrApprover, PaymentsDep, Reader, ReadModelsDep
from interfaces.api.fields import CheckNumber, CompanyId, Identifier, QueryText, StrictBody
from interfaces.api.paging import LIMIT, Cursor, Limit
from interfaces.api.row_bodies import body_model, page_model

router = APIRouter(prefix="/v1/companies/{company_id}/erp-integrations", tags=["erp integrations"])


PaymentRecordsBody = page_model(body_model(PaymentRecord), "PaymentRecords")


@router.get("/payment-records", response_model=PaymentRecordsBody)
def payment_records(
    company_id: CompanyId,
    caller: Reader,
    read_models: ReadModelsDep,
    record_filter: Annotated[ExportStatus | Literal["all"], Query(alias="filter")] = "all",
    cursor: Cursor = None,
    limit: Limit = LIMIT,
    q: QueryText = None,
) -> BaseModel:
    """Payment records from the moment funding completed, in that order; `filter` picks one
    export status (`failed_to_export` is the Failed to Export list); `q` keeps the records
    whose vendor, invoice number or check number holds it (any case), in pages as without."""
    status = None if record_filter == "all" else record_filter
    page = read_models.payment_records.page(company_id, status, cursor, limit, q)
    return PaymentRecordsBody.model_validate(page, from_attributes=True)


class RecordFixIn(StrictBody):
    disbursement_id: UUID
    payment_id: UUID
    check_number: CheckNumber | None = None
    bank_id: Identifier | None = None


class BulkFixIn(StrictBody):
    records: list[RecordFixIn] = Field(min_length=1, max_length=MAX_FIXES)
    bank_id: Identifier | None = Field(
        default=None, description="the Bank ID for every record that names none of its own"
    )
    export: bool = Field(
        default=True, strict=True, description="export each record again once fixed"
    )


class BulkFixOut(BaseModel):
    disbursements: list[DisbursementSnapshot]


@router.post("/payment-records/fix", response_model=BulkFixOut)
def fix_records(
    company_id: CompanyId, body: BulkFixIn, caller: AdminOrApprover, payments: PaymentsDep
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
    snapshots = payments.fix_failed_records(
        company_id, fixes, export=body.export, actor=caller.subject
    )
    return BulkFixOut(disbursements=snapshots)

"""Reports read from the read models: payments, disbursements, and export latency."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from application.projections.export_latency import (
    ConnectorLatency,
    ExportTiming,
    LatencyQuery,
    Measure,
)
from application.projections.payments_overview import DisbursementRow, PaymentRow, PaymentsQuery
from domain.company import Connector
from domain.disbursement import DisbursementStatus
from interfaces.api.deps import Reader, ReadModelsDep
from interfaces.api.paging import LIMIT, Cursor, Limit

router = APIRouter(prefix="/v1/companies/{company_id}/reports", tags=["reports"])

FundedFrom = Annotated[
    date | None, Query(alias="from", description="first day funding completed on (UTC)")
]
FundedTo = Annotated[date | None, Query(alias="to", description="last day, inclusive (UTC)")]


def payments_query(
    status: DisbursementStatus | None = None,
    funding_account_id: UUID | None = None,
    vendor_name: str | None = None,
    funded_from: FundedFrom = None,
    funded_to: FundedTo = None,
) -> PaymentsQuery:
    return PaymentsQuery(
        status=None if status is None else status.value,
        funding_account_id=None if funding_account_id is None else str(funding_account_id),
        vendor_name=vendor_name,
        funded_from=funded_from,
        funded_to=funded_to,
    )


Filters = Annotated[PaymentsQuery, Depends(payments_query)]


class PaymentRowOut(BaseModel):
    payment_id: str
    disbursement_id: str
    disbursement_name: str
    status: str = Field(description="the disbursement's status")
    funding_account_id: str
    invoice_id: str
    invoice_number: str
    vendor_name: str
    amount: str
    check_number: int | None
    bank_id: str | None
    payout_status: str
    export_status: str
    drafted_at: datetime
    authorized_at: datetime | None
    funded_at: datetime | None
    updated_at: datetime

    @classmethod
    def of(cls, row: PaymentRow) -> PaymentRowOut:
        return cls.model_validate(row.__dict__)


class PaymentRowsOut(BaseModel):
    items: list[PaymentRowOut]
    next_cursor: str | None


class DisbursementRowOut(BaseModel):
    id: str
    name: str
    status: str
    funding_account_id: str
    payment_count: int
    total_amount: str
    drafted_by: str
    authorized_by: str | None
    cancel_reason: str | None
    funding_failure_reason: str | None
    drafted_at: datetime
    authorized_at: datetime | None
    funded_at: datetime | None
    updated_at: datetime

    @classmethod
    def of(cls, row: DisbursementRow) -> DisbursementRowOut:
        return cls.model_validate({**row.__dict__, "id": row.disbursement_id})


class DisbursementRowsOut(BaseModel):
    items: list[DisbursementRowOut]
    next_cursor: str | None


@router.get("/payments", response_model=PaymentRowsOut)
def payments(
    company_id: str,
    caller: Reader,
    read_models: ReadModelsDep,
    filters: Filters,
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> PaymentRowsOut:
    """Invoice payments in the order they were drafted. `from`/`to` select by the day the
    drawdown landed, so they list funded payments only."""
    page = read_models.payments_overview.payments(company_id, filters, cursor, limit)
    return PaymentRowsOut(
        items=[PaymentRowOut.of(row) for row in page.items], next_cursor=page.next_cursor
    )


@router.get("/disbursements", response_model=DisbursementRowsOut)
def disbursements(
    company_id: str,
    caller: Reader,
    read_models: ReadModelsDep,
    filters: Filters,
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> DisbursementRowsOut:
    """Disbursements in the order they were drafted (`vendor_name`: those paying the vendor)."""
    page = read_models.payments_overview.disbursements(company_id, filters, cursor, limit)
    return DisbursementRowsOut(
        items=[DisbursementRowOut.of(row) for row in page.items], next_cursor=page.next_cursor
    )


class ConnectorLatencyOut(BaseModel):
    connector: str
    count: int = Field(description="records measured")
    exported: int = Field(description="the same as `count` (the name older callers read)")
    median_seconds: float
    p95_seconds: float
    p99_seconds: float
    max_seconds: float
    over_sla: int

    @classmethod
    def of(cls, latency: ConnectorLatency) -> ConnectorLatencyOut:
        return cls(
            connector=latency.connector,
            count=latency.exported,
            exported=latency.exported,
            median_seconds=latency.median_ms / 1000,
            p95_seconds=latency.p95_ms / 1000,
            p99_seconds=latency.p99_ms / 1000,
            max_seconds=latency.max_ms / 1000,
            over_sla=latency.over_sla,
        )


class SlowExportOut(BaseModel):
    measure: Measure
    disbursement_id: str
    payment_id: str
    connector: str
    invoice_number: str
    vendor_name: str
    check_number: int | None
    funding_completed_at: datetime
    started_at: datetime
    ended_at: datetime
    exported_at: datetime | None
    latency_seconds: float

    @classmethod
    def of(cls, timing: ExportTiming) -> SlowExportOut:
        return cls.model_validate({**timing.__dict__, "latency_seconds": timing.latency_ms / 1000})


class ExportLatencyOut(BaseModel):
    sla_seconds: float
    connectors: list[ConnectorLatencyOut] = Field(
        description="the automatic export: funding completed to the ERP's first answer"
    )
    time_to_fix: list[ConnectorLatencyOut] = Field(
        description="records that failed: the first failure to the export after a fix"
    )
    items: list[SlowExportOut] = Field(description="the measures that took longer than the SLA")
    next_cursor: str | None


@router.get("/export-latency", response_model=ExportLatencyOut)
def export_latency(
    company_id: str,
    caller: Reader,
    read_models: ReadModelsDep,
    connector: Connector | None = None,
    funded_from: FundedFrom = None,
    funded_to: FundedTo = None,
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> ExportLatencyOut:
    """Per connector, median, p95, p99 and the count over the 10-minute SLA of two measures
    kept apart: the automatic export (FundingCompleted to the ERP's first answer) and the
    time to fix (a record's first failure to its export); and the measures over the SLA,
    paged in the order they ended."""
    query = LatencyQuery(
        connector=None if connector is None else connector.value,
        funded_from=funded_from,
        funded_to=funded_to,
    )
    report = read_models.export_latency.report(company_id, query, cursor, limit)
    return ExportLatencyOut(
        sla_seconds=report.sla_ms / 1000,
        connectors=[ConnectorLatencyOut.of(latency) for latency in report.connectors],
        time_to_fix=[ConnectorLatencyOut.of(latency) for latency in report.time_to_fix],
        items=[SlowExportOut.of(timing) for timing in report.over_sla.items],
        next_cursor=report.over_sla.next_cursor,
    )

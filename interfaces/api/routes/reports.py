"""Reports read from the read models: payments, disbursements, and export latency."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from application.read_models.export_latency import (
    ConnectorLatency,
    ExportTiming,
    LatencyQuery,
    Measure,
)
from application.read_models.payments_overview import DisbursementRow, PaymentRow, PaymentsQuery
from domain.company import Connector
from domain.disbursement import DisbursementStatus
from interfaces.api.deps import Reader, ReadModelsDep
from interfaces.api.fields import CompanyId, Day, QueryText
from interfaces.api.paging import LIMIT, Cursor, Limit
from interfaces.api.row_bodies import body_model, page_model

router = APIRouter(prefix="/v1/companies/{company_id}/reports", tags=["reports"])

FundedFrom = Annotated[
    Day | None, Query(alias="from", description="first day funding completed on (UTC)")
]
FundedTo = Annotated[Day | None, Query(alias="to", description="last day, inclusive (UTC)")]


def payments_query(
    status: DisbursementStatus | None = None,
    funding_account_id: UUID | None = None,
    vendor_name: QueryText = None,
    funded_from: FundedFrom = None,
    funded_to: FundedTo = None,
) -> PaymentsQuery:
    return PaymentsQuery(
        status=status,
        funding_account_id=None if funding_account_id is None else str(funding_account_id),
        vendor_name=vendor_name,
        funded_from=funded_from,
        funded_to=funded_to,
    )


Filters = Annotated[PaymentsQuery, Depends(payments_query)]


PaymentRowsBody = page_model(body_model(PaymentRow), "PaymentRows")
DisbursementRowsBody = page_model(
    body_model(DisbursementRow, renamed={"disbursement_id": "id"}), "DisbursementRows"
)


@router.get("/payments", response_model=PaymentRowsBody)
def payments(
    company_id: CompanyId,
    caller: Reader,
    read_models: ReadModelsDep,
    filters: Filters,
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> BaseModel:
    """Invoice payments in the order they were drafted. `from`/`to` select by the day the
    drawdown landed, so they list funded payments only."""
    page = read_models.payments_overview.payments(company_id, filters, cursor, limit)
    return PaymentRowsBody.model_validate(page, from_attributes=True)


@router.get("/disbursements", response_model=DisbursementRowsBody)
def disbursements(
    company_id: CompanyId,
    caller: Reader,
    read_models: ReadModelsDep,
    filters: Filters,
    cursor: Cursor = None,
    limit: Limit = LIMIT,
) -> BaseModel:
    """Disbursements in the order they were drafted (`vendor_name`: those paying the vendor)."""
    page = read_models.payments_overview.disbursements(company_id, filters, cursor, limit)
    return DisbursementRowsBody.model_validate(page, from_attributes=True)


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
    company_id: CompanyId,
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

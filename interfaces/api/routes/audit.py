"""The auditor's history: every event of a record, any record as it was, the whole log, and
whether the stored history still matches its hash chain.

The HTTP face of the same concept as application/audit/audit.py (the Audit application)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from application.audit.audit_records import AuditEvent, AuditRecord
from application.audit.audit_verification import Anchor
from interfaces.api.deps import AuditDep, Reader
from interfaces.api.fields import CompanyId, Moment, Version
from interfaces.ndjson import ndjson_chunks

router = APIRouter(prefix="/v1/companies/{company_id}/audit", tags=["audit"])


class AuditEventsOut(BaseModel):
    aggregate_id: UUID
    events: list[AuditEvent]


@router.get("/events", response_model=AuditEventsOut)
def events(
    company_id: CompanyId, aggregate_id: UUID, caller: Reader, audit: AuditDep
) -> AuditEventsOut:
    """Every event of one record, oldest first: what happened, to which version, when, by whom."""
    return AuditEventsOut(aggregate_id=aggregate_id, events=audit.events(company_id, aggregate_id))


@router.get("/records/{aggregate_id}", response_model=AuditRecord)
def record(
    company_id: CompanyId,
    aggregate_id: UUID,
    caller: Reader,
    audit: AuditDep,
    version: Version = None,
    as_of: Annotated[Moment | None, Query()] = None,
) -> AuditRecord:
    """Any record of the company now, or as it was at `version`, or at the moment `as_of`."""
    if version is not None and as_of is not None:
        raise HTTPException(422, "give either version or as_of, not both")
    return audit.record(company_id, aggregate_id, version=version, as_of=as_of)


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def export(company_id: CompanyId, caller: Reader, audit: AuditDep) -> StreamingResponse:
    """The company's whole history as JSON lines, in log order, streamed as it is read."""
    lines = (line.as_json() for line in audit.export(company_id))
    return StreamingResponse(ndjson_chunks(lines), media_type="application/x-ndjson")


@router.get("/verify")
def verify(
    company_id: CompanyId,
    caller: Reader,
    audit: AuditDep,
    anchor: Annotated[
        str | None,
        Query(max_length=100, description="a head reported earlier, SEQUENCE:HASH"),
    ] = None,
) -> dict[str, Any]:
    """Whether each of the company's stored events still matches the hash chain; else the
    first that does not, by its position in the company's own history (`sequence`)."""
    return audit.verify_company(
        company_id, None if anchor is None else Anchor.parse(anchor)
    ).as_json()

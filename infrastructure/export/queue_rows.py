"""An export job as both queue stores keep it: its columns in order, its values, and back."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from application.export.export_queue import ExportJob

COLUMNS = (
    "payment_id, company_id, disbursement_id, attempt, enqueued_at, due_at, tries, last_error, "
    "request_id"
)


def job_values(job: ExportJob) -> tuple[object, ...]:
    """The job's values in the order of COLUMNS (ids as text, which both stores take)."""
    return (
        str(job.payment_id),
        job.company_id,
        str(job.disbursement_id),
        job.attempt,
        job.enqueued_at,
        job.due_at,
        job.tries,
        job.last_error,
        job.request_id,
    )


def job_from_row(row: Any) -> ExportJob:
    return ExportJob(
        payment_id=UUID(str(row["payment_id"])),
        company_id=row["company_id"],
        disbursement_id=UUID(str(row["disbursement_id"])),
        attempt=int(row["attempt"]),
        enqueued_at=float(row["enqueued_at"]),
        due_at=float(row["due_at"]),
        tries=int(row["tries"]),
        last_error=row["last_error"],
        request_id=row["request_id"],
    )

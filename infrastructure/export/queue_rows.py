"""An export job as both queue stores keep it: its columns in order, its values, and back;
and the statements a batch of queue changes runs on its table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Generic, NamedTuple, TypeVar
from uuid import UUID

from application.export.export_queue import Enqueue, ExportJob, QueueChange

S = TypeVar("S")  # a store's statement: text on SQLite, a composed query on PostgreSQL

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


class JobWrites(NamedTuple, Generic[S]):
    """A store's statements for the changes to its jobs table (ids as text)."""

    enqueue: S  # the values of COLUMNS; a job already there for the payment is replaced
    dequeue_any: S  # payment_id: its job, whatever the attempt
    dequeue: S  # payment_id, attempt: its job of that attempt only


def writes(
    changes: Sequence[QueueChange], statements: JobWrites[S]
) -> Iterator[tuple[S, list[tuple[object, ...]]]]:
    """The changes as statements to run, in order, each with the values of a run of changes
    of one kind (for one executemany: a funding's hundred jobs are one round trip)."""
    run: list[tuple[object, ...]] = []
    current: S | None = None
    for change in changes:
        statement, values = _write(change, statements)
        if current is not None and statement is not current:
            yield current, run
            run = []
        current = statement
        run.append(values)
    if current is not None:
        yield current, run


def _write(change: QueueChange, statements: JobWrites[S]) -> tuple[S, tuple[object, ...]]:
    if isinstance(change, Enqueue):
        return statements.enqueue, job_values(change.job)
    if change.attempt is None:
        return statements.dequeue_any, (str(change.payment_id),)
    return statements.dequeue, (str(change.payment_id), change.attempt)

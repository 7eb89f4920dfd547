"""The export queue in PostgreSQL, beside the events; workers claim with SKIP LOCKED."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Composed, Identifier

from application.export.export_queue import ExportJob, ExportQueue, QueueChange
from infrastructure.export.queue_rows import COLUMNS as ROW_COLUMNS
from infrastructure.export.queue_rows import JobWrites, job_from_row, writes

COLUMNS = SQL(ROW_COLUMNS)


class PostgresExportQueue(PostgresTrackingRecorder, ExportQueue):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.jobs_table = SQL("{0}.{1}").format(
            Identifier(datastore.schema), Identifier(f"{self.tracking_table_name}_jobs")
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {0} ("
                "payment_id uuid PRIMARY KEY, company_id text NOT NULL, "
                "disbursement_id uuid NOT NULL, attempt integer NOT NULL, "
                "enqueued_at double precision NOT NULL, due_at double precision NOT NULL, "
                "tries integer NOT NULL, last_error text, lease_owner text, "
                "lease_until double precision, request_id text)"
            ).format(self.jobs_table)
        )
        # Queues made before jobs carried their request id gain the column.
        self.sql_create_statements.append(
            SQL("ALTER TABLE {0} ADD COLUMN IF NOT EXISTS request_id text").format(self.jobs_table)
        )
        self.writes: JobWrites[Composed] = JobWrites(
            enqueue=SQL(
                "INSERT INTO {0} ({1}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (payment_id) DO UPDATE SET attempt=EXCLUDED.attempt, "
                "enqueued_at=EXCLUDED.enqueued_at, due_at=EXCLUDED.due_at, "
                "tries=EXCLUDED.tries, last_error=NULL, lease_owner=NULL, "
                "lease_until=NULL, request_id=EXCLUDED.request_id"
            ).format(self.jobs_table, COLUMNS),
            dequeue_any=SQL("DELETE FROM {0} WHERE payment_id=%s").format(self.jobs_table),
            dequeue=SQL("DELETE FROM {0} WHERE payment_id=%s AND attempt=%s").format(
                self.jobs_table
            ),
        )

    def apply(self, changes: Sequence[QueueChange], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            for statement, rows in writes(changes, self.writes):
                curs.executemany(statement, rows)

    def claim(self, owner: str, now: float, lease_seconds: float, limit: int) -> list[ExportJob]:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                SQL(
                    "UPDATE {0} SET lease_owner=%s, lease_until=%s WHERE payment_id IN ("
                    "SELECT payment_id FROM {0} WHERE due_at <= %s AND "
                    "(lease_until IS NULL OR lease_until < %s) ORDER BY due_at LIMIT %s "
                    "FOR UPDATE SKIP LOCKED) RETURNING {1}"
                ).format(self.jobs_table, COLUMNS),
                (owner, now + lease_seconds, now, now, limit),
            )
            return [job_from_row(row) for row in curs.fetchall()]

    def reschedule(self, job: ExportJob, due_at: float, error: str) -> None:
        self._write(
            SQL(
                "UPDATE {0} SET due_at=%s, tries=tries+1, last_error=%s, lease_owner=NULL, "
                "lease_until=NULL WHERE payment_id=%s AND attempt=%s"
            ).format(self.jobs_table),
            (due_at, error, job.payment_id, job.attempt),
        )

    def complete(self, payment_id: UUID, attempt: int) -> None:
        self._write(self.writes.dequeue, (str(payment_id), attempt))

    def complete_all(self, done: Sequence[tuple[UUID, int]]) -> None:
        if not done:
            return
        # Rows another transaction holds are skipped, not waited for: the policy deletes the
        # same jobs, in its events' order, as it sees their outcomes, and two deletes of one
        # set in two orders deadlock. A job skipped so is gone with the policy's commit; if
        # that rolls back, the job's lease lapses and it is found recorded (ADR 0054).
        self._write(
            SQL(
                "DELETE FROM {0} WHERE payment_id IN (SELECT payment_id FROM {0} "
                "WHERE (payment_id, attempt) IN (SELECT * FROM unnest(%s::uuid[], %s::int[])) "
                "FOR UPDATE SKIP LOCKED)"
            ).format(self.jobs_table),
            ([payment_id for payment_id, _ in done], [attempt for _, attempt in done]),
        )

    def _write(self, statement: Composed, params: Sequence[object]) -> None:
        """One statement, committed on its own."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(statement, params)

    def next_due_at(self) -> float | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT MIN(due_at) AS due FROM {0}").format(self.jobs_table))
            row = curs.fetchone()
            return None if row is None or row["due"] is None else float(row["due"])

    def jobs(self) -> list[ExportJob]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT {1} FROM {0} ORDER BY due_at").format(self.jobs_table, COLUMNS)
            )
            return [job_from_row(row) for row in curs.fetchall()]

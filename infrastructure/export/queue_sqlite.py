"""The export queue in SQLite (its own file beside the event store)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import SQLiteTrackingRecorder

from application.export.export_queue import ExportJob, ExportQueue, QueueChange
from infrastructure.export.queue_rows import COLUMNS, JobWrites, job_from_row, writes

WRITES = JobWrites(
    enqueue=f"INSERT OR REPLACE INTO export_jobs ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    dequeue_any="DELETE FROM export_jobs WHERE payment_id=?",
    dequeue="DELETE FROM export_jobs WHERE payment_id=? AND attempt=?",
)


class SQLiteExportQueue(SQLiteTrackingRecorder, ExportQueue):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            "CREATE TABLE IF NOT EXISTS export_jobs ("
            "payment_id TEXT PRIMARY KEY, company_id TEXT NOT NULL, "
            "disbursement_id TEXT NOT NULL, attempt INTEGER NOT NULL, "
            "enqueued_at REAL NOT NULL, due_at REAL NOT NULL, tries INTEGER NOT NULL, "
            "last_error TEXT, lease_owner TEXT, lease_until REAL, request_id TEXT)",
            "CREATE INDEX IF NOT EXISTS export_jobs_due ON export_jobs (due_at)",
        ]

    def create_table(self) -> None:
        super().create_table()
        # Queues made before jobs carried their request id gain the column.
        with self.datastore.transaction(commit=True) as c:
            c.execute("PRAGMA table_info(export_jobs)")
            if "request_id" not in {row["name"] for row in c.fetchall()}:
                c.execute("ALTER TABLE export_jobs ADD COLUMN request_id TEXT")

    def apply(self, changes: Sequence[QueueChange], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as c:
            self._insert_tracking(c, tracking)
            for statement, rows in writes(changes, WRITES):
                c.executemany(statement, rows)

    def claim(self, owner: str, now: float, lease_seconds: float, limit: int) -> list[ExportJob]:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"SELECT {COLUMNS} FROM export_jobs WHERE due_at <= ? "
                "AND (lease_until IS NULL OR lease_until < ?) ORDER BY due_at LIMIT ?",
                (now, now, limit),
            )
            claimed = []
            for job in [job_from_row(row) for row in c.fetchall()]:
                # Conditional, so a second process that read the same row cannot take it too.
                c.execute(
                    "UPDATE export_jobs SET lease_owner=?, lease_until=? WHERE payment_id=? "
                    "AND attempt=? AND (lease_until IS NULL OR lease_until < ?) "
                    "RETURNING payment_id",
                    (owner, now + lease_seconds, str(job.payment_id), job.attempt, now),
                )
                if c.fetchone() is not None:
                    claimed.append(job)
        return claimed

    def reschedule(self, job: ExportJob, due_at: float, error: str) -> None:
        self._write(
            "UPDATE export_jobs SET due_at=?, tries=tries+1, last_error=?, lease_owner=NULL, "
            "lease_until=NULL WHERE payment_id=? AND attempt=?",
            (due_at, error, str(job.payment_id), job.attempt),
        )

    def complete(self, payment_id: UUID, attempt: int) -> None:
        self._write(WRITES.dequeue, (str(payment_id), attempt))

    def complete_all(self, done: Sequence[tuple[UUID, int]]) -> None:
        if not done:
            return
        rows = ", ".join(["(?, ?)"] * len(done))
        self._write(
            f"DELETE FROM export_jobs WHERE (payment_id, attempt) IN (VALUES {rows})",
            [value for payment_id, attempt in done for value in (str(payment_id), attempt)],
        )

    def _write(self, statement: str, params: Sequence[object]) -> None:
        """One statement, committed on its own."""
        with self.datastore.transaction(commit=True) as c:
            c.execute(statement, params)

    def next_due_at(self) -> float | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT MIN(due_at) FROM export_jobs")
            value = c.fetchone()[0]
            return None if value is None else float(value)

    def jobs(self) -> list[ExportJob]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT {COLUMNS} FROM export_jobs ORDER BY due_at")
            return [job_from_row(row) for row in c.fetchall()]

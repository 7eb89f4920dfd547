"""The export queue: payment records due in the ERP, as the export process manager sees them.

A read model like any other (kept by following the event log, with its tracking position in
the same transaction), plus leases, so several workers can share it and never run one job at
the same time.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import Tracking, TrackingRecorder


@dataclass(frozen=True)
class ExportJob:
    """One attempt at one payment record. Times are POSIX seconds (UTC)."""

    company_id: str
    disbursement_id: UUID
    payment_id: UUID
    attempt: int
    enqueued_at: float  # the start of the attempt's retry window
    due_at: float
    tries: int = 0
    last_error: str | None = None
    # The request whose command made the record due: sent with the ERP call, on its logs.
    request_id: str | None = None


@dataclass(frozen=True)
class Enqueue:
    job: ExportJob


@dataclass(frozen=True)
class Dequeue:
    """The outcome of `attempt` is recorded (None: whatever attempt it is)."""

    payment_id: UUID
    attempt: int | None


QueueChange = Enqueue | Dequeue


class ExportQueue(TrackingRecorder, ABC):
    @abstractmethod
    def apply(self, changes: Sequence[QueueChange], tracking: Tracking) -> None:
        """Apply the changes in order and record the tracking position, atomically."""

    @abstractmethod
    def claim(self, owner: str, now: float, lease_seconds: float, limit: int) -> list[ExportJob]:
        """Lease up to `limit` jobs due by `now` that no live lease holds."""

    @abstractmethod
    def reschedule(self, job: ExportJob, due_at: float, error: str) -> None:
        """Try the job again at `due_at`, counting one more try, and release its lease."""

    @abstractmethod
    def complete(self, payment_id: UUID, attempt: int) -> None:
        """Drop the job: its outcome is recorded (or it no longer applies)."""

    @abstractmethod
    def complete_all(self, done: Sequence[tuple[UUID, int]]) -> None:
        """Drop the jobs (payment id, attempt), in one statement: a run completes together."""

    @abstractmethod
    def next_due_at(self) -> float | None:
        """When the earliest job falls due (leased or not), or None when the queue is empty."""

    @abstractmethod
    def jobs(self) -> list[ExportJob]:
        """Every queued job, earliest due first (for operations and tests)."""

"""The ERP-export process manager: from FundingCompleted to a payment record in the ERP.

Two halves. The policy follows the event log and keeps the export queue: a job for each
payment record that is due (funding completed, or Export clicked), gone once an outcome is
recorded. The executor leases due jobs, calls the ERP outside any store transaction with an
idempotency key fixed per attempt, and records the outcome as an event. A crash anywhere
leaves the job in the queue; its lease lapses and the same key is sent again, so the ERP
answers with the record it already made instead of making a second one.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.utils import get_topic

from application.errors import NotFound
from application.export_queue import Dequeue, Enqueue, ExportJob, ExportQueue, QueueChange
from application.following import Batch, BatchProjection
from application.payment_record_commands import EXPORTER
from application.payments import Payments
from application.ports import ErpAnswer, ErpConnectors, ErpRefused
from application.queries import ExportOutcome
from domain.disbursement import Disbursement
from domain.export_failure import ExportFailureReason
from domain.invoice_payment import ExportStatus, InvoicePayment
from domain.payment_export import retry_is_recorded

log = logging.getLogger(__name__)


class ExportPolicy(BatchProjection):
    """Turns the disbursement's events into export jobs."""

    name = "erp_export"
    topics = tuple(
        get_topic(cls)
        for cls in (
            Disbursement.FundingCompleted,
            Disbursement.ExportRequested,
            Disbursement.ExportSucceeded,
            Disbursement.ExportFailed,
            Disbursement.MarkedAsExported,
        )
    )

    def __init__(
        self, view: ExportQueue, payments: Payments, on_enqueued: Callable[[], None] = lambda: None
    ) -> None:
        super().__init__(view)
        self.queue = view
        self.payments = payments
        self.on_enqueued = on_enqueued

    def process_events(self, batch: Batch) -> None:
        changes: list[QueueChange] = []
        now = time.time()
        for event, _ in batch:
            if isinstance(event, Disbursement.FundingCompleted | Disbursement.ExportRequested):
                # The disbursement as of this event: which records it made due, and for whom.
                disbursement: object = self.payments.repository.get(
                    event.originator_id, version=event.originator_version
                )
                assert isinstance(disbursement, Disbursement)
                due = (
                    [disbursement.payment(event.payment_id)]
                    if isinstance(event, Disbursement.ExportRequested)
                    else disbursement.payments.values()
                )
                changes += [
                    Enqueue(job_for(disbursement, payment, now))
                    for payment in due
                    if payment.export_status is ExportStatus.PENDING
                ]
            elif isinstance(event, Disbursement.ExportSucceeded | Disbursement.ExportFailed):
                changes.append(Dequeue(event.payment_id, event.attempt))
            elif isinstance(event, Disbursement.MarkedAsExported):
                changes.append(Dequeue(event.payment_id, None))
        self.queue.apply(changes, batch[-1][1])
        if any(isinstance(change, Enqueue) for change in changes):
            self.on_enqueued()


def job_for(disbursement: Disbursement, payment: InvoicePayment, now: float) -> ExportJob:
    return ExportJob(
        company_id=disbursement.company_id,
        disbursement_id=disbursement.id,
        payment_id=payment.id,
        attempt=payment.export_attempt,
        enqueued_at=now,
        due_at=now,
    )


@dataclass(frozen=True)
class RetryPolicy:
    """Transient ERP errors are retried with capped exponential backoff and full jitter,
    within the window the incumbent promises (10 minutes); then the record fails as
    erp_unavailable and waits for a person."""

    window_seconds: float = 600.0
    first_backoff_seconds: float = 0.5
    max_backoff_seconds: float = 60.0

    def next_try_at(self, job: ExportJob, now: float) -> float | None:
        """When to try again, or None when the window is spent."""
        backoff = min(self.max_backoff_seconds, self.first_backoff_seconds * 2**job.tries)
        due = now + random.uniform(backoff / 2, backoff)
        return due if due <= job.enqueued_at + self.window_seconds else None


class ExportExecutor:
    """Runs due export jobs against the company's ERP and records what the ERP answered."""

    def __init__(
        self,
        payments: Payments,
        queue: ExportQueue,
        connectors: ErpConnectors,
        *,
        retry: RetryPolicy = RetryPolicy(),
        lease_seconds: float = 60.0,
        concurrency: int = 8,
        poll_seconds: float = 0.5,
    ) -> None:
        self.payments = payments
        self.queue = queue
        self.connectors = connectors
        self.retry = retry
        self.lease_seconds = lease_seconds
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self.owner = f"worker-{uuid.uuid4().hex[:8]}"
        self._poke = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None

    def poke(self) -> None:
        """New jobs are queued: look now rather than at the next poll."""
        self._poke.set()

    def run_due(self) -> int:
        """Run every job due now; how many there were.

        The ERP calls run in parallel (up to `concurrency`); then each disbursement's
        outcomes are recorded in one save, so a 100-payment run writes once, not 100 times.
        """
        jobs = self.queue.claim(self.owner, time.time(), self.lease_seconds, self.concurrency * 4)
        if self._pool is None or len(jobs) <= 1:
            answers = [self.ask_erp(job) for job in jobs]
        else:
            answers = list(self._pool.map(self.ask_erp, jobs))
        by_disbursement: dict[tuple[str, UUID], list[ExportJob]] = defaultdict(list)
        outcomes: dict[UUID, ExportOutcome] = {}
        for job, answer in zip(jobs, answers, strict=True):
            if answer is not None:
                by_disbursement[(job.company_id, job.disbursement_id)].append(job)
                outcomes[job.payment_id] = ExportOutcome(job.payment_id, job.attempt, answer)
        recorded: list[tuple[UUID, int]] = []
        try:
            for (company_id, disbursement_id), done in by_disbursement.items():
                self.payments.record_export_outcomes(
                    company_id, disbursement_id, [outcomes[j.payment_id] for j in done], EXPORTER
                )
                recorded += [(job.payment_id, job.attempt) for job in done]
        finally:  # the jobs whose outcomes are recorded, in one statement
            self.queue.complete_all(recorded)
        return len(jobs)

    def ask_erp(self, job: ExportJob) -> ErpAnswer | None:
        """The answer to record for the job, or None when there is nothing to record now:
        its outcome is recorded already, or the ERP is unreachable and the job will retry."""
        try:
            return self._ask_erp(job)
        except Exception as error:
            # A bug, or our own store failing, must neither hold up the run's other jobs nor
            # vanish: it is logged with its traceback and retried like an unreachable ERP
            # (same key, since the ERP may have taken the record before it broke), and once
            # the window is spent it shows in Failed to Export with its text.
            log.exception("export of payment %s attempt %s broke", job.payment_id, job.attempt)
            message = f"paysync could not complete the export ({error!r}); export it again"
            return self._retry_or_fail(
                job, ErpRefused(ExportFailureReason.ERP_UNAVAILABLE, message)
            )

    def _ask_erp(self, job: ExportJob) -> ErpAnswer | None:
        try:
            candidate = self.payments.export_candidate(
                job.company_id, job.disbursement_id, job.payment_id
            )
        except NotFound:
            candidate = None
        if candidate is None or not candidate.is_pending(job.attempt):
            self.queue.complete(job.payment_id, job.attempt)
            return None
        if candidate.record is None:
            return ErpRefused(
                ExportFailureReason.INVOICE_NOT_SYNCED,
                f"invoice {candidate.invoice_number} was not synced to the ERP before the "
                "payment was made; sync it, then relink and export the payment",
            )
        settings = self.payments.erp_settings(job.company_id)
        connector = self.connectors.connector_for(settings.connector, settings.erp_base_url)
        answer = connector.export_payment(candidate.record)
        if isinstance(answer, ErpRefused) and answer.is_transient:
            return self._retry_or_fail(job, answer)
        return answer

    def _retry_or_fail(self, job: ExportJob, answer: ErpRefused) -> ErpRefused | None:
        """Try again later while the window lasts (None: nothing to record yet)."""
        next_try = self.retry.next_try_at(job, time.time())
        if next_try is None:
            return answer
        self.queue.reschedule(job, next_try, f"{answer.erp_code or ''} {answer.message}")
        tries = job.tries + 1
        if retry_is_recorded(tries):  # the history shows the retries, not each one (ADR 0070)
            self.payments.record_export_retry(
                job.company_id,
                job.disbursement_id,
                job.payment_id,
                attempt=job.attempt,
                tries=tries,
                message=answer.message,
                erp_code=answer.erp_code,
                next_try_at=datetime.fromtimestamp(next_try, UTC),
                actor=EXPORTER,
            )
        return None

    # --- running in the background -------------------------------------------------------------
    def start(self) -> None:
        self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="erp-export")
        self._thread = threading.Thread(target=self._run, name="erp-export", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._poke.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._poke.clear()
            try:
                if self.run_due():
                    continue
                wait = self.poll_seconds
                next_due = self.queue.next_due_at()
                if next_due is not None:
                    wait = max(0.0, min(wait, next_due - time.time()))
            except Exception:
                # Logged and retried: a store or ERP outage must not stop the export for good.
                log.exception("export run failed; retrying")
                wait = self.poll_seconds
            self._poke.wait(wait)

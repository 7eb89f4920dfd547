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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.utils import get_topic

from application.errors import NotFound
from application.export.export_queue import Dequeue, Enqueue, ExportJob, ExportQueue, QueueChange
from application.export.export_records import ExportCandidate, ExportOutcome
from application.export.observing import ExportObserver, Unobserved
from application.following import Batch, BatchProjection
from application.payments.payment_record_commands import EXPORTER
from application.payments.payments import Payments
from application.payments.queries import ErpSettingsSnapshot
from application.ports import ErpAnswer, ErpConnectors, ErpRefused
from application.request_context import current_request_id
from domain.company import Company
from domain.disbursement import Disbursement
from domain.export_failure import ExportFailureReason
from domain.invoice_payment import ExportRetry, ExportStatus, InvoicePayment
from domain.payment_export import retry_is_recorded

log = logging.getLogger(__name__)


class AlreadyRecorded:
    """A job whose outcome is in the store already (recorded by someone, or gone)."""


ALREADY_RECORDED = AlreadyRecorded()
# What the ERP answered a job, and through which connector; None: nothing to record yet (the
# job retries later).
Answered = tuple[ErpAnswer, str | None] | AlreadyRecorded | None
# A job's payment as the store gave it; None: no such payment; an error: the store failed.
Resolved = ExportCandidate | None | Exception
# Jobs claimed at a time, per ERP caller: enough that the callers never wait on a claim.
CLAIMED_PER_CALLER = 4


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
            Disbursement.ExportSentToAgent,
            Disbursement.MarkedAsExported,
            Company.ErpSettingsChanged,
        )
    )

    def __init__(
        self,
        view: ExportQueue,
        payments: Payments,
        on_enqueued: Callable[[], None] = lambda: None,
        on_settings_changed: Callable[[UUID], None] = lambda company: None,
    ) -> None:
        super().__init__(view)
        self.queue = view
        self.payments = payments
        self.on_enqueued = on_enqueued
        self.on_settings_changed = on_settings_changed

    def process_events(self, batch: Batch) -> None:
        changes: list[QueueChange] = []
        now = time.time()
        for event, _ in batch:
            if isinstance(event, Disbursement.FundingCompleted | Disbursement.ExportRequested):
                changes += [Enqueue(job) for job in self._jobs_due(event, now)]
            elif isinstance(
                event,
                Disbursement.ExportSucceeded
                | Disbursement.ExportFailed
                | Disbursement.ExportSentToAgent,
            ):
                changes.append(Dequeue(event.payment_id, event.attempt))
            elif isinstance(event, Company.ErpSettingsChanged):
                self.on_settings_changed(event.originator_id)
            elif isinstance(event, Disbursement.MarkedAsExported):
                changes.append(Dequeue(event.payment_id, None))
        self.queue.apply(changes, batch[-1][1])
        if any(isinstance(change, Enqueue) for change in changes):
            self.on_enqueued()

    def _jobs_due(
        self, event: Disbursement.FundingCompleted | Disbursement.ExportRequested, now: float
    ) -> list[ExportJob]:
        """The jobs the event makes due, from what it carries.

        Events stored before they named the company and payments (version 1) are read
        against the disbursement as of that event instead.
        """
        if event.company_id is not None:
            if isinstance(event, Disbursement.ExportRequested):
                due = [(event.payment_id, event.attempt)]
            elif event.payment_record_sync_enabled and event.payment_ids is not None:
                due = [(payment_id, 1) for payment_id in event.payment_ids]
            else:
                due = []
            return [
                ExportJob(
                    company_id=event.company_id,
                    disbursement_id=event.originator_id,
                    payment_id=payment_id,
                    attempt=attempt,
                    enqueued_at=now,
                    due_at=now,
                    request_id=vars(event).get("request_id"),
                )
                for payment_id, attempt in due
            ]
        disbursement: object = self.payments.repository.get(
            event.originator_id, version=event.originator_version
        )
        assert isinstance(disbursement, Disbursement)
        payments = (
            [disbursement.payment(event.payment_id)]
            if isinstance(event, Disbursement.ExportRequested)
            else disbursement.payments.values()
        )
        return [
            job_for(disbursement, payment, now, vars(event).get("request_id"))
            for payment in payments
            if payment.export_status is ExportStatus.PENDING
        ]


def job_for(
    disbursement: Disbursement,
    payment: InvoicePayment,
    now: float,
    request_id: str | None = None,
) -> ExportJob:
    return ExportJob(
        company_id=disbursement.company_id,
        disbursement_id=disbursement.id,
        payment_id=payment.id,
        attempt=payment.export_attempt,
        enqueued_at=now,
        due_at=now,
        request_id=request_id,
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
        observer: ExportObserver | None = None,
    ) -> None:
        self.observer: ExportObserver = observer or Unobserved()
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
        self._recorder: ThreadPoolExecutor | None = None
        # Calls asked for and not yet answered: twice the callers, so none waits for work.
        self._in_flight = threading.BoundedSemaphore(concurrency * 2)
        # Each company's ERP settings, kept until the policy sees them change.
        self._settings: dict[UUID, ErpSettingsSnapshot] = {}
        self._settings_lock = threading.Lock()

    def forget_settings(self, company: UUID) -> None:
        """The company's ERP settings changed (its Company aggregate id): read them anew."""
        with self._settings_lock:
            self._settings.pop(company, None)

    def erp_settings(self, company_id: str) -> ErpSettingsSnapshot:
        key = Company.id_for(company_id)
        with self._settings_lock:
            cached = self._settings.get(key)
        if cached is not None:
            return cached
        settings = self.payments.erp_settings(company_id)
        with self._settings_lock:
            # A change seen while reading wins: keep whichever is newer.
            current = self._settings.get(key)
            if current is None or current.version < settings.version:
                self._settings[key] = settings
        return settings

    def poke(self) -> None:
        """New jobs are queued: look now rather than at the next poll."""
        self._poke.set()

    def run_due(self) -> int:
        """Run every job due now, outcomes recorded on return; how many there were."""
        jobs = self._claim()
        if jobs:
            self._send(jobs).result()
        return len(jobs)

    def _claim(self) -> list[ExportJob]:
        return self.queue.claim(
            self.owner, time.time(), self.lease_seconds, self.concurrency * CLAIMED_PER_CALLER
        )

    def _send(self, jobs: list[ExportJob]) -> Future[None]:
        """Resolve the claimed jobs against the store once (one load per disbursement, the
        settings once per company) and ask the ERP for each, up to `concurrency` at a time;
        once all are answered, each disbursement's outcomes are recorded in one save, so a
        100-payment run writes once, not 100 times. Started, this returns as soon as the
        last job is handed to a caller, so the next batch is claimed while this one is
        still being answered and recorded; the future is done once it is recorded."""
        resolved = self._resolve(jobs)
        recorded: Future[None] = Future()
        answers: list[Answered]
        if self._pool is None or self._recorder is None:
            answers = [self._answer(job, resolved[job.payment_id]) for job in jobs]
            self._record_into(recorded, jobs, answers)
            return recorded
        pool, recorder = self._pool, self._recorder
        answers = [None] * len(jobs)
        unanswered = [len(jobs)]
        counting = threading.Lock()

        def answer(n: int, job: ExportJob) -> None:
            try:
                answers[n] = self._answer(job, resolved[job.payment_id])
            except Exception:
                # Only rescheduling can fail here (the store); the job stays leased and runs
                # again when the lease lapses. Said, since no caller waits on this thread.
                log.exception("export of payment %s could not be rescheduled", job.payment_id)
            finally:
                self._in_flight.release()
                with counting:
                    unanswered[0] -= 1
                    last = unanswered[0] == 0
                if last:
                    recorder.submit(self._record_into, recorded, jobs, answers)

        for n, job in enumerate(jobs):
            self._in_flight.acquire()  # a bounded backlog: claimed jobs wait here, leased
            pool.submit(answer, n, job)
        return recorded

    def _resolve(self, jobs: list[ExportJob]) -> dict[UUID, Resolved]:
        """Each job's payment as the export needs it, one store read per disbursement."""
        by_disbursement: dict[tuple[str, UUID], list[UUID]] = defaultdict(list)
        for job in jobs:
            by_disbursement[(job.company_id, job.disbursement_id)].append(job.payment_id)
        resolved: dict[UUID, Resolved] = {}
        for (company_id, disbursement_id), payment_ids in by_disbursement.items():
            try:
                resolved.update(
                    self.payments.export_candidates(company_id, disbursement_id, payment_ids)
                )
            except NotFound:
                resolved.update(dict.fromkeys(payment_ids))
            except Exception as error:  # each job handles it as its own (see `_answer`)
                resolved.update(dict.fromkeys(payment_ids, error))
        return resolved

    def _record_into(
        self, recorded: Future[None], jobs: list[ExportJob], answers: list[Answered]
    ) -> None:
        try:
            self._record_now(jobs, answers)
        except Exception as error:
            # The outcomes not recorded are the ERP's already; their jobs, still leased, are
            # sent again with the same keys once the lease lapses, and get the same answers.
            log.exception("recording export outcomes failed; their jobs will run again")
            recorded.set_exception(error)
        else:
            recorded.set_result(None)

    def _record_now(self, jobs: list[ExportJob], answers: list[Answered]) -> None:
        by_disbursement: dict[tuple[str, UUID], list[ExportJob]] = defaultdict(list)
        outcomes: dict[UUID, ExportOutcome] = {}
        settled: list[tuple[UUID, int]] = []  # outcomes recorded already, by someone
        for job, answered in zip(jobs, answers, strict=True):
            if isinstance(answered, AlreadyRecorded):
                settled.append((job.payment_id, job.attempt))
            elif answered is not None:
                answer, connector = answered
                if isinstance(answer, ErpRefused):
                    self.observer.export_failed(answer.reason.value)
                by_disbursement[(job.company_id, job.disbursement_id)].append(job)
                outcomes[job.payment_id] = ExportOutcome(
                    job.payment_id, job.attempt, answer, connector
                )
        try:
            for (company_id, disbursement_id), done in by_disbursement.items():
                # The outcomes carry the request id of the command that made them due, when
                # one command made them all due (a funding completion does).
                ids = {job.request_id for job in done}
                token = current_request_id.set(ids.pop() if len(ids) == 1 else None)
                try:
                    self.payments.record_export_outcomes(
                        company_id,
                        disbursement_id,
                        [outcomes[job.payment_id] for job in done],
                        EXPORTER,
                    )
                finally:
                    current_request_id.reset(token)
                settled += [(job.payment_id, job.attempt) for job in done]
        finally:  # the jobs whose outcomes are recorded, in one statement
            self.queue.complete_all(settled)

    def ask_erp(self, job: ExportJob) -> tuple[ErpAnswer, str | None] | None:
        """The answer to record for the job, or None when there is nothing to record now:
        its outcome is recorded already, or the ERP is unreachable and the job will retry."""
        answered = self._answer(job, self._resolve([job])[job.payment_id])
        if isinstance(answered, AlreadyRecorded):
            self.queue.complete(job.payment_id, job.attempt)
            return None
        return answered

    def _answer(self, job: ExportJob, candidate: Resolved) -> Answered:
        token = current_request_id.set(job.request_id)
        try:
            if isinstance(candidate, Exception):
                raise candidate
            return self._ask_erp(job, candidate)
        except Exception as error:
            # A bug, or our own store failing, must neither hold up the run's other jobs nor
            # vanish: it is logged with its traceback and retried like an unreachable ERP
            # (same key, since the ERP may have taken the record before it broke), and once
            # the window is spent it shows in Failed to Export with its text.
            log.exception("export of payment %s attempt %s broke", job.payment_id, job.attempt)
            message = f"paysync could not complete the export ({error!r}); export it again"
            refused = self._retry_or_fail(
                job, ErpRefused(ExportFailureReason.ERP_UNAVAILABLE, message)
            )
            return None if refused is None else (refused, None)
        finally:
            current_request_id.reset(token)

    def _ask_erp(self, job: ExportJob, candidate: ExportCandidate | None) -> Answered:
        if candidate is None or not candidate.is_pending(job.attempt):
            return ALREADY_RECORDED
        settings = self.erp_settings(job.company_id)
        if candidate.record is None:
            not_synced = ErpRefused(
                ExportFailureReason.INVOICE_NOT_SYNCED,
                f"invoice {candidate.invoice_number} was not synced to the ERP before the "
                "payment was made; sync it, then relink and export the payment",
            )
            return not_synced, str(settings.connector)
        connector = self.connectors.connector_for(settings.connector, settings.connection)
        started = time.perf_counter()
        answer = connector.export_payment(candidate.record)
        self.observer.erp_answered(
            str(settings.connector),
            time.perf_counter() - started,
            answer.reason.value if isinstance(answer, ErpRefused) else ExportStatus.EXPORTED.value,
        )
        if isinstance(answer, ErpRefused) and answer.is_transient:
            refused = self._retry_or_fail(job, answer)
            return None if refused is None else (refused, connector.connector_name)
        return answer, connector.connector_name

    def _retry_or_fail(self, job: ExportJob, answer: ErpRefused) -> ErpRefused | None:
        """Try again later while the window lasts (None: nothing to record yet)."""
        next_try = self.retry.next_try_at(job, time.time())
        if next_try is None:
            return answer
        self.observer.retry_scheduled(answer.reason.value)
        self.queue.reschedule(job, next_try, f"{answer.erp_code or ''} {answer.message}")
        tries = job.tries + 1
        if retry_is_recorded(tries):  # the history shows the retries, not each one (ADR 0070)
            self.payments.record_export_retry(
                job.company_id,
                job.disbursement_id,
                job.payment_id,
                attempt=job.attempt,
                retry=ExportRetry(
                    tries,
                    answer.message,
                    answer.erp_code,
                    datetime.fromtimestamp(next_try, UTC),
                ),
                actor=EXPORTER,
            )
        return None

    # --- running in the background -------------------------------------------------------------
    def start(self) -> None:
        self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="erp-export")
        self._recorder = ThreadPoolExecutor(1, thread_name_prefix="erp-export-recorder")
        self._thread = threading.Thread(target=self._run, name="erp-export", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._poke.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        for pool in (self._pool, self._recorder):
            if pool is not None:
                pool.shutdown(wait=True)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._poke.clear()
            try:
                jobs = self._claim()
                if jobs:
                    self._send(jobs)
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

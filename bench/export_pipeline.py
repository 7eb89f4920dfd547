"""The export pipeline against the ERP's own speed (issue 10, figure 2).

The real pieces: the ERP sandbox in its own process, paysync with its export worker in this
one (QuickBooks Online). Baseline, in the same run: the same connector calling the sandbox
directly from as many threads as the worker uses, with payment records of their own.

- burst: `size` records funded at once (disbursements of 100 payments, funded together);
  drained = the last record's creation in the sandbox minus the first FundingCompleted.
  Throughput is the burst's records over that time. Targets: at least 0.8x the sandbox's
  rate, drained in at most 1.25x the sandbox's time for as many records.
- steady: one-payment disbursements funded at half the sandbox's measured rate; the p99 of
  FundingCompleted -> record in the sandbox. Target: under 0.5 s.
"""

from __future__ import annotations

import socket
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import httpx

from application.export.export_records import ExportCandidate
from bench.harness import Figure, received_invoice
from domain.check_numbers import CheckNumber
from domain.disbursement import Disbursement
from domain.text import BankId
from infrastructure.settings import Settings
from interfaces.bootstrap import Paysync, bootstrap
from tests.fixtures.erp_sandbox import SandboxProcess

COMPANY = "bench"
PER_DISBURSEMENT = 100


class Pipeline:
    """paysync with its worker beside a sandbox, a funding account and synced invoices."""

    def __init__(self, paysync: Paysync, erp: httpx.Client) -> None:
        self.paysync, self.erp = paysync, erp
        self.invoices = 0
        self.sync_records(True)
        self.account = paysync.payments.open_funding_account(
            COMPANY,
            nickname="Op",
            bank_id=BankId("1001"),
            next_check_number=CheckNumber(1),
            actor="bench",
        )

    def sync_records(self, enabled: bool) -> None:
        self.paysync.payments.configure_erp(
            COMPANY,
            connector="quickbooks_online",
            payment_record_sync_enabled=enabled,
            override_subcontractor_invoice_number=False,
            erp_base_url=str(self.erp.base_url),
            actor="bench",
        )

    def authorized(self, payments: int) -> UUID:
        """A disbursement of `payments` synced invoices, authorized (its checks numbered)."""
        p = self.paysync.payments
        invoices = []
        for _ in range(payments):
            self.invoices += 1
            invoice = received_invoice(COMPANY, self.invoices)
            invoice.approve("approver")
            p.save(invoice)
            self.paysync.invoice_sync.sync(COMPANY, invoice.id, "bench")
            invoices.append(invoice.id)
        disbursement = p.draft_disbursement(
            COMPANY,
            name="d",
            funding_account_id=self.account,
            payments=[(i, "100.00") for i in invoices],
            actor="admin",
        )
        p.authorize(COMPANY, disbursement, "admin")
        return disbursement

    def records(self, count: int) -> list[ExportCandidate]:
        """Funded payments' records, for the connector to send itself: funded while record
        sync is off, so that the worker leaves them alone."""
        p = self.paysync.payments
        candidates: list[ExportCandidate] = []
        self.sync_records(False)
        while len(candidates) < count:
            disbursement = self.authorized(min(PER_DISBURSEMENT, count - len(candidates)))
            self.fund(disbursement)
            ids = [payment.id for payment in p.disbursement(COMPANY, disbursement).payments]
            candidates += p.export_candidates(COMPANY, disbursement, ids).values()
        self.sync_records(True)
        return candidates

    def fund(self, disbursement: UUID) -> None:
        self.paysync.payments.complete_funding(COMPANY, disbursement, datetime.now(UTC), "bank")

    def wait_exported(self, expected: int, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while self.erp.get("/sandbox/payments/count").json()["count"] < expected:
            if time.monotonic() > deadline:
                raise SystemExit(f"only some of {expected} records reached the ERP")
            # The drain is read from the ERP's own times, not from here; each look is an HTTP
            # call in the process measured (the baseline's run has none), so look rarely.
            time.sleep(0.5)

    def created_at(self) -> dict[str, datetime]:
        items = self.erp.get("/sandbox/payments").json()["items"]
        return {i["check_number"]: datetime.fromisoformat(i["created_at"]) for i in items}

    def latencies(self, disbursements: list[UUID]) -> tuple[list[float], float]:
        """Each record's seconds from its FundingCompleted to the ERP, and the drain time."""
        created = self.created_at()
        result, funded_at, done_at = [], [], []
        for disbursement_id in disbursements:
            events = self.paysync.payments.events.get(disbursement_id)
            funded = next(e for e in events if isinstance(e, Disbursement.FundingCompleted))
            funded_at.append(funded.timestamp)
            view = self.paysync.payments.disbursement(COMPANY, disbursement_id)
            for payment in view.payments:
                erp_time = created[str(payment.check_number)]
                done_at.append(erp_time)
                result.append((erp_time - funded.timestamp).total_seconds())
        return result, (max(done_at) - min(funded_at)).total_seconds()


def direct(pipeline: Pipeline, candidates: list[ExportCandidate], threads: int) -> list[float]:
    """The connector alone, `threads` at a time: each call's seconds (the run's in the last)."""
    settings = pipeline.paysync.payments.erp_settings(COMPANY)
    connector = pipeline.paysync.connectors.connector_for(settings.connector, settings.connection)

    def send(candidate: ExportCandidate) -> float:
        assert candidate.record is not None
        started = time.perf_counter()
        connector.export_payment(candidate.record)
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        calls = list(pool.map(send, candidates))
    return [*calls, time.perf_counter() - started]


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run(backend: str, settings: Settings, size: int, repeats: int) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        sandbox = SandboxProcess(free_port(), Path(tmp) / "erp", Path(tmp) / "erp.log")
        sandbox.start()
        paysync = bootstrap(settings)
        try:
            with httpx.Client(base_url=sandbox.base_url, timeout=30) as erp:
                erp.post("/sandbox/bank-accounts", json={"bank_id": "1001"})
                erp.post("/sandbox/vendors", json={"erp_vendor_id": "V1"})
                paysync.start_worker()
                return measure(Pipeline(paysync, erp), size, repeats)
        finally:
            paysync.close()
            sandbox.stop()


def measure(pipeline: Pipeline, size: int, repeats: int) -> list[Figure]:
    threads = pipeline.paysync.export_executor.concurrency
    at_once = f"{threads} threads"
    throughput = Figure(
        f"export throughput, {size} records funded at once",
        "/s",
        ">= 0.8x the sandbox's own",
        baseline_name=f"the connector calling the sandbox directly, {at_once}",
    )
    drained = Figure(
        f"a burst of {size} records drained (first FundingCompleted to last record)",
        "ms",
        "<= 1.25x the sandbox's time (ratio >= 0.8)",
        baseline_name=f"the sandbox's time for {size} records, {at_once}",
    )
    steady = Figure(
        "p99 FundingCompleted -> record in the ERP, steady load at half the sandbox's rate",
        "ms",
        "< 500 ms",
        baseline_name="one direct call's p99, same concurrency",
    )
    exported = 0
    for _ in range(repeats):
        candidates = pipeline.records(size)
        burst = [
            pipeline.authorized(min(PER_DISBURSEMENT, size - n))
            for n in range(0, size, PER_DISBURSEMENT)
        ]
        calls = direct(pipeline, candidates, threads)
        exported += size
        pipeline.wait_exported(exported)
        sandbox_seconds, call_seconds = calls[-1], calls[:-1]
        rate = size / sandbox_seconds
        with ThreadPoolExecutor(len(burst)) as pool:
            list(pool.map(pipeline.fund, burst))
        exported += size
        pipeline.wait_exported(exported)
        _, drain_seconds = pipeline.latencies(burst)
        throughput.paysync.append(size / drain_seconds)
        throughput.baseline.append(rate)
        drained.paysync.append(drain_seconds * 1000)
        drained.baseline.append(sandbox_seconds * 1000)
        steady.paysync.append(offered(pipeline, max(size // 2, 4), rate / 2, exported) * 1000)
        exported += max(size // 2, 4)
        steady.baseline.append(p99(call_seconds) * 1000)
    return [throughput, drained, steady]


def offered(pipeline: Pipeline, count: int, rate: float, exported: int) -> float:
    """Fund one-payment disbursements at `rate` per second; the p99 of their latencies."""
    ready = [pipeline.authorized(1) for _ in range(count)]
    started = time.perf_counter()
    for n, disbursement in enumerate(ready):
        pause = started + n / rate - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        pipeline.fund(disbursement)
    pipeline.wait_exported(exported + count)
    latencies, _ = pipeline.latencies(ready)
    return p99(latencies)

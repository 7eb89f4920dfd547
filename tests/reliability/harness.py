"""The pieces every fault run uses: a company's books made fast, worker processes to kill,
and the end-of-run figures: each record's outcome, the ERP's copies, and `paysync reconcile`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from application.errors import NotFound
from application.export.invoice_sync import InvoiceSync
from application.payments.payments import Payments
from infrastructure.erp.directory import ConnectorDirectory
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env
from tests.fixtures.erp_sandbox import ErpSandbox
from tests.stores import process_env

COMPANY = "acme"
FUNDED_AT = datetime(2026, 11, 24, 15, tzinfo=UTC)
PERIOD = ("--from", "2026-11-01", "--to", "2026-11-30")
BANK_ID, VENDOR = "1001", "V042"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
# Reasons a record may end failed with under ERP faults: nothing else is the ERP's doing.
ERP_FAULT_REASONS = {"erp_unavailable", "erp_rejected"}


def store_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a paysync process on the test's store, with quick retries."""
    env = {
        **os.environ,
        "PAYSYNC_DATA_DIR": str(settings.data_dir),
        "PAYSYNC_EXPORT_LEASE_SECONDS": "2",
        "PAYSYNC_FOLLOWER_POLL_SECONDS": "0.1",
        "PAYSYNC_EXPORT_FIRST_BACKOFF_SECONDS": "0.05",
        "PAYSYNC_EXPORT_MAX_BACKOFF_SECONDS": "0.5",
        "PAYSYNC_ERP_TIMEOUT_SECONDS": "1",
        **extra,
        **process_env(settings),
    }
    if settings.database_url:
        env["PAYSYNC_DATABASE_URL"] = settings.database_url
    else:
        env.pop("PAYSYNC_DATABASE_URL", None)
    return env


class Books:
    """A company's payments, driven through the applications in this process (fast)."""

    def __init__(self, settings: Settings, erp: ErpSandbox) -> None:
        self.payments = Payments(event_store_env(settings))
        self.connectors = ConnectorDirectory(10.0)
        self.sync = InvoiceSync(self.payments, self.connectors)
        erp.add_bank_account(BANK_ID)
        erp.add_vendor(VENDOR)
        self.payments.configure_erp(
            COMPANY,
            connector="quickbooks_online",
            payment_record_sync_enabled=True,
            override_subcontractor_invoice_number=False,
            erp_base_url=erp.base_url,
            actor="acc",
        )
        self.account = self.payments.open_funding_account(
            COMPANY, nickname="Operating", bank_id=BANK_ID, next_check_number=10000, actor="pat"
        )
        self.disbursements: list[UUID] = []
        self.invoices = 0

    def authorized(self, size: int, amount: str = "10.00") -> UUID:
        """A disbursement of `size` payments, each against its own synced invoice, authorized."""
        disbursement = self.drafted(size, amount)
        self.payments.authorize(COMPANY, disbursement, "pat")
        return disbursement

    def drafted(self, size: int, amount: str = "10.00") -> UUID:
        invoices = [self._synced_invoice(amount) for _ in range(size)]
        disbursement = self.payments.draft_disbursement(
            COMPANY,
            name=f"Run {len(self.disbursements)}",
            funding_account_id=self.account,
            payments=[(invoice, amount) for invoice in invoices],
            actor="pat",
        )
        self.disbursements.append(disbursement)
        return disbursement

    def _synced_invoice(self, amount: str) -> UUID:
        self.invoices += 1
        invoice = self.payments.receive_invoice(
            COMPANY,
            actor="invoice-management",
            invoice_number=f"INV-{self.invoices}",
            vendor_id="v-42",
            vendor_name="Rebar Co",
            erp_vendor_id=VENDOR,
            project="Tower A",
            amount_due=amount,
        )
        self.payments.approve_invoice(COMPANY, invoice, "ann")
        self.sync.sync(COMPANY, invoice, "ann")
        return invoice

    def fund(self, disbursement: UUID) -> None:
        self.payments.complete_funding(COMPANY, disbursement, FUNDED_AT, "bank")

    def outcomes(self) -> Outcomes:
        outcomes = Outcomes()
        for disbursement in self.disbursements:
            view = self.payments.disbursement(COMPANY, disbursement)
            for payment in view.payments:
                outcomes.add(payment.id, payment.export_status, payment.export_failure)
        return outcomes

    def settle(self, timeout: float, while_waiting: Callable[[], None] = lambda: None) -> Outcomes:
        """The outcomes once no record is pending any more, or when `timeout` is spent."""
        deadline = time.monotonic() + timeout
        while True:
            outcomes = self.outcomes()
            if not outcomes.pending or time.monotonic() > deadline:
                return outcomes
            while_waiting()
            time.sleep(0.5)

    def close(self) -> None:
        self.connectors.close()
        self.payments.close()


@dataclass
class Outcomes:
    statuses: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    exported_ids: set[UUID] = field(default_factory=set)
    pending: int = 0

    def add(self, payment_id: UUID, status: str, failure: Any) -> None:
        self.statuses[status] += 1
        if status == "pending":
            self.pending += 1
        elif status == "exported":
            self.exported_ids.add(payment_id)
        elif failure is not None:
            self.failures[failure.reason.value] += 1

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


def erp_copies(erp: ErpSandbox) -> Counter[str]:
    """How many records the ERP holds per paysync payment (read from each record's note)."""
    copies: Counter[str] = Counter()
    listed = erp.client.get("/sandbox/payments", timeout=300)
    listed.raise_for_status()
    for record in listed.json()["items"]:
        note = record.get("private_note") or ""
        copies[note.removeprefix("paysync payment ")] += 1
    return copies


def reconcile(settings: Settings) -> dict[str, Any]:
    """`paysync reconcile --json` for the company's November, as a user would run it."""
    done = subprocess.run(
        [sys.executable, "-m", "interfaces.cli", "reconcile", "--company", COMPANY, *PERIOD,
         "--json"],
        # A month of 10,000 records is ten query pages: a patient client, not the export's.
        env=store_env(settings, PAYSYNC_ERP_TIMEOUT_SECONDS="60"),
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), (done.returncode, done.stderr[-2000:])
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def end_of_run_figures(books: Books, erp: ErpSandbox, settings: Settings) -> dict[str, Any]:
    """What every run reports: outcomes, ERP copies, and the reconciliation."""
    outcomes = books.outcomes()
    copies = erp_copies(erp)
    # The faults stop before the reconciliation, which reads the ERP as a person would on a
    # calm day: one query dropped by the run's own faults is no finding about the books.
    erp.client.delete("/sandbox/fault-rate").raise_for_status()
    report = reconcile(settings)
    exported = {str(i) for i in outcomes.exported_ids}
    return {
        "records": outcomes.total,
        "statuses": dict(outcomes.statuses),
        "failures": dict(outcomes.failures),
        "pending": outcomes.pending,
        "erp_records": sum(copies.values()),
        "erp_duplicates": sum(n - 1 for n in copies.values() if n > 1),
        "exported_not_in_erp": len(exported - set(copies)),
        "in_erp_not_exported": len(set(copies) - exported),
        "reconcile": {"ok": report["ok"], "matched": report["matched"], **report["counts"]},
    }


def assert_nothing_lost_nothing_doubled(figures: dict[str, Any], records: int) -> None:
    assert figures["records"] == records
    assert set(figures["statuses"]) <= {"exported", "failed_to_export"}, figures["statuses"]
    assert figures["pending"] == 0
    assert figures["erp_duplicates"] == 0
    assert figures["exported_not_in_erp"] == 0
    assert figures["in_erp_not_exported"] == 0
    assert figures["reconcile"]["ok"], figures["reconcile"]
    assert set(figures["failures"]) <= ERP_FAULT_REASONS


class Processes:
    """paysync processes (`paysync worker`, `paysync serve`, ...) to start and to kill."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.started = 0
        self.live: list[subprocess.Popen[bytes]] = []
        self.logs: dict[int, Path] = {}
        self.crashed: list[int] = []  # exit codes of processes that died unasked

    def start(self, *command: str) -> subprocess.Popen[bytes]:
        self.started += 1
        log_path = self.log_dir / f"{command[0]}-{self.started}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "interfaces.cli", *command],
                env=self.env,
                cwd=REPOSITORY_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.live.append(process)
        self.logs[process.pid] = log_path
        return process

    def wait_until_said(self, process: subprocess.Popen[bytes], words: str, timeout: float) -> None:
        """Until the process's log holds `words` (it is up), or it died, or `timeout` passed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            if words in self.logs[process.pid].read_text(errors="replace"):
                return
            time.sleep(0.05)

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no clean-up of any kind, as a crash or the OOM killer would do."""
        if process.poll() is not None:
            self.crashed.append(process.returncode)
        process.kill()
        process.wait()
        self.live.remove(process)

    def check_alive(self) -> None:
        """Notes any process that died without being killed (the worker must never crash)."""
        for process in list(self.live):
            if process.poll() is not None:
                self.crashed.append(process.returncode)
                self.live.remove(process)

    def stop_all(self) -> None:
        for process in self.live:
            process.send_signal(signal.SIGTERM)
        for process in self.live:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.live.clear()


def verify_after_recovery(settings: Settings) -> dict[str, Any]:
    """Each read model, brought to the end of the log, equals one replayed from scratch; the
    audit chain verifies every stored event."""
    from interfaces.bootstrap import bootstrap
    from tests.integration.read_model_views import replayed

    paysync = bootstrap(settings)
    try:
        paysync.read_models.catch_up()
        consistent = {
            name: view.dump() == replayed(settings, paysync.payments, name)
            for name, view in paysync.read_models.views.items()
        }
        verification = paysync.audit.verify(None)
        return {"read_models_consistent": consistent, "audit_chain": verification.as_json()}
    finally:
        paysync.close()


def missing_from_store(settings: Settings, invoice_ids: list[str]) -> list[str]:
    """The acknowledged invoices the store does not hold (read with connections of its own)."""
    payments = Payments(event_store_env(settings))
    missing = []
    try:
        for invoice_id in invoice_ids:
            try:
                payments.invoice(COMPANY, UUID(invoice_id))
            except NotFound:
                missing.append(invoice_id)
    finally:
        payments.close()
    return missing


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(base_url: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return False


API_PROCESSES = {"postgres": 2, "sqlite": 1}  # SQLite's store has one writing API process


class Servers:
    """`paysync serve` processes (read models and audit chain on, export left alone)."""

    def __init__(self, processes: Processes) -> None:
        self.processes = processes
        self.up: dict[str, subprocess.Popen[bytes]] = {}

    def start(self) -> str:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = self.processes.start("serve", "--no-worker", "--port", str(port))
        assert wait_healthy(url), self.processes.logs[process.pid].read_text()
        self.up[url] = process
        return url

    def kill(self, url: str) -> None:
        self.processes.kill(self.up.pop(url))

    def urls(self) -> list[str]:
        return list(self.up)

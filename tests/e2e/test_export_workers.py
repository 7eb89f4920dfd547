"""`paysync worker` as its own process: killed mid-export, or several at once, never a duplicate."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from infrastructure.settings import Settings
from interfaces.api.app import create_app
from interfaces.bootstrap import bootstrap
from tests.e2e.api import Api, wait_for
from tests.fixtures.erp_sandbox import ErpSandbox
from tests.stores import process_env


class Workers:
    """Starts and kills `paysync worker` processes on the test's store."""

    def __init__(self, settings: Settings, log_dir: Path) -> None:
        self.env = {
            **os.environ,
            "PAYSYNC_DATA_DIR": str(settings.data_dir),
            "PAYSYNC_EXPORT_LEASE_SECONDS": "1.5",
            "PAYSYNC_FOLLOWER_POLL_SECONDS": "0.1",
            "PAYSYNC_EXPORT_FIRST_BACKOFF_SECONDS": "0.05",
            **process_env(settings),
        }
        if settings.database_url:
            self.env["PAYSYNC_DATABASE_URL"] = settings.database_url
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        log = open(self.log_dir / f"worker-{len(self.processes)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "interfaces.cli", "worker"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    running = Workers(settings, tmp_path)
    yield running
    running.stop_all()


@pytest.fixture
def api_without_worker(settings: Settings, erp_sandbox: ErpSandbox) -> Iterator[Api]:
    paysync = bootstrap(settings)
    erp_sandbox.add_bank_account("1001")
    erp_sandbox.add_vendor("V042")
    with TestClient(create_app(settings, paysync)) as client:
        yield Api(client, paysync)
    paysync.close()


def test_a_worker_killed_mid_export_and_restarted_leaves_exactly_one_erp_record(
    api_without_worker: Api, erp_sandbox: ErpSandbox, workers: Workers
) -> None:
    api = api_without_worker
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    invoice = api.approved_invoice("INV-1")
    # The ERP makes the record at once but holds its answer back: the worker dies waiting.
    erp_sandbox.inject_fault("slow", count=1, delay_seconds=3.0)
    first = workers.start()
    funded = api.funded_disbursement(account, (invoice, "1000.00"))
    wait_for(lambda: len(erp_sandbox.payments()), lambda n: n == 1, timeout=20)

    first.kill()
    first.wait()
    workers.start()

    settled = api.settled(funded["id"], timeout=30)
    assert settled["payments"][0]["export_status"] == "exported"
    assert len(erp_sandbox.payments()) == 1


def test_several_workers_never_export_one_record_twice(
    api_without_worker: Api, erp_sandbox: ErpSandbox, workers: Workers
) -> None:
    api = api_without_worker
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    for _ in range(3):
        workers.start()
    disbursements = []
    for run in range(2):
        invoices = [api.approved_invoice(f"INV-{run}-{n}", "10.00") for n in range(10)]
        disbursements.append(api.funded_disbursement(account, *[(i, "10.00") for i in invoices]))

    for funded in disbursements:
        settled = api.settled(funded["id"], timeout=30)
        assert {p["export_status"] for p in settled["payments"]} == {"exported"}
    records = erp_sandbox.payments()
    assert len(records) == 20
    assert len({r["check_number"] for r in records}) == 20

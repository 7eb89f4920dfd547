"""The README's scale-out topology on PostgreSQL: 2 API processes, 2 workers, 1 projections.

Each process names itself to PostgreSQL (application_name), so `pg_stat_activity` shows what
each one holds while commands arrive on both API processes at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import psycopg
import pytest

from infrastructure.settings import Settings
from infrastructure.tokens import Tokens
from tests.e2e.api import Api, wait_for
from tests.e2e.test_command_line import answering, free_port
from tests.fixtures.erp_sandbox import ErpSandbox
from tests.stores import POSTGRES_URL, fresh_settings, process_env

pytestmark = pytest.mark.postgres

PER_PROCESS = 10  # the default budget: PAYSYNC_DB_CONNECTIONS


@dataclass
class Topology:
    settings: Settings
    tag: str
    log_dir: Path
    api_urls: list[str] = field(default_factory=list)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    clients: list[httpx.Client] = field(default_factory=list)

    def start(self, name: str, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAYSYNC_")}
        env |= {
            "PAYSYNC_DATA_DIR": str(self.settings.data_dir),
            "PAYSYNC_DATABASE_URL": str(self.settings.database_url),
            "PAYSYNC_FOLLOWER_POLL_SECONDS": "0.2",
            "PGAPPNAME": f"{self.tag}-{name}",
            **process_env(self.settings),
        }
        with open(self.log_dir / f"{name}.log", "wb") as out:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "interfaces.cli", *args],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def connections(self) -> dict[str, int]:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT application_name, count(*) FROM pg_stat_activity "
                "WHERE application_name LIKE %s GROUP BY application_name",
                (f"{self.tag}-%",),
            ).fetchall()
        return {str(name).removeprefix(f"{self.tag}-"): int(n) for name, n in rows}

    def stop(self) -> None:
        for client in self.clients:
            client.close()
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")

    def alive(self) -> bool:
        return all(process.poll() is None for process in self.processes.values())

    def logs(self) -> str:
        return "\n".join(f"--- {name} ---\n{self.log(name)}" for name in self.processes)


@pytest.fixture
def topology(tmp_path: Path, erp_sandbox: ErpSandbox) -> Iterator[Topology]:
    with fresh_settings("postgres", tmp_path) as settings:
        # Tables are made once here, so five processes do not race to create them.
        from interfaces.bootstrap import bootstrap

        bootstrap(settings).close()
        running = Topology(settings, f"scale{free_port()}", tmp_path)
        try:
            for n in (1, 2):
                port = free_port()
                running.start(f"api{n}", "serve", "--no-worker", "--no-projections",
                              "--port", str(port))  # fmt: skip
                running.api_urls.append(f"http://127.0.0.1:{port}")
            running.start("worker1", "worker")
            running.start("worker2", "worker")
            running.start("projections", "projections")
            for url in running.api_urls:
                up = wait_for(
                    lambda u=url: running.alive() and answering(f"{u}/healthz"),
                    lambda ok: ok or not running.alive(),
                    timeout=60,
                )
                assert up, running.logs()
            # Every process holds its pool's first connection once it is up.
            everyone = {"api1", "api2", "worker1", "worker2", "projections"}
            held = wait_for(
                lambda: set(running.connections()),
                lambda up: up >= everyone or not running.alive(),
                timeout=60,
            )
            assert held >= everyone, running.logs()
            yield running
        finally:
            running.stop()


def api_client(url: str, settings: Settings) -> Api:
    holder: Any = SimpleNamespace(tokens=Tokens(settings.signing_key))
    return Api(httpx.Client(base_url=url, timeout=30), holder)  # type: ignore[arg-type]


def test_two_apis_two_workers_and_projections_export_each_record_once_within_the_budget(
    topology: Topology, erp_sandbox: ErpSandbox
) -> None:
    erp_sandbox.add_bank_account("1001")
    erp_sandbox.add_vendor("V042")
    first, second = (api_client(url, topology.settings) for url in topology.api_urls)
    topology.clients += [first.client, second.client]
    first.configure_erp(erp_sandbox.base_url)
    account = first.open_account(next_check_number=50000)

    most: dict[str, int] = {}
    sampling = threading.Event()

    def take_sample() -> None:
        for name, count in topology.connections().items():
            most[name] = max(most.get(name, 0), count)

    def sample() -> None:
        while not sampling.wait(0.1):
            take_sample()

    take_sample()  # all five are up (the fixture waited): the first sample sees each
    sampler = threading.Thread(target=sample)
    sampler.start()

    def one_run(n: int) -> str:
        api = (first, second)[n % 2]  # commands arrive on both API processes
        invoices = [api.approved_invoice(f"INV-{n}-{i}", "10.00") for i in range(3)]
        funded = api.funded_disbursement(account, *[(i, "10.00") for i in invoices])
        return str(funded["id"])

    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            runs = pool.map(one_run, range(12))
            # Mid-load, one worker dies without a word and another takes its place.
            topology.processes["worker1"].kill()
            topology.processes["worker1"].wait()
            topology.start("worker3", "worker")
            acknowledged = list(runs)
        for disbursement_id in acknowledged:
            # Read through the other process than the one that took most of them.
            settled = second.settled(disbursement_id, timeout=60)
            assert {p["export_status"] for p in settled["payments"]} == {"exported"}
    finally:
        sampling.set()
        sampler.join()

    records = erp_sandbox.payments()
    assert len(records) == 12 * 3  # none lost
    assert len({r["check_number"] for r in records}) == len(records)  # none twice
    assert {"api1", "api2", "worker1", "worker2", "projections"} <= set(most), most
    print("most connections held:", most)
    assert all(count <= PER_PROCESS for count in most.values()), most
    assert sum(most.values()) <= 6 * PER_PROCESS

    # The replacement may still be starting when the load is done; stop it once it runs.
    wait_for(lambda: topology.log("worker3"), lambda text: "exporting" in text, timeout=60)
    topology.stop()
    stopped = {name: p.returncode for name, p in topology.processes.items() if name != "worker1"}
    assert set(stopped.values()) == {0}, stopped  # SIGTERM: a clean stop, every one

"""The ERP misbehaving on 30% of calls, every way the sandbox can: unavailable, timing out,
slow, closing connections, dropping answers, answering garbage, truncated bodies or the wrong
content type. Every record ends exported or failed (erp_unavailable / erp_rejected), none
twice, and the worker never crashes.
"""

from __future__ import annotations

import math
import random

import pytest

from infrastructure.settings import Settings
from tests.fixtures.erp_sandbox import ErpSandbox
from tests.reliability.harness import (
    Books,
    Processes,
    assert_nothing_lost_nothing_doubled,
    end_of_run_figures,
)
from tests.reliability.scale import ALL_FAULTS, HEAVY_BACKENDS, SCALE, record_figures

RATE = 0.3


@pytest.mark.parametrize("backend", HEAVY_BACKENDS, indirect=True)
def test_an_erp_failing_30_percent_of_calls_every_way_loses_and_doubles_no_record(
    settings: Settings, erp_sandbox: ErpSandbox, books: Books, processes: Processes, backend: str
) -> None:
    records = SCALE.fault_records if backend == "sqlite" else SCALE.fault_records_postgres
    size = min(records, SCALE.fault_payments_per_disbursement)
    disbursements = [books.authorized(size) for _ in range(math.ceil(records / size))]
    requests_before = sum(erp_sandbox.requests().values())  # the bills' syncs, fault-free
    erp_sandbox.set_fault_rate(
        RATE,
        ALL_FAULTS,
        delays={"timeout": 1.5, "slow": 0.3},  # the worker gives up after 1 s
        seed=random.Random(backend).randrange(1000),
    )
    # Transient failures retry for as long as the run lasts: on a loaded machine a backlog of
    # 10,000 can outlast the 10-minute window, and a record failed for that is no finding.
    processes.env["PAYSYNC_EXPORT_WINDOW_SECONDS"] = "7200"
    worker = processes.start("worker")
    for disbursement in disbursements:
        books.fund(disbursement)

    outcomes = books.settle(timeout=300 + records / 8, while_waiting=processes.check_alive)
    erp_requests = sum(erp_sandbox.requests().values()) - requests_before
    dealt = erp_sandbox.faults_suffered()
    processes.check_alive()
    worker_log = processes.logs[worker.pid].read_text(errors="replace")
    figures = end_of_run_figures(books, erp_sandbox, settings)
    figures |= {
        "backend": backend,
        "fault_rate": RATE,
        "erp_requests_under_faults": erp_requests,
        "erp_faults_dealt": dealt,
        "erp_faults_total": sum(dealt.values()),
        "worker_alive_at_end": worker.poll() is None,
        "export_errors_logged_by_worker": worker_log.count(" broke"),
    }
    record_figures(f"erp-faults-{backend}", figures)
    assert outcomes.pending == 0, figures
    assert_nothing_lost_nothing_doubled(figures, size * len(disbursements))
    assert set(dealt) == set(ALL_FAULTS), dealt
    assert figures["worker_alive_at_end"]
    assert figures["export_errors_logged_by_worker"] == 0

"""Export workers SIGKILLed at random moments, one or two at once: every record ends exported
exactly once in the ERP, or failed with a reason; none twice, none lost.

The ERP holds back the answer of some requests after storing the record (`slow`) and drops
the answer of others (`drop_answer`), so kills land between "the ERP stored it" and "paysync
recorded the answer"; each kill counts the records in that state at that moment.
"""

from __future__ import annotations

import math
import random
import time

import pytest

from infrastructure.settings import Settings
from tests.fixtures.erp_sandbox import ErpSandbox
from tests.reliability.harness import (
    Books,
    Processes,
    assert_nothing_lost_nothing_doubled,
    end_of_run_figures,
    erp_copies,
)
from tests.reliability.scale import HEAVY_BACKENDS, SCALE, record_figures


@pytest.mark.parametrize("backend", HEAVY_BACKENDS, indirect=True)
@pytest.mark.parametrize("workers", [1, 2])
def test_workers_killed_at_random_moments_export_every_record_once_or_fail_it_with_a_reason(
    settings: Settings,
    erp_sandbox: ErpSandbox,
    books: Books,
    processes: Processes,
    backend: str,
    workers: int,
) -> None:
    dice = random.Random(f"{backend}-{workers}")
    per_batch = math.ceil(SCALE.crash_records / SCALE.crash_kills)
    batches = [books.authorized(per_batch) for _ in range(SCALE.crash_kills)]
    erp_sandbox.set_fault_rate(
        0.3, ["slow", "drop_answer"], delays={"slow": 0.4}, seed=dice.randrange(1000)
    )
    running = [processes.start("worker") for _ in range(workers)]
    kills = kills_in_doubt = records_in_doubt = in_erp_at_last_kill = 0
    while kills < SCALE.crash_kills or batches:
        if batches:
            books.fund(batches.pop(0))
        for worker in running:
            processes.wait_until_said(worker, "exporting", timeout=30)
        time.sleep(dice.uniform(0.05, 2.0))  # long enough, on average, to export a batch
        victims = running if workers == 1 else dice.sample(running, dice.choice([1, 2]))
        for victim in list(victims):
            processes.kill(victim)
            running.remove(victim)
            kills += 1
        in_erp_at_last_kill = erp_sandbox.payment_count()
        in_doubt = len(
            set(erp_copies(erp_sandbox)) - {str(i) for i in books.outcomes().exported_ids}
        )
        kills_in_doubt += in_doubt > 0
        records_in_doubt += in_doubt
        running += [processes.start("worker") for _ in range(workers - len(running))]

    outcomes = books.settle(timeout=60 + SCALE.crash_records / 10)
    processes.check_alive()
    dealt = erp_sandbox.faults_suffered()  # before the figures, which stop the faults
    figures = end_of_run_figures(books, erp_sandbox, settings)
    figures |= {
        "backend": backend,
        "workers": workers,
        "sigkills": kills,
        "records_in_erp_at_the_last_kill": in_erp_at_last_kill,
        "kills_with_records_stored_in_erp_and_unrecorded": kills_in_doubt,
        "records_stored_in_erp_and_unrecorded_at_a_kill": records_in_doubt,
        "erp_faults_dealt": dealt,
        "worker_processes_started": processes.started,
        "workers_that_died_unasked": len(processes.crashed),
    }
    record_figures(f"worker-crashes-{backend}-{workers}-workers", figures)
    assert outcomes.pending == 0, figures
    assert_nothing_lost_nothing_doubled(figures, per_batch * SCALE.crash_kills)
    assert processes.crashed == []

"""`paysync projections` as a process of its own: it catches up, and after downtime resumes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from application.payments.payments import Payments
from infrastructure.settings import Settings
from tests.integration.payment_world import PaymentWorld
from tests.integration.read_model_views import NAMES, opened, replayed
from tests.stores import process_env

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 30.0


@contextmanager
def projections_process(settings: Settings, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYSYNC_")}
    env |= {"PAYSYNC_DATA_DIR": str(settings.data_dir), "PAYSYNC_FOLLOWER_POLL_SECONDS": "0.1"}
    env |= process_env(settings)
    if settings.database_url:
        env["PAYSYNC_DATABASE_URL"] = settings.database_url
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "interfaces.cli", "projections"],
            cwd=REPOSITORY_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def wait_until_caught_up(settings: Settings, payments: Payments, log: Path) -> None:
    """Every view the process keeps equals a replay from scratch (bounded wait)."""
    expected = {name: replayed(settings, payments, name) for name in NAMES}
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        dumps = {}
        for name in NAMES:
            with opened(settings, name) as view:
                dumps[name] = view.dump()
        if dumps == expected:
            return
        assert time.monotonic() < deadline, f"not caught up; its log:\n{log.read_text()}"
        time.sleep(0.1)  # waiting for the other process, not asserting on time


def test_the_projections_process_catches_up_after_downtime_from_its_positions(
    settings: Settings, payments: Payments, tmp_path: Path
) -> None:
    log = tmp_path / "projections.log"
    world = PaymentWorld(payments)
    world.configure(0, sync=True)
    world.funded_disbursement(invoices=2)

    with projections_process(settings, log) as process:
        wait_until_caught_up(settings, payments, log)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=WAIT_SECONDS) == 0, log.read_text()

    # While it is down, the log moves on.
    world.funded_disbursement(invoices=1)
    world.export_ok(0)
    world.export_failed(0)

    with projections_process(settings, log) as process:
        wait_until_caught_up(settings, payments, log)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=WAIT_SECONDS) == 0, log.read_text()

    starts = re.findall(r"payment_records at (\d+)", log.read_text())
    assert len(starts) == 2
    assert int(starts[0]) == 0 < int(starts[1])  # the second run resumed, it did not restart

"""API processes SIGKILLed under load: every command the API acknowledged is in the store.

On PostgreSQL two API processes share the store and one of them is killed at a time; on
SQLite the one API process is the store's writer, killed mid-write. The clients send each
command with an Idempotency-Key and send it again when its answer is lost, so every retried
command must have had exactly one effect, and its client must have been told of it. After the
last restart the read models and the audit chain must verify.
"""

from __future__ import annotations

import random
import time

import pytest

from infrastructure.settings import Settings
from tests.reliability.harness import (
    API_PROCESSES,
    Books,
    Processes,
    Servers,
    missing_from_store,
    verify_after_recovery,
)
from tests.reliability.load import CommandLoad, effects_of_retries
from tests.reliability.scale import SCALE, record_figures


@pytest.mark.parametrize("backend", ["postgres", "sqlite"], indirect=True)
def test_api_processes_killed_under_load_lose_no_acknowledged_command(
    settings: Settings, books: Books, processes: Processes, backend: str
) -> None:
    dice = random.Random(backend)
    servers = Servers(processes)
    for _ in range(API_PROCESSES[backend]):
        servers.start()
    load = CommandLoad(settings, servers.urls, retry_lost_answers=True)
    load.start()
    kills = 0
    try:
        for _ in range(SCALE.api_kills):
            time.sleep(dice.uniform(0.5, SCALE.api_seconds_between_kills))
            servers.kill(dice.choice(servers.urls()))
            kills += 1
            servers.start()
        time.sleep(1.0)  # some commands through the restarted servers
    finally:
        load.stop()

    missing = missing_from_store(settings, load.acknowledged)
    effects = effects_of_retries(settings, load.retried)
    processes.stop_all()
    checks = verify_after_recovery(settings)
    figures = {
        "backend": backend,
        "api_processes": API_PROCESSES[backend],
        "sigkills": kills,
        "commands_acknowledged": len(load.acknowledged),
        "acknowledged_missing_from_store": len(missing),
        "answers": dict(load.answers),
        "commands_retried_with_their_key": len(load.retried),
        "effects_of_retried_commands": dict(effects),
        "retried_commands": [retried.answers for retried in load.retried],
        **checks,
    }
    record_figures(f"api-kills-{backend}", figures)
    assert load.acknowledged
    assert missing == []
    one_effect = {"one effect, its id answered", "one effect, told it took effect"}
    assert set(effects) <= one_effect | {"given up by the client"}, figures
    assert all(checks["read_models_consistent"].values()), checks
    assert checks["audit_chain"]["ok"], checks

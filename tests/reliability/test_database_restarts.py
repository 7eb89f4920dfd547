"""PostgreSQL crashing and coming back under load, on a cluster of the test's own.

A command sent while the store is away is either refused or held until the store is back
and then stored (never acknowledged unstored); the API recovers by itself; every
acknowledged command is in the store, and the read models and the audit chain verify
afterwards. (SQLite's writer killed mid-write is
the SQLite half of test_api_kills.)
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from infrastructure.settings import Settings
from tests.reliability.harness import (
    Books,
    Processes,
    free_port,
    missing_from_store,
    verify_after_recovery,
    wait_healthy,
)
from tests.reliability.load import CommandLoad
from tests.reliability.private_postgres import PrivatePostgres
from tests.reliability.scale import SCALE, record_figures

OUTAGE_SECONDS = 2.0


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    if not PrivatePostgres.available():
        pytest.fail("initdb is needed for the database-restart run (PAYSYNC_TEST_PG_BIN)")
    cluster = PrivatePostgres(free_port())
    cluster.create()
    yield cluster
    cluster.destroy()


@pytest.fixture
def settings(private_postgres: PrivatePostgres, tmp_path: Path) -> Settings:
    # As fresh_settings makes them: a development run trusting the sandbox on 127.0.0.1.
    return Settings(
        data_dir=tmp_path / "var",
        database_url=private_postgres.url,
        development=True,
        erp_allowed_hosts="127.0.0.1",
    )


def test_postgres_crashing_under_load_loses_no_acknowledged_command_and_the_api_recovers(
    settings: Settings, private_postgres: PrivatePostgres, books: Books, processes: Processes
) -> None:
    dice = random.Random(5)
    # The company is set up. The test's own pool lets go of its connections now: the crashes
    # would kill them, and psycopg's pool only learns that on use. The checks afterwards read
    # on fresh connections, as a process started after the restart would.
    books.close()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = processes.start("serve", "--no-worker", "--port", str(port))
    assert wait_healthy(url), processes.logs[server.pid].read_text()
    load = CommandLoad(settings, lambda: [url])
    load.start()
    outages: list[tuple[float, float]] = []
    try:
        for _ in range(SCALE.database_restarts):
            time.sleep(dice.uniform(0.5, 1.5))
            down = time.monotonic()
            private_postgres.crash()
            time.sleep(OUTAGE_SECONDS)
            private_postgres.start()
            outages.append((down, time.monotonic()))
        time.sleep(3.0)  # long enough to see the API answer again
    finally:
        load.stop()

    during = sent_while_away(load.timeline, outages)
    after = [answer for sent, _, answer in load.timeline if sent > outages[-1][1] + 1.0]
    missing = missing_from_store(settings, load.acknowledged)
    processes.stop_all()
    checks = verify_after_recovery(settings)
    figures = {
        "backend": "postgres (private cluster, crashed with pg_ctl -m immediate)",
        "restarts": len(outages),
        "outage_seconds_each": OUTAGE_SECONDS,
        "commands_acknowledged": len(load.acknowledged),
        "acknowledged_missing_from_store": len(missing),
        "answers": dict(load.answers),
        "answers_to_commands_in_flight_while_store_away": dict(_count(a for _, a in during)),
        "slowest_answer_to_those_seconds": round(max((w for w, _ in during), default=0.0), 2),
        "answers_after_last_restart": dict(_count(after)),
        **checks,
    }
    record_figures("database-restarts-postgres", figures)
    assert load.acknowledged
    assert missing == []
    assert "201" in after, figures  # recovered by itself
    assert during, figures  # the load went on through the outage
    assert all(checks["read_models_consistent"].values()), checks
    assert checks["audit_chain"]["ok"], checks


def sent_while_away(
    timeline: list[tuple[float, float, str]], outages: list[tuple[float, float]]
) -> list[tuple[float, str]]:
    """(seconds waited, answer) of each command in flight while the store was down."""
    return [
        (answered - sent, answer)
        for sent, answered, answer in timeline
        if any(sent < up and answered > down for down, up in outages)
    ]


def _count(answers: object) -> dict[str, int]:
    counts: dict[str, int] = {}
    for answer in answers:  # type: ignore[attr-defined]
        counts[answer] = counts.get(answer, 0) + 1
    return counts

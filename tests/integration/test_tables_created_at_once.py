"""Processes starting together on one PostgreSQL store all start: none dies creating tables."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from interfaces.bootstrap import bootstrap
from tests.reliability.harness import REPOSITORY_ROOT
from tests.stores import fresh_settings

pytestmark = pytest.mark.postgres

STARTERS = 6
# Each process waits for the same moment, then builds what a worker builds at start.
START_TOGETHER = """
import sys, time
from application.payments.payments import Payments
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env
at = float(sys.argv[1])
settings = Settings(data_dir=sys.argv[2], database_url=sys.argv[3], development=True)
time.sleep(max(0.0, at - time.time()))
Payments(event_store_env(settings)).close()
"""


def test_processes_building_their_tables_at_the_same_moment_all_start(tmp_path: Path) -> None:
    with fresh_settings("postgres", tmp_path) as settings:
        bootstrap(settings).close()  # the tables exist; starting again replaces the functions
        at = time.time() + 3
        starters = [
            subprocess.Popen(
                [sys.executable, "-c", START_TOGETHER, str(at), str(settings.data_dir),
                 str(settings.database_url)],
                cwd=REPOSITORY_ROOT,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(STARTERS)
        ]  # fmt: skip
        errors = [starter.communicate(timeout=60)[1] for starter in starters]

    assert [starter.returncode for starter in starters] == [0] * STARTERS, errors

"""Fixtures of the fault runs: paysync processes to kill, in the test's own folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from infrastructure.settings import Settings
from tests.fixtures.erp_sandbox import ErpSandbox
from tests.reliability.harness import Books, Processes, store_env


@pytest.fixture
def processes(settings: Settings, tmp_path: Path) -> Iterator[Processes]:
    running = Processes(store_env(settings), tmp_path)
    yield running
    running.stop_all()


@pytest.fixture
def books(settings: Settings, erp_sandbox: ErpSandbox) -> Iterator[Books]:
    company = Books(settings, erp_sandbox)
    yield company
    company.close()

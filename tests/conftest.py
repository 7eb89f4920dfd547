"""Fixtures shared by every kind of test: the store (SQLite or PostgreSQL) and the apps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from application.payments.payments import Payments
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env
from tests.stores import BACKENDS, fresh_settings

pytest_plugins = ["tests.fixtures.erp_sandbox"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        request.applymarker(pytest.mark.postgres)
    return str(request.param)


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Iterator[Settings]:
    with fresh_settings(backend, tmp_path) as settings:
        yield settings


@pytest.fixture
def payments(settings: Settings) -> Iterator[Payments]:
    app = Payments(event_store_env(settings))
    yield app
    app.close()

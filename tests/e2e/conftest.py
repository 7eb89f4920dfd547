"""End-to-end: the HTTP API with the export worker running, against the real ERP sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from infrastructure.settings import Settings
from interfaces.api.app import create_app
from interfaces.bootstrap import Paysync, bootstrap
from tests.e2e.api import Api
from tests.fixtures.erp_sandbox import ErpSandbox


@pytest.fixture
def fast_retries(settings: Settings) -> Settings:
    """The 10-minute window shrunk to seconds, so retry and give-up paths run in a test."""
    return settings.model_copy(
        update={
            "export_first_backoff_seconds": 0.05,
            "export_max_backoff_seconds": 0.2,
            "export_window_seconds": 3.0,
            "follower_poll_seconds": 0.2,
        }
    )


@pytest.fixture
def paysync(fast_retries: Settings) -> Iterator[Paysync]:
    system = bootstrap(fast_retries)
    system.start_worker()
    yield system
    system.close()


@pytest.fixture
def api(paysync: Paysync, erp_sandbox: ErpSandbox) -> Iterator[Api]:
    erp_sandbox.add_bank_account("1001")
    erp_sandbox.add_vendor("V042")
    with TestClient(create_app(paysync.settings, paysync)) as client:
        yield Api(client, paysync)

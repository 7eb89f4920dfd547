"""End-to-end: the HTTP API with the export worker running, against the real ERP sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page

from infrastructure.settings import Settings
from interfaces.api.app import create_app
from interfaces.bootstrap import Paysync, bootstrap
from tests.e2e.api import Api
from tests.e2e.browser import LiveServer, chromium
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One chromium for the whole run: each test gets a fresh context (tab and storage)."""
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    """A fresh tab (nothing stored); a script error or a blocked resource fails the test.
    It is closed before the server stops (it asks for `site`), so no open page holds it up."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, timezone_id="UTC")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{error} {error.stack}"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    # The browser logs every 4xx answer too; the refusals a test provokes are expected.
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []


@pytest.fixture
def site(paysync: Paysync, api: Api) -> Iterator[str]:
    """paysync served over HTTP, with its export worker and read models running."""
    with LiveServer(create_app(paysync.settings, paysync, projections=True)) as server:
        yield server.url

"""The ERP Integrations page's event stream: `changed` when the company's payment records
change in the read model, and nothing for another company's."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from interfaces.api.app import create_app
from interfaces.bootstrap import Paysync
from tests.e2e.api import Api
from tests.e2e.browser import LiveServer
from tests.fixtures.erp_sandbox import ErpSandbox


@pytest.fixture
def backend() -> str:
    # The stream reads the read model through the same view on either store.
    return "sqlite"


@pytest.fixture
def server(paysync: Paysync, api: Api) -> Iterator[str]:
    with LiveServer(create_app(paysync.settings, paysync, projections=True)) as live:
        yield live.url


def funded_records(api: Api, erp_sandbox: ErpSandbox) -> None:
    api.configure_erp(erp_sandbox.base_url, sync=False)
    account = api.open_account(next_check_number=10000)
    api.funded_disbursement(account, (api.approved_invoice("INV-1"), "10.00"))


def messages_within(lines: Iterator[str], seconds: float) -> list[str]:
    """The stream's lines for `seconds` (a comment line arrives every second, so this ends)."""
    seen: list[str] = []
    ends = time.monotonic() + seconds
    for line in lines:
        if line:
            seen.append(line)
        if time.monotonic() > ends or line.startswith("event:"):
            break
    return seen


def test_the_stream_says_changed_for_the_companys_records_and_not_for_another_companys(
    server: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    other = Api(api.client, api.paysync, company="globex")
    headers = api.headers("auditor")
    url = f"{server}/v1/companies/acme/erp-integrations/payment-records/changes"
    with httpx.stream("GET", url, headers=headers, timeout=10) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        assert next(lines).startswith("retry: ")

        funded_records(other, erp_sandbox)
        assert not any(m.startswith("event:") for m in messages_within(lines, 2.5))

        funded_records(api, erp_sandbox)
        seen = messages_within(lines, 8)
        assert "event: changed" in seen


def test_the_stream_needs_a_token(server: str) -> None:
    url = f"{server}/v1/companies/acme/erp-integrations/payment-records/changes"
    assert httpx.get(url, timeout=5).status_code == 401

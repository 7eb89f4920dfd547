"""The live API against its own OpenAPI document: schemathesis, fixed seed, bounded examples,
all its checks, with a valid token of each operation's company."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import positive_data_acceptance

from interfaces.api.app import create_app
from interfaces.api.routes import record_changes
from interfaces.bootstrap import Paysync


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_schema(
    paysync: Paysync, monkeypatch: pytest.MonkeyPatch
) -> Iterator[schemathesis.BaseSchema]:
    # The page's change stream would hold each call open for its whole life.
    monkeypatch.setattr(record_changes, "STREAM_SECONDS", 0.0)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(paysync.settings, paysync), port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    token = paysync.tokens.issue("fuzz", "payments_admin", "acme")
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    schema.config.update(headers={"Authorization": f"Bearer {token}"}, base_url=base)
    yield schema
    server.should_exit = True
    thread.join(timeout=10)


def test_the_api_answers_as_its_schema_says(live_schema: schemathesis.BaseSchema) -> None:
    found: list[str] = []
    for result in live_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: schemathesis.Case) -> None:
            if "company_id" in (case.path_parameters or {}):
                case.path_parameters["company_id"] = "acme"
            # Every check but one: the domain refuses some schema-valid values with 422 by
            # design (a name blank once trimmed, a funding time in the future, a per-field
            # length below the edge's), which a schema cannot state (docs/adr/0038).
            excluded = [positive_data_acceptance]
            if case.operation.path.endswith("/web-connector"):
                # SOAP 1.1 answers every fault with HTTP 500, as the Web Connector expects.
                excluded.append(not_a_server_error)
            case.call_and_validate(excluded_checks=excluded)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as failure:  # collect every operation's
            found.append(f"{operation.label}: {str(failure)[:600]}")
    assert found == [], "\n\n".join(found)

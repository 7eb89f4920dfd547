"""Faults at the edge: a database outage, an oversized body, a path or method that is not
there, an error nobody expected. Each answer is problem+json and says nothing internal."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from infrastructure.settings import Settings
from interfaces.api.app import create_app
from interfaces.bootstrap import bootstrap
from tests.e2e.api import Api
from tests.fixtures.tcp_proxy import TcpProxy
from tests.stores import POSTGRES_URL

PROBLEM = "application/problem+json"


def test_a_body_over_the_limit_is_413_before_it_is_read(api: Api) -> None:
    limit = api.paysync.settings.max_body_bytes
    headers = {**api.headers("payments_admin"), "Content-Type": "application/json"}
    declared = api.client.post(
        "/v1/companies/acme/invoices", content=b"x" * (limit + 1), headers=headers
    )
    assert declared.status_code == 413
    assert declared.headers["content-type"] == PROBLEM

    def chunks() -> Iterator[bytes]:
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    streamed = api.client.post("/v1/companies/acme/invoices", content=chunks(), headers=headers)
    assert streamed.status_code == 413, streamed.text
    assert streamed.headers["content-type"] == PROBLEM


def test_a_path_that_is_not_there_and_a_method_that_is_not_allowed_are_problem_json(
    api: Api,
) -> None:
    missing = api.client.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    wrong = api.client.delete("/v1/companies/acme/erp-settings", headers=api.headers("auditor"))
    assert wrong.status_code == 405
    assert wrong.headers["content-type"] == PROBLEM
    assert set(wrong.headers["allow"].replace(" ", "").split(",")) == {"GET", "PUT"}


def test_an_unexpected_error_is_a_500_problem_without_internals(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("secret internals at /srv/paysync/db.py line 42")

    monkeypatch.setattr(api.paysync.payments, "erp_settings", broken)
    with TestClient(api.client.app, raise_server_exceptions=False) as client:
        response = client.get("/v1/companies/acme/erp-settings", headers=api.headers("auditor"))
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert "secret" not in response.text
    assert "RuntimeError" not in response.text


@pytest.fixture
def proxied_postgres(tmp_path: Path) -> Iterator[tuple[Settings, TcpProxy]]:
    proxy = TcpProxy("127.0.0.1", 5432)
    proxy.start()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield (
            Settings(
                data_dir=tmp_path / "var",
                database_url=f"postgresql://postgres@127.0.0.1:{proxy.port}/postgres?schema={schema}",
                development=True,
            ),
            proxy,
        )
    finally:
        proxy.cut()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.mark.postgres
def test_with_the_database_gone_requests_get_503_quickly_and_recover_when_it_returns(
    proxied_postgres: tuple[Settings, TcpProxy],
) -> None:
    settings, proxy = proxied_postgres
    paysync = bootstrap(settings)
    try:
        with TestClient(create_app(settings, paysync), raise_server_exceptions=False) as client:
            api = Api(client, paysync)
            account = api.open_account(next_check_number=100)
            proxy.cut()
            started = time.monotonic()
            down = client.get(
                f"/v1/companies/acme/funding-accounts/{account}",
                headers=api.headers("auditor"),
            )
            waited = time.monotonic() - started
            assert down.status_code == 503, down.text
            assert down.headers["content-type"] == PROBLEM
            assert "5432" not in down.text
            assert str(proxy.port) not in down.text
            assert waited < 10  # a bound on the hang we had (30-70 s), not a speed target
            proxy.start()
            deadline = time.monotonic() + 20
            while True:
                back = client.get(
                    f"/v1/companies/acme/funding-accounts/{account}",
                    headers=api.headers("auditor"),
                )
                if back.status_code == 200 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert back.status_code == 200, back.text
    finally:
        paysync.close()

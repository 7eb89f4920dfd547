"""What operators and newcomers open first: /, /docs, /healthz, /readyz, /metrics, request ids."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from anyio import to_thread
from fastapi.testclient import TestClient

from infrastructure.settings import Settings
from interfaces.api.app import create_app
from interfaces.bootstrap import bootstrap
from tests.e2e.api import Api, wait_for
from tests.fixtures.erp_sandbox import ErpSandbox


def test_a_browser_at_the_root_is_sent_to_the_web_app(api: Api) -> None:
    response = api.client.get(
        "/", headers={"Accept": "text/html,application/xhtml+xml"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/app/"


def test_a_program_at_the_root_gets_links_it_can_follow(api: Api) -> None:
    links = api.client.get("/", headers={"Accept": "application/json"}).json()["links"]
    for name in ("web_app", "api_docs", "api_reference", "openapi", "health", "metrics"):
        assert api.client.get(links[name]).status_code == 200, name


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_docs_load_every_asset_from_this_server(api: Api, page: str) -> None:
    html = api.client.get(page).text
    assets = re.findall(r"""(?:src|href)=["']([^"']+\.(?:js|css|png))["']""", html)
    assert assets, html
    for asset in assets:
        assert asset.startswith("/"), f"{asset} would need the internet"
        assert api.client.get(asset).status_code == 200, asset


def test_healthz_and_readyz_answer_when_all_is_current(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"ok": True}
    api.paysync.read_models.catch_up()
    api.paysync.audit.chain.catch_up()
    ready = api.client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["ready"] is True


@pytest.fixture
def api_without_followers(settings: Settings) -> Iterator[Api]:
    """Nothing keeps the read models current here, and they may not trail at all."""
    strict = settings.model_copy(update={"ready_max_lag_events": 0})
    paysync = bootstrap(strict)
    with TestClient(create_app(strict, paysync)) as client:
        yield Api(client, paysync)
    paysync.close()


def test_readyz_says_which_read_model_trails_the_log(api_without_followers: Api) -> None:
    api = api_without_followers
    api.open_account(next_check_number=10)
    answer = api.client.get("/readyz")
    assert answer.status_code == 503
    checks = answer.json()["checks"]
    assert checks["store"]["ok"] is True
    trailing = {name for name, check in checks.items() if not check["ok"]}
    assert trailing
    assert all(checks[name]["behind"] >= 1 for name in trailing)
    api.paysync.read_models.catch_up()
    api.paysync.audit.chain.catch_up()
    api.paysync.export_policy.catch_up()
    assert api.client.get("/readyz").json()["ready"] is True


def test_metrics_show_the_export_histogram_moving_by_connector(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=7000)
    invoice = api.approved_invoice("INV-M")
    funded = api.funded_disbursement(account, (invoice, "1000.00"))
    api.settled(funded["id"])

    assert api.client.get("/metrics").headers["content-type"].startswith("text/plain")
    # The job leaves the queue just after its outcome is recorded.
    text = wait_for(
        lambda: api.client.get("/metrics").text,
        lambda t: "paysync_export_queue_depth 0.0" in t,
        timeout=10,
    )
    assert (
        'paysync_export_seconds_count{connector="quickbooks_online",outcome="exported"} 1.0' in text
    )
    assert "paysync_export_queue_depth 0.0" in text
    assert re.search(r'paysync_projection_lag_events\{read_model="payment_records"\}', text)
    route = "/v1/companies/{company_id}/disbursements"
    assert f'paysync_http_request_seconds_count{{method="POST",route="{route}",status="201"}}' in (
        text
    )


def test_a_failed_export_is_counted_by_its_reason(api: Api, erp_sandbox: ErpSandbox) -> None:
    api.configure_erp(erp_sandbox.base_url)
    erp_sandbox.add_check("1001", "300")
    account = api.open_account(next_check_number=300)  # the ERP has check 300 already
    invoice = api.approved_invoice("INV-F")
    api.settled(api.funded_disbursement(account, (invoice, "1000.00"))["id"])

    text = api.client.get("/metrics").text
    assert 'paysync_export_failures_total{reason="check_number_in_use"} 1.0' in text


def test_a_commands_request_id_is_on_its_response_and_on_the_events_it_recorded(
    api: Api,
) -> None:
    response = api.client.post(
        f"/v1/companies/{api.company}/funding-accounts",
        json={"nickname": "Operating", "bank_id": "1001", "next_check_number": 5},
        headers={**api.headers("payments_admin"), "X-Request-ID": "req-42.a"},
    )
    assert response.status_code == 201, response.text
    assert response.headers["x-request-id"] == "req-42.a"
    events = api.call("GET", f"/audit/events?aggregate_id={response.json()['id']}", "auditor")
    assert {e["request_id"] for e in events["events"]} == {"req-42.a"}


def test_an_unusable_request_id_is_replaced_not_echoed(api: Api) -> None:
    response = api.client.get("/healthz", headers={"X-Request-ID": "<script>" + "x" * 200})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_the_worker_counts_retries_when_the_erp_is_down_for_a_while(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=8000)
    invoice = api.approved_invoice("INV-R")
    erp_sandbox.inject_fault("unavailable", count=2)
    api.settled(api.funded_disbursement(account, (invoice, "1000.00"))["id"])

    text = wait_for(
        lambda: api.client.get("/metrics").text,
        lambda t: 'paysync_export_retries_total{reason="erp_unavailable"} 2.0' in t,
        timeout=10,
    )
    assert 'paysync_export_retries_total{reason="erp_unavailable"} 2.0' in text


def test_the_request_id_that_completed_funding_goes_with_the_erp_call_it_caused(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=9100)
    invoice = api.approved_invoice("INV-T")
    body = {"name": "Nov run", "funding_account_id": account,
            "payments": [{"invoice_id": invoice, "amount": "1000.00"}]}  # fmt: skip
    drafted = api.call("POST", "/disbursements", "payments_admin", body, 201, "pat")
    path = f"/v1/companies/{api.company}/disbursements/{drafted['id']}"
    api.call("POST", f"/disbursements/{drafted['id']}/authorize", "payments_admin", subject="pat")
    funded = api.client.post(
        f"{path}/funding-complete",
        json={"funded_at": "2026-11-24T15:00:00Z"},
        headers={**api.headers("service", "bank"), "X-Request-ID": "fund-9100"},
    )
    assert funded.status_code == 200, funded.text
    assert api.settled(drafted["id"])["payments"][0]["export_status"] == "exported"
    assert "fund-9100" in erp_sandbox.request_ids()
    events = api.call("GET", f"/audit/events?aggregate_id={drafted['id']}", "auditor")["events"]
    by_type = {e["type"]: e["request_id"] for e in events}
    assert by_type["FundingCompleted"] == "fund-9100"
    assert by_type["ExportSucceeded"] == "fund-9100"  # recorded by the worker, on its behalf


def test_the_api_runs_as_many_blocking_requests_at_once_as_it_is_set_to(
    settings: Settings,
) -> None:
    """PAYSYNC_HTTP_THREADS bounds the threads of the blocking routes (ADR 0052): the rest
    wait in arrival order rather than contend."""
    few = settings.model_copy(update={"http_threads": 3})
    paysync = bootstrap(few)
    try:
        with TestClient(create_app(few, paysync)) as client:
            assert client.portal is not None
            tokens = client.portal.call(_thread_tokens)  # read on the app's own loop
            assert tokens == 3
            assert client.get("/healthz").status_code == 200
    finally:
        paysync.close()


async def _thread_tokens() -> float:
    return to_thread.current_default_thread_limiter().total_tokens


def test_the_liveness_check_answers_while_every_blocking_route_thread_is_taken(
    settings: Settings,
) -> None:
    """An orchestrator's probe must not queue behind slow ERP calls holding every thread, or
    it would restart a server that is only busy."""
    one = settings.model_copy(update={"http_threads": 1})
    paysync = bootstrap(one)
    holder = object()
    try:
        with TestClient(create_app(one, paysync)) as client:
            assert client.portal is not None
            client.portal.call(_take_the_only_thread, holder)
            answers: list[int] = []
            probe = threading.Thread(
                target=lambda: answers.extend(
                    client.get(path).status_code for path in ("/healthz", "/health")
                )
            )
            try:
                probe.start()
                probe.join(timeout=PATIENCE)  # a bound on a hang, not a speed
                assert answers == [200, 200]
            finally:
                client.portal.call(_give_back_the_thread, holder)
                probe.join()
    finally:
        paysync.close()


PATIENCE = 30


async def _take_the_only_thread(holder: object) -> None:
    await to_thread.current_default_thread_limiter().acquire_on_behalf_of(holder)


async def _give_back_the_thread(holder: object) -> None:
    to_thread.current_default_thread_limiter().release_on_behalf_of(holder)

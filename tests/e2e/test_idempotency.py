"""A retried POST has one effect: the first answer comes back, whoever retries and when."""

from __future__ import annotations

import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from fastapi.testclient import TestClient

from application.payments.idempotency import PendingClaim, claiming
from interfaces.api.app import create_app
from interfaces.api.idempotency import WAIT_FOR_FIRST_SECONDS
from interfaces.bootstrap import bootstrap
from tests.e2e.api import Api

INVOICE = {
    "invoice_number": "INV-1",
    "vendor_id": "v-42",
    "vendor_name": "Rebar Co",
    "erp_vendor_id": "V042",
    "project": "Tower A",
    "amount_due": "1000.00",
}


def post(api: Api, path: str, body: Any, key: str | None, role: str = "payments_admin") -> Any:
    headers = api.headers(role, subject="pat")
    if key is not None:
        headers["Idempotency-Key"] = key
    return api.client.post(f"/v1/companies/acme{path}", json=body, headers=headers)


def drafts(api: Api) -> int:
    return sum(
        1
        for notification in api.paysync.payments.recorder.select_notifications(1, 10_000)
        if notification.topic.endswith("DisbursementDrafted")
    )


def draft_body(api: Api) -> dict[str, Any]:
    account = api.open_account(next_check_number=100)
    invoice = api.approved_invoice("INV-1", sync=False)
    return {
        "name": "Nov",
        "funding_account_id": account,
        "payments": [{"invoice_id": invoice, "amount": "10.00"}],
    }


def test_the_same_create_with_one_key_makes_one_draft_and_answers_it_twice(api: Api) -> None:
    body = draft_body(api)
    first = post(api, "/disbursements", body, "k-1")
    again = post(api, "/disbursements", body, "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert drafts(api) == 1
    assert post(api, "/disbursements", body, "k-2").json()["id"] != first.json()["id"]
    assert drafts(api) == 2


def test_ten_threads_with_one_key_make_one_draft(api: Api) -> None:
    body = draft_body(api)
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: post(api, "/disbursements", body, "race"), range(10)))
    assert {answer.status_code for answer in answers} == {201}, [a.text for a in answers]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert drafts(api) == 1


def test_the_same_key_with_another_body_is_422_and_changes_nothing(api: Api) -> None:
    body = draft_body(api)
    assert post(api, "/disbursements", body, "k-1").status_code == 201
    other = post(api, "/disbursements", {**body, "name": "Dec"}, "k-1")
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert "another request" in other.json()["detail"]
    assert drafts(api) == 1


def test_a_refused_request_is_not_kept_so_the_key_works_once_it_is_fixed(api: Api) -> None:
    body = draft_body(api)
    refused = post(api, "/disbursements", {**body, "name": " "}, "k-1")
    assert refused.status_code == 422
    assert post(api, "/disbursements", {**body, "name": " "}, "k-1").status_code == 422
    assert drafts(api) == 0


def test_a_key_of_one_company_means_nothing_to_another(api: Api) -> None:
    first = post(api, "/invoices", INVOICE, "shared")
    other = Api(api.client, api.paysync, company="globex")
    headers = {**other.headers("payments_admin"), "Idempotency-Key": "shared"}
    theirs = api.client.post("/v1/companies/globex/invoices", json=INVOICE, headers=headers)
    assert theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers
    assert theirs.json()["id"] != first.json()["id"]


def test_a_bad_key_is_422(api: Api) -> None:
    for key in ("", "x" * 201, "spaces are not allowed"):
        assert post(api, "/invoices", INVOICE, key).status_code == 422


def test_funding_complete_twice_with_the_same_body_gets_the_first_answer_without_a_key(
    api: Api,
) -> None:
    draft = api.call("POST", "/disbursements", "payments_admin", draft_body(api), 201)
    path = f"/disbursements/{draft['id']}"
    api.call("POST", f"{path}/authorize", "payments_admin")
    funded = {"funded_at": "2026-11-24T15:00:00Z"}
    first = post(api, f"{path}/funding-complete", funded, None, role="service")
    again = post(api, f"{path}/funding-complete", funded, None, role="service")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    later = post(api, f"{path}/funding-complete", {"funded_at": "2026-11-25T15:00:00Z"}, None,
                 role="service")  # fmt: skip
    assert later.status_code == 409


def test_a_kept_answer_outlives_the_process_and_serves_another_api_process(api: Api) -> None:
    first = post(api, "/invoices", INVOICE, "restart")
    api.paysync.close()
    second = bootstrap(api.paysync.settings)
    try:
        with TestClient(create_app(second.settings, second)) as client:
            again = client.post(
                "/v1/companies/acme/invoices",
                json=INVOICE,
                headers={**api.headers("payments_admin", "pat"), "Idempotency-Key": "restart"},
            )
    finally:
        second.close()
    assert again.status_code == 201
    assert again.json() == first.json()


def test_an_unauthenticated_request_with_a_key_is_refused_not_replayed(api: Api) -> None:
    post(api, "/invoices", INVOICE, "k-1")
    stranger = api.client.post(
        "/v1/companies/acme/invoices", json=INVOICE, headers={"Idempotency-Key": "k-1"}
    )
    assert stranger.status_code == 401
    assert "INV-1" not in stranger.text
    assert isinstance(stranger, httpx.Response)


def test_an_invoice_number_is_taken_once_per_vendor_per_company(api: Api) -> None:
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: post(api, "/invoices", INVOICE, None), range(10)))
    assert sorted(answer.status_code for answer in answers) == [201] + [409] * 9
    refused = next(answer for answer in answers if answer.status_code == 409)
    assert "already has invoice INV-1" in refused.json()["detail"]
    assert post(api, "/invoices", {**INVOICE, "invoice_number": "inv-1"}, None).status_code == 409
    assert post(api, "/invoices", {**INVOICE, "vendor_id": "v-43"}, None).status_code == 201
    globex = Api(api.client, api.paysync, company="globex")
    assert globex.call("POST", "/invoices", "payments_admin", INVOICE, 201)["invoice_number"]


def test_a_retry_of_a_request_whose_server_died_before_answering_is_told_at_once(
    api: Api,
) -> None:
    # As a killed API process leaves it: the command's effect stored with its claim, no answer
    # kept, and the claim older than any live request's wait.
    body = json.dumps(INVOICE).encode()
    path = "/v1/companies/acme/invoices"
    fingerprint = hashlib.sha256(f"pat:payments_admin\n{path}\n".encode() + body).hexdigest()
    payments = api.paysync.payments
    claim = PendingClaim(
        "acme",
        "died",
        fingerprint,
        lambda: None,
        claimed_at=time.time() - WAIT_FOR_FIRST_SECONDS - 1,
    )
    with claiming(claim):
        payments.receive_invoice("acme", actor="pat", **INVOICE)

    headers = {**api.headers("payments_admin", "pat"), "Idempotency-Key": "died"}
    retry = api.client.post(
        path, content=body, headers={**headers, "content-type": "application/json"}
    )

    assert retry.status_code == 409, retry.text
    assert "answer was lost" in retry.json()["detail"]
    assert (
        sum(
            1
            for n in payments.recorder.select_notifications(1, 10_000)
            if n.topic.endswith("InvoiceReceived")
        )
        == 1
    )

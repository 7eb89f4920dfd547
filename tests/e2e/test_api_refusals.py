"""Bad input gets a clear problem+json naming the rule, and changes nothing in the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.api import Api
from tests.fixtures.erp_sandbox import ErpSandbox

PROBLEM = "application/problem+json"


class Scene:
    """A company with an account, an approved synced invoice and one draft paying it."""

    def __init__(self, api: Api, erp_url: str) -> None:
        self.api = api
        api.configure_erp(erp_url)
        self.account = api.open_account(next_check_number=100)
        self.invoice = api.approved_invoice("INV-1", "1000.00")
        body = {
            "name": "Nov",
            "funding_account_id": self.account,
            "payments": [{"invoice_id": self.invoice, "amount": "400.00"}],
        }
        self.draft = api.call("POST", "/disbursements", "payments_admin", body, 201)["id"]
        self.authorized = api.call("POST", "/disbursements", "payments_admin", body, 201)["id"]
        api.call("POST", f"/disbursements/{self.authorized}/authorize", "payments_admin")

    def draft_paying(self, *amounts: str, invoice: str | None = None) -> dict[str, Any]:
        return {
            "name": "x",
            "funding_account_id": self.account,
            "payments": [{"invoice_id": invoice or self.invoice, "amount": a} for a in amounts],
        }


@pytest.fixture
def scene(api: Api, erp_sandbox: ErpSandbox) -> Scene:
    return Scene(api, erp_sandbox.base_url)


REFUSALS: dict[str, tuple[Callable[[Scene], tuple[str, str, str, Any]], int, str]] = {
    "a negative amount": (
        lambda s: ("POST", "/disbursements", "payments_admin", s.draft_paying("-5.00")),
        422,
        "more than zero",
    ),
    "a malformed amount": (
        lambda s: ("POST", "/disbursements", "payments_admin", s.draft_paying("12,50")),
        422,
        "is not an amount",
    ),
    "an amount with three decimals": (
        lambda s: ("POST", "/disbursements", "payments_admin", s.draft_paying("1.005")),
        422,
        "more than two decimal places",
    ),
    "an amount sent as a JSON number": (
        lambda s: (
            "POST",
            "/disbursements",
            "payments_admin",
            {**s.draft_paying("1.00"), "payments": [{"invoice_id": s.invoice, "amount": 1.5}]},
        ),
        422,
        "decimal string",
    ),
    "a payment over the open amount": (
        lambda s: ("POST", "/disbursements", "payments_admin", s.draft_paying("700.00")),
        409,
        "exceeds the open amount",
    ),
    "an unknown invoice": (
        lambda s: (
            "POST",
            "/disbursements",
            "payments_admin",
            s.draft_paying("1.00", invoice="00000000-0000-0000-0000-000000000001"),
        ),
        422,
        "no invoice",
    ),
    "an unknown disbursement": (
        lambda s: (
            "POST",
            "/disbursements/00000000-0000-0000-0000-000000000001/authorize",
            "payments_admin",
            None,
        ),
        404,
        "no disbursement",
    ),
    "a malformed id": (
        lambda s: ("GET", "/disbursements/not-a-uuid", "auditor", None),
        422,
        "uuid",
    ),
    "101 payments": (
        lambda s: ("POST", "/disbursements", "payments_admin", s.draft_paying(*["1.00"] * 101)),
        409,
        "1 to 100",
    ),
    "no payments": (
        lambda s: ("POST", "/disbursements", "payments_admin", s.draft_paying()),
        409,
        "1 to 100",
    ),
    "the same invoice twice": (
        lambda s: ("POST", "/disbursements", "payments_admin", s.draft_paying("1.00", "2.00")),
        409,
        "only once",
    ),
    "canceling after authorization": (
        lambda s: (
            "POST",
            f"/disbursements/{s.authorized}/cancel",
            "payments_admin",
            {"reason": "oops"},
        ),
        409,
        "only in draft",
    ),
    "canceling without a reason": (
        lambda s: ("POST", f"/disbursements/{s.draft}/cancel", "payments_admin", {"reason": " "}),
        422,
        "needs a reason",
    ),
    "authorizing twice": (
        lambda s: ("POST", f"/disbursements/{s.authorized}/authorize", "payments_admin", None),
        409,
        "only in draft",
    ),
    "completing funding of a draft": (
        lambda s: (
            "POST",
            f"/disbursements/{s.draft}/funding-complete",
            "service",
            {"funded_at": "2026-11-24T15:00:00Z"},
        ),
        409,
        "only after it was requested",
    ),
    "a funding time without a time zone": (
        lambda s: (
            "POST",
            f"/disbursements/{s.authorized}/funding-complete",
            "service",
            {"funded_at": "2026-11-24T15:00:00"},
        ),
        422,
        "timezone",
    ),
    "a lowered next check number": (
        lambda s: (
            "PATCH",
            f"/funding-accounts/{s.account}",
            "payments_admin",
            {"next_check_number": 100},
        ),
        409,
        "must be above 100",
    ),
    "a next check number that is not a number": (
        lambda s: (
            "PATCH",
            f"/funding-accounts/{s.account}",
            "payments_admin",
            {"next_check_number": "ten"},
        ),
        422,
        "integer",
    ),
    "a duplicate nickname": (
        lambda s: (
            "POST",
            "/funding-accounts",
            "payments_admin",
            {"nickname": "operating", "bank_id": "2002", "next_check_number": 1},
        ),
        409,
        "already named",
    ),
    "a duplicate Bank ID": (
        lambda s: (
            "POST",
            "/funding-accounts",
            "payments_admin",
            {"nickname": "Payroll", "bank_id": "1001", "next_check_number": 1},
        ),
        409,
        "already has Bank ID",
    ),
    "editing a payment that did not fail": (
        lambda s: (
            "PATCH",
            f"/disbursements/{s.authorized}/payments/"
            f"{s.api.disbursement(s.authorized)['payments'][0]['id']}",
            "accounting_approver",
            {"check_number": 5},
        ),
        409,
        "only after it failed",
    ),
    "an unknown connector": (
        lambda s: (
            "PUT",
            "/erp-settings",
            "accounting_approver",
            {"connector": "lotus_123", "payment_record_sync_enabled": True},
        ),
        422,
        "not a connector we offer",
    ),
    "an unknown field": (
        lambda s: ("PATCH", f"/funding-accounts/{s.account}", "payments_admin", {"colour": "red"}),
        422,
        "extra",
    ),
    "the approver authorizing what they approved": (
        lambda s: ("POST", f"/disbursements/{s.draft}/authorize", "payments_admin", None),
        409,
        "may not authorize",
    ),
}


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refused_request_names_the_rule_and_changes_nothing(
    scene: Scene, case: tuple[Callable[[Scene], tuple[str, str, str, Any]], int, str]
) -> None:
    build, status, words = case
    method, path, role, body = build(scene)
    subject = "ann" if "may not authorize" in words else None  # ann approved the invoice
    recorder = scene.api.paysync.payments.recorder
    before = recorder.max_notification_id()

    response = scene.api.client.request(
        method, f"/v1/companies/acme{path}", json=body, headers=scene.api.headers(role, subject)
    )

    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status
    assert {"type", "title", "detail"} <= problem.keys()
    assert words.lower() in problem["detail"].lower()
    assert recorder.max_notification_id() == before


def test_a_request_without_a_token_is_unauthorized(scene: Scene) -> None:
    response = scene.api.client.get(f"/v1/companies/acme/invoices/{scene.invoice}")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_forged_token_is_unauthorized(scene: Scene) -> None:
    headers = {"Authorization": "Bearer " + scene.api.headers("auditor")["Authorization"][-20:]}
    response = scene.api.client.get(f"/v1/companies/acme/invoices/{scene.invoice}", headers=headers)
    assert response.status_code == 401


def test_an_auditor_reads_but_may_not_change_anything(scene: Scene) -> None:
    scene.api.call("GET", f"/invoices/{scene.invoice}", "auditor")
    refused = scene.api.client.post(
        f"/v1/companies/acme/disbursements/{scene.draft}/authorize",
        headers=scene.api.headers("auditor"),
    )
    assert refused.status_code == 403
    assert "auditor role may not" in refused.json()["detail"]


def test_another_companys_records_answer_not_found(scene: Scene) -> None:
    other = Api(scene.api.client, scene.api.paysync, company="globex")
    for path in (
        f"/invoices/{scene.invoice}",
        f"/disbursements/{scene.draft}",
        f"/funding-accounts/{scene.account}",
    ):
        assert (
            other.client.get(
                f"/v1/companies/globex{path}", headers=other.headers("auditor")
            ).status_code
            == 404
        )
    # and a token of globex cannot even name acme's paths
    response = other.client.get(
        f"/v1/companies/acme/invoices/{scene.invoice}", headers=other.headers("auditor")
    )
    assert response.status_code == 404
    assert "INV-1" not in response.text

"""The attacker's table: every path of the API x every role x own and foreign company x bad
tokens. The table is checked against the app's own route list, so a route cannot ship
without its row saying who may call it."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import uuid4

import jwt
import pytest
from fastapi.testclient import TestClient

from infrastructure.tokens import ALGORITHM, Role, Tokens
from interfaces.api.app import create_app
from interfaces.api.routes import record_changes
from interfaces.bootstrap import Paysync

ALL = frozenset(Role)
ADMIN = frozenset({Role.PAYMENTS_ADMIN})
APPROVER = frozenset({Role.ACCOUNTING_APPROVER})
ADMIN_OR_APPROVER = ADMIN | APPROVER
INTAKE = ADMIN | {Role.SERVICE}
NOTIFIER = ADMIN | {Role.SERVICE}
PUBLIC = None  # no token needed
# The on-premises agents log in with the company connection's own login, never a bearer token:
# a token of any role, own company or not, gets no work out of them.
AGENT = frozenset[Role]()

C = "/v1/companies/{company_id}"
D = f"{C}/disbursements/{{disbursement_id}}"
P = f"{D}/payments/{{payment_id}}"
WHO_MAY: dict[tuple[str, str], frozenset[Role] | None] = {
    ("GET", "/health"): PUBLIC,
    # The operator's endpoints: no company data, only the process's own state and counts.
    ("GET", "/"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", f"{C}/erp-settings"): ALL,
    ("PUT", f"{C}/erp-settings"): APPROVER,
    ("GET", f"{C}/funding-accounts"): ALL,
    ("POST", f"{C}/funding-accounts"): ADMIN,
    ("GET", f"{C}/funding-accounts/{{account_id}}"): ALL,
    ("PATCH", f"{C}/funding-accounts/{{account_id}}"): ADMIN_OR_APPROVER,
    ("POST", f"{C}/funding-accounts/{{account_id}}/deactivate"): ADMIN,
    ("GET", f"{C}/funding-accounts/{{account_id}}/check-register"): ALL,
    ("GET", f"{C}/funding-accounts/{{account_id}}/erp-check-numbers"): ALL,
    ("GET", f"{C}/invoices"): ALL,
    ("POST", f"{C}/invoices"): INTAKE,
    ("GET", f"{C}/invoices/{{invoice_id}}"): ALL,
    ("POST", f"{C}/invoices/{{invoice_id}}/approve"): ADMIN_OR_APPROVER,
    ("POST", f"{C}/invoices/{{invoice_id}}/erp-sync"): ADMIN_OR_APPROVER,
    ("GET", f"{C}/disbursements"): ALL,
    ("POST", f"{C}/disbursements"): ADMIN,
    ("GET", D): ALL,
    ("POST", f"{D}/payments"): ADMIN,
    ("POST", f"{D}/authorize"): ADMIN,
    ("POST", f"{D}/cancel"): ADMIN,
    ("POST", f"{D}/funding-complete"): NOTIFIER,
    ("POST", f"{D}/funding-failed"): NOTIFIER,
    ("PATCH", P): ADMIN_OR_APPROVER,
    ("DELETE", P): ADMIN,
    ("POST", f"{P}/payout-returned"): NOTIFIER,
    ("POST", f"{P}/export"): ADMIN_OR_APPROVER,
    ("POST", f"{P}/relink"): ADMIN_OR_APPROVER,
    ("POST", f"{P}/mark-exported"): ADMIN_OR_APPROVER,
    ("GET", f"{C}/audit/events"): ALL,
    ("GET", f"{C}/audit/records/{{aggregate_id}}"): ALL,
    ("GET", f"{C}/audit/export"): ALL,
    ("GET", f"{C}/audit/verify"): ALL,
    ("GET", f"{C}/erp-integrations/payment-records"): ALL,
    ("GET", f"{C}/erp-integrations/payment-records/changes"): ALL,
    ("POST", f"{C}/erp-integrations/payment-records/fix"): ADMIN_OR_APPROVER,
    ("GET", f"{C}/reports/payments"): ALL,
    ("GET", f"{C}/reports/disbursements"): ALL,
    ("GET", f"{C}/reports/export-latency"): ALL,
    ("POST", f"{C}/quickbooks-desktop/web-connector"): AGENT,
    ("POST", f"{C}/sage-300-cre/agent/poll"): AGENT,
    ("POST", f"{C}/sage-300-cre/agent/answers"): AGENT,
}
BEARER_ROWS = {route: who for route, who in WHO_MAY.items() if who is not AGENT}


@pytest.fixture
def client(paysync: Paysync, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    # The page's change stream would hold each call open for its whole life.
    monkeypatch.setattr(record_changes, "STREAM_SECONDS", 0.0)
    return TestClient(create_app(paysync.settings, paysync))


def routes(client: TestClient) -> set[tuple[str, str]]:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


def concrete(template: str, company: str) -> str:
    path = template.replace("{company_id}", company)
    return re.sub(r"\{[a-z_]+\}", lambda _: str(uuid4()), path)


def call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    query = "?aggregate_id=" + str(uuid4()) if path.endswith("/audit/events") else ""
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return client.request(method, path + query, json=body, headers=headers).status_code


def test_every_route_of_the_app_has_its_row(client: TestClient) -> None:
    assert routes(client) == set(WHO_MAY), "add the new route's row to WHO_MAY"


def test_each_role_of_the_company_gets_in_only_where_its_row_says(
    client: TestClient, paysync: Paysync
) -> None:
    wrong: list[str] = []
    for (method, template), allowed in WHO_MAY.items():
        for role in Role:
            token = paysync.tokens.issue(f"{role.value}-user", role, "acme")
            status = call(client, method, concrete(template, "acme"),
                          {"Authorization": f"Bearer {token}"})  # fmt: skip
            if allowed is AGENT:
                if status < 400:
                    wrong.append(f"{method} {template} as {role.value}: {status}, not refused")
                continue
            if allowed is not PUBLIC and role not in allowed and status != 403:
                wrong.append(f"{method} {template} as {role.value}: {status}, not 403")
            if (allowed is PUBLIC or role in allowed) and status in (401, 403):
                wrong.append(f"{method} {template} as {role.value}: {status}")
    assert wrong == []


def test_a_token_of_another_company_finds_nothing_on_any_path(
    client: TestClient, paysync: Paysync
) -> None:
    wrong = []
    for (method, template), allowed in BEARER_ROWS.items():
        if allowed is PUBLIC:
            continue
        for role in Role:
            token = paysync.tokens.issue("mallory", role, "globex")
            answer = client.request(
                method, concrete(template, "acme"), json={} if method != "GET" else None,
                headers={"Authorization": f"Bearer {token}"},
            )  # fmt: skip
            if answer.status_code != 404 or "globex" in answer.text:
                wrong.append(f"{method} {template} as globex {role.value}: {answer.status_code}")
    assert wrong == []


def bad_tokens(paysync: Paysync) -> dict[str, str | None]:
    good = {"iss": "paysync", "sub": "mallory", "role": "payments_admin", "company": "acme"}
    forged = Tokens("a-key-that-is-not-the-servers-key-0123456789")
    return {
        "no header": None,
        "garbage": "Bearer not-a-token",
        "another scheme": "Basic bWFsbG9yeTpwdw==",
        "empty bearer": "Bearer ",
        "signed with another key": "Bearer "
        + forged.issue("mallory", Role.PAYMENTS_ADMIN, "acme"),
        "expired": "Bearer "
        + paysync.tokens.issue("mallory", Role.PAYMENTS_ADMIN, "acme", timedelta(seconds=-5)),
        "alg none": "Bearer " + jwt.encode({**good, "exp": 4102444800}, key="", algorithm="none"),
        "unknown role": "Bearer "
        + jwt.encode(
            {**good, "role": "root", "exp": 4102444800},
            paysync.settings.signing_key, algorithm=ALGORITHM,
        ),
        "no expiry": "Bearer "
        + jwt.encode(good, paysync.settings.signing_key, algorithm=ALGORITHM),
        "other issuer": "Bearer "
        + jwt.encode(
            {**good, "iss": "evil", "exp": 4102444800},
            paysync.settings.signing_key, algorithm=ALGORITHM,
        ),
    }  # fmt: skip


def test_every_bad_token_is_401_on_every_path(client: TestClient, paysync: Paysync) -> None:
    wrong = []
    for (method, template), allowed in BEARER_ROWS.items():
        if allowed is PUBLIC:
            continue
        for name, header in bad_tokens(paysync).items():
            headers = {} if header is None else {"Authorization": header}
            status = call(client, method, concrete(template, "acme"), headers)
            if status != 401:
                wrong.append(f"{method} {template} with {name}: {status}")
    assert wrong == []

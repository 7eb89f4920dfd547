"""Text and numbers at the HTTP edge: what is refused, and that whatever is accepted can be
stored and projected by every read model, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from domain.check_numbers import MAX_CHECK_NUMBER
from tests.e2e.api import Api
from tests.integration.read_model_views import NAMES, follow, opened

PROBLEM = "application/problem+json"

# Everything the edge lets through at once: quotes, backslashes, LIKE wildcards, SQL-ish
# words, right-to-left text, an emoji sequence with a zero-width joiner, private use, a
# decomposed accent (stored composed), and the longest name allowed.
EDGE_NAME_TYPED = 'O\'Brien & "Sons" \\ 100% _x_; DROP TABLE t;-- שלום 👷\u200d♀️ \ue000 Cafe\u0301 '
EDGE_NAME = unicodedata.normalize("NFC", EDGE_NAME_TYPED.strip())
LONG_NAME = EDGE_NAME + "n" * (200 - len(EDGE_NAME))
NICKNAME = (EDGE_NAME + "n" * 100)[:100]
EDGE_NUMBER = "INV/2026-11#%_\\'\"" + "9" * 43  # 60 characters, the longest


def invoice(**changes: Any) -> dict[str, Any]:
    return {
        "invoice_number": "INV-1",
        "vendor_id": "v-42",
        "vendor_name": "Rebar Co",
        "erp_vendor_id": "V042",
        "project": "Tower A",
        "amount_due": "1000.00",
        **changes,
    }


def post(api: Api, path: str, body: Any, role: str = "payments_admin") -> Any:
    return api.client.post(
        f"/v1/companies/acme{path}", content=json.dumps(body), headers={
            **api.headers(role), "Content-Type": "application/json"
        }
    )  # fmt: skip


NOT_TEXT: list[object] = [
    "Rebar\x00Co",
    "Rebar\ud800Co",
    "\udfff",
    "Rebar\x1bCo",
    "Rebar\nCo",
    "Rebar\u2028Co",
    "Rebar\u202eoC",
    "Rebar\ufffe",
    "R" * 201,
    17,
    None,
]


def test_text_no_store_can_keep_is_refused_at_the_edge(api: Api) -> None:
    # json.dumps writes a lone surrogate as \\ud800: the wire form an attacker would send.
    for vendor_name in NOT_TEXT:
        response = post(api, "/invoices", invoice(vendor_name=vendor_name))
        assert response.status_code == 422, (vendor_name, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert "vendor_name" in response.json()["detail"]
    assert api.paysync.payments.recorder.max_notification_id() in (None, 0)


NOT_MONEY: list[object] = [
    "1", "1.5", "1e2", " 1.00", "1.00 ", "+1.00", "1_000.00", "1,000.00",
    "\u0661\u0660\u0660.\u0660\u0660", "\uff11\uff10\uff10.\uff10\uff10", "0x10.00",
    "NaN", "Infinity", "1000000000000.00", "1.005", 1.5, 100, True,
]  # fmt: skip


def test_money_is_an_ascii_decimal_with_exactly_two_places(api: Api) -> None:
    for amount in NOT_MONEY:
        response = post(api, "/invoices", invoice(amount_due=amount))
        assert response.status_code == 422, (amount, response.text)
        assert "amount_due" in response.json()["detail"]


@pytest.mark.parametrize("check_number", [0, -1, MAX_CHECK_NUMBER + 1, 2**63, "100", 100.0, True])
def test_a_check_number_is_a_bounded_whole_number(api: Api, check_number: object) -> None:
    body = {"nickname": "Operating", "bank_id": "1001", "next_check_number": check_number}
    response = post(api, "/funding-accounts", body)
    assert response.status_code == 422, response.text


NOT_A_FUNDING_TIME: list[object] = [
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "2999-01-01T00:00:00Z",
    "1999-12-31T23:59:59Z",
    "2026-11-24T15:00:00",
    1764000000,
    "yesterday",
]


def test_a_funding_time_is_timezone_aware_and_sane(api: Api) -> None:
    for funded_at in NOT_A_FUNDING_TIME:
        response = post(
            api, f"/disbursements/{'0' * 8}-0000-4000-8000-{'0' * 12}/funding-complete",
            {"funded_at": funded_at}, role="service",
        )  # fmt: skip
        assert response.status_code == 422, (funded_at, response.text)
        assert "funded_at" in response.json()["detail"]


BAD_READS = [
    "version=9223372036854775808",
    "version=99999999999999999999999",
    "version=0",
    "version=-1",
    "as_of=0001-01-01T00:00:00Z",
    "as_of=2026-11-24T15:00:00",
]


def test_an_unreadable_version_or_moment_is_422(api: Api) -> None:
    account = api.open_account(next_check_number=100)
    invoice_id = api.approved_invoice("INV-1", sync=False)
    body = {"name": "Nov", "funding_account_id": account,
            "payments": [{"invoice_id": invoice_id, "amount": "1.00"}]}  # fmt: skip
    draft = api.call("POST", "/disbursements", "payments_admin", body, 201)
    for query in BAD_READS:
        for path in (f"/disbursements/{draft['id']}", f"/audit/records/{draft['id']}"):
            response = api.client.get(
                f"/v1/companies/acme{path}?{query}", headers=api.headers("auditor")
            )
            assert response.status_code == 422, (path, query, response.text)


def test_a_version_past_the_last_is_404_naming_the_last(api: Api) -> None:
    account = api.open_account(next_check_number=100)
    invoice_id = api.approved_invoice("INV-1", sync=False)
    body = {"name": "Nov", "funding_account_id": account,
            "payments": [{"invoice_id": invoice_id, "amount": "1.00"}]}  # fmt: skip
    draft = api.call("POST", "/disbursements", "payments_admin", body, 201)
    assert api.call("GET", f"/disbursements/{draft['id']}?version=1", "auditor")["version"] == 1
    for path in (f"/disbursements/{draft['id']}", f"/audit/records/{draft['id']}"):
        response = api.client.get(
            f"/v1/companies/acme{path}?version=99", headers=api.headers("auditor")
        )
        assert response.status_code == 404, response.text
        assert f"its last is {draft['version']}" in response.json()["detail"]


def test_a_company_id_outside_the_pattern_is_refused(api: Api) -> None:
    for company in ("ac%00me", "a" * 65, "-acme", "ac me", "%F0%9F%91%B7"):
        response = api.client.get(
            f"/v1/companies/{company}/erp-settings", headers=api.headers("auditor")
        )
        assert response.status_code in (404, 422), (company, response.text)
        assert response.headers["content-type"] == PROBLEM


def test_every_accepted_edge_value_is_stored_and_projected_by_every_read_model(
    api: Api,
) -> None:
    account = api.call("POST", "/funding-accounts", "payments_admin", {
        "nickname": NICKNAME, "bank_id": EDGE_NUMBER, "next_check_number": MAX_CHECK_NUMBER,
    }, 201)["id"]  # fmt: skip
    invoice_id = api.call("POST", "/invoices", "payments_admin", invoice(
        invoice_number=EDGE_NUMBER, vendor_id=EDGE_NUMBER, vendor_name=EDGE_NAME_TYPED,
        erp_vendor_id=EDGE_NUMBER, project=LONG_NAME, commitment=EDGE_NUMBER,
        amount_due="999999999999.99",
    ), 201)  # fmt: skip
    assert invoice_id["vendor_name"] == EDGE_NAME
    api.call("POST", f"/invoices/{invoice_id['id']}/approve", "accounting_approver")
    paying = [{"invoice_id": invoice_id["id"], "amount": "999999999999.99"}]
    body = {"name": LONG_NAME, "funding_account_id": account, "payments": paying}
    run = api.call("POST", "/disbursements", "payments_admin", body, 201, subject="pat")
    api.call("POST", f"/disbursements/{run['id']}/authorize", "payments_admin", subject="pat")
    api.call("POST", f"/disbursements/{run['id']}/funding-complete", "service",
             {"funded_at": "2000-01-01T00:00:00-12:00"})  # fmt: skip
    second = api.approved_invoice("INV-2", "1.00", sync=False)
    other = {**body, "payments": [{"invoice_id": second, "amount": "1.00"}]}
    cancelled = api.call("POST", "/disbursements", "payments_admin", other, 201)
    api.call("POST", f"/disbursements/{cancelled['id']}/cancel", "payments_admin",
             {"reason": "r" * 499 + "é"})  # fmt: skip

    settings, payments = api.paysync.settings, api.paysync.payments
    for name in NAMES:
        with opened(settings, name) as view:
            assert follow(payments, name, view) > 0, name
            stored = repr(view.dump())
        assert "\\x00" not in stored
    with opened(settings, "payments_overview") as view:
        follow(payments, "payments_overview", view)
        values = [value for rows in view.dump().values() for row in rows for value in row]
    assert EDGE_NAME in values
    assert LONG_NAME in values

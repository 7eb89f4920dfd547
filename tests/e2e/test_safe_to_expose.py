"""Probed as an attacker or a careless caller would: refused or handled, and nothing leaks."""

from __future__ import annotations

import pytest

from tests.e2e.api import Api
from tests.fixtures.erp_sandbox import ErpSandbox

PROBLEM = "application/problem+json"


def erp_settings(url: str) -> dict[str, object]:
    return {
        "connector": "quickbooks_online",
        "payment_record_sync_enabled": True,
        "erp_base_url": url,
    }


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:5432/",
        "http://127.0.0.2:5432",
        "http://localhost:8000",
        "http://127.0.0.1:8765/sandbox/reset?x=",
        "https://attacker.example",
    ],
)
def test_an_erp_address_the_operator_did_not_allow_is_422_and_kept_out(
    api: Api, erp_sandbox: ErpSandbox, url: str
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    response = api.client.put(
        "/v1/companies/acme/erp-settings",
        json=erp_settings(url),
        headers=api.headers("accounting_approver"),
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    kept = api.call("GET", "/erp-settings", "auditor")
    assert kept["erp_base_url"] == erp_sandbox.base_url


def test_the_schema_documents_every_error_a_company_route_can_answer(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    missing = []
    for path, operations in paths.items():
        if not path.startswith("/v1/companies/"):
            continue
        for method, operation in operations.items():
            for status in ("401", "403", "404", "409", "412", "413", "422", "500", "503"):
                content = operation["responses"].get(status, {}).get("content", {})
                if path.endswith("/web-connector") and status == "500" and "text/xml" in content:
                    continue  # a SOAP fault, as the Web Connector's protocol has it
                if PROBLEM not in content:
                    missing.append(f"{method.upper()} {path} {status}")
    assert missing == []

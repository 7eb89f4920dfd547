"""A company's connection to its ERP over HTTP: typed per connector, secrets only by name."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.api import Api


def put_settings(api: Api, body: dict[str, Any], expect: int = 200) -> Any:
    settings = {"connector": "quickbooks_online", "payment_record_sync_enabled": True, **body}
    return api.call("PUT", "/erp-settings", "accounting_approver", settings, expect)


def test_a_connection_is_kept_and_shown_with_its_secret_by_name_only(api: Api) -> None:
    connection = {
        "base_url": "http://127.0.0.1:9/",
        "realm_id": "4620816365",
        "access_token_ref": "acme_qbo",
        "expense_account_id": "7",
    }
    put_settings(api, {"connection": connection})

    shown = api.call("GET", "/erp-settings", "auditor")

    assert shown["connection"] == {**connection, "base_url": "http://127.0.0.1:9"}
    assert shown["erp_base_url"] == "http://127.0.0.1:9"


def test_erp_base_url_alone_keeps_working(api: Api) -> None:
    shown = put_settings(api, {"erp_base_url": "http://127.0.0.1:9"})
    assert shown["connection"]["base_url"] == "http://127.0.0.1:9"
    assert shown["connection"]["realm_id"]


@pytest.mark.parametrize(
    ("connection", "words"),
    [
        ({"base_url": "http://127.0.0.1:9", "access_token": "s3cr3t"}, "access_token"),
        ({"base_url": "not-a-url"}, "connection.base_url"),
        ({"realm_id": "1"}, "connection.base_url"),
    ],
)
def test_a_connection_the_connector_cannot_use_is_refused_and_changes_nothing(
    api: Api, connection: dict[str, str], words: str
) -> None:
    put_settings(api, {"erp_base_url": "http://127.0.0.1:9"})
    refusal = put_settings(api, {"connection": connection}, expect=422)
    assert words in str(refusal)
    assert "s3cr3t" not in str(refusal)
    assert api.call("GET", "/erp-settings", "auditor")["connection"]["base_url"] == (
        "http://127.0.0.1:9"
    )

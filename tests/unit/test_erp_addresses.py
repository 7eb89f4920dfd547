"""ERP addresses: only hosts the operator allowed, over https (http in development only)."""

from __future__ import annotations

import pytest

from infrastructure.erp.addresses import ErpAddresses, ErpAddressRefused

ALLOWED = frozenset({"erp.example", "sandbox.internal:8443", "127.0.0.1"})


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://erp.example", "https://erp.example"),
        ("https://ERP.example:443/", "https://erp.example"),
        ("https://erp.example:9000/api/v3", "https://erp.example:9000/api/v3"),
        ("https://sandbox.internal:8443", "https://sandbox.internal:8443"),
    ],
)
def test_an_allowed_https_host_is_kept_as_an_origin_and_plain_path(url: str, kept: str) -> None:
    assert ErpAddresses(ALLOWED).check(url) == kept


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("file:///etc/passwd", "must use https"),
        ("gopher://erp.example/", "must use https"),
        ("http://erp.example", "must use https"),
        ("https://attacker.example", "not an ERP host"),
        ("https://sandbox.internal:8444", "not an ERP host"),
        ("https://127.0.0.2:5432", "not an ERP host"),
        ("https://erp.example.attacker.example", "not an ERP host"),
        ("https://user:pw@erp.example", "user name or password"),
        ("https://erp.example@attacker.example", "user name or password"),
        ("https://erp.example/sandbox/reset?x=", "query"),
        ("https://erp.example/#x", "query or a fragment"),
        ("https://erp.example/a/../sandbox", "plain path segments"),
        ("https://erp.example/%2e%2e/x", "plain path segments"),
        ("https://erp.example:99999", "port"),
        ("https://erp.example:0", "port"),
        ("https:// erp.example", "without spaces"),
        ("https://erp.example\x00.attacker", "without spaces"),
        ("https://[::1]:8000", "must name a host"),
        ("not-a-url", "must use https"),
    ],
)
def test_any_other_address_is_refused_saying_why(url: str, words: str) -> None:
    with pytest.raises(ErpAddressRefused, match=words) as refused:
        ErpAddresses(ALLOWED).check(url)
    assert "PAYSYNC_ERP_ALLOWED_HOSTS" in str(refused.value) or words != "not an ERP host"


def test_plain_http_is_for_an_allowed_host_in_development_only() -> None:
    development = ErpAddresses(ALLOWED, allow_http=True)
    assert development.check("http://127.0.0.1:8765") == "http://127.0.0.1:8765"
    with pytest.raises(ErpAddressRefused, match="not an ERP host"):
        development.check("http://169.254.169.254/latest")
    with pytest.raises(ErpAddressRefused, match="must use https"):
        ErpAddresses(ALLOWED).check("http://127.0.0.1:8765")


def test_no_host_is_allowed_until_the_operator_lists_it() -> None:
    with pytest.raises(ErpAddressRefused, match="not an ERP host"):
        ErpAddresses(frozenset()).check("https://erp.example")

"""Every /app/ path is the same page, so an address can be bookmarked; the page's scripts and
styles are named from the app's root, and the static files are not shadowed by the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from interfaces.api.app import create_app
from interfaces.bootstrap import Paysync


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.mark.parametrize(
    "path",
    ["/app/", "/app/funding-accounts/0b8c", "/app/disbursements/new", "/app/audit/records/x"],
)
def test_a_deep_link_serves_the_page_with_its_policy_and_root_named_assets(
    paysync: Paysync, path: str
) -> None:
    with TestClient(create_app(paysync.settings, paysync)) as client:
        response = client.get(path)
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert 'src="/app/static/app.js"' in response.text
    assert '<meta name="app-root" content="/app/">' in response.text


def test_behind_a_path_prefix_the_assets_are_named_under_it(paysync: Paysync) -> None:
    with TestClient(create_app(paysync.settings, paysync), root_path="/pay") as client:
        response = client.get("/app/reports")
    assert 'href="/pay/app/static/app.css"' in response.text


def test_the_page_preloads_every_script_module_under_its_root(paysync: Paysync) -> None:
    with TestClient(create_app(paysync.settings, paysync), root_path="/pay") as client:
        response = client.get("/app/reports")
    static = Path(__file__).parents[2] / "interfaces" / "web" / "static"
    # Every file, and the module written from the domain's enums.
    modules = sorted([*(path.name for path in static.glob("*.js")), "vocabulary.js"])
    preloaded = re.findall(
        r'<link rel="modulepreload" href="/pay/app/static/([^"]+)">', response.text
    )
    assert preloaded == modules
    assert "erp_check_numbers.js" in preloaded


def test_the_vocabulary_module_is_served_as_script_from_the_domains_enums(
    paysync: Paysync,
) -> None:
    with TestClient(create_app(paysync.settings, paysync)) as client:
        response = client.get("/app/static/vocabulary.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert '"FAILED_TO_EXPORT": "failed_to_export"' in response.text
    assert '"SENT_TO_AGENT": "sent_to_agent"' in response.text


def test_the_static_files_and_the_vendored_chart_are_served_not_the_page(
    paysync: Paysync,
) -> None:
    with TestClient(create_app(paysync.settings, paysync)) as client:
        script = client.get("/app/static/nav.js")
        chart = client.get("/app/static/vendor/uPlot.iife.min.js")
        missing = client.get("/app/static/nothing.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert chart.status_code == 200
    assert "uPlot" in chart.text
    assert missing.status_code == 404

"""A status is one enum member: the API's schema, its filters and the web page follow it.

Each surface is compared with the enum itself, not with a copied list, so a member added to
the enum is expected (and shown) everywhere below without another edit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from application.read_models.payment_records import LISTED_STATUSES
from domain.disbursement import DisbursementStatus
from domain.invoice_payment import ExportStatus
from interfaces.api.app import create_app
from tests.stores import fresh_settings


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    with fresh_settings("sqlite", tmp_path) as settings:
        app = create_app(settings)
        yield app
        app.state.paysync.close()


def enums_of(schema: dict[str, Any]) -> list[str]:
    """Every `enum` list and `const` in a parameter's schema, flattened."""
    text = repr(schema)
    consts = re.findall(r"'const': '([^']*)'", text)
    return consts + [
        value
        for found in re.findall(r"'enum': \[([^\]]*)\]", text)
        for value in re.findall(r"'([^']*)'", found)
    ]


def parameter(app: FastAPI, path: str, name: str) -> list[str]:
    openapi = app.openapi()
    [param] = [p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == name]
    schema = param["schema"]
    refs = re.findall(r"#/components/schemas/(\w+)", repr(schema))
    resolved = [openapi["components"]["schemas"][ref] for ref in refs]
    return enums_of({"schema": schema, "refs": resolved})


def test_the_failed_to_export_filter_offers_every_export_status_and_all(app: FastAPI) -> None:
    offered = parameter(
        app, "/v1/companies/{company_id}/erp-integrations/payment-records", "filter"
    )
    assert sorted(offered) == sorted([status.value for status in ExportStatus] + ["all"])


def test_the_payments_report_filters_by_every_disbursement_status(app: FastAPI) -> None:
    offered = parameter(app, "/v1/companies/{company_id}/reports/payments", "status")
    assert sorted(offered) == sorted(status.value for status in DisbursementStatus)


def test_the_web_page_gets_a_tab_for_every_listed_export_status(app: FastAPI) -> None:
    html = TestClient(app).get("/app/").text
    [content] = re.findall(r'<meta name="export-statuses" content="([^"]*)">', html)
    assert content.split() == [status.value for status in LISTED_STATUSES]
    assert set(content.split()) == {s.value for s in ExportStatus} - {ExportStatus.NOT_READY}


def test_a_filter_that_is_not_a_status_is_refused(app: FastAPI) -> None:
    # Refused before any credential is looked at: the parameter itself is out of the enum.
    path = "/v1/companies/acme/erp-integrations/payment-records"
    answer = TestClient(app).get(path, params={"filter": "lost"})
    assert answer.status_code in (401, 422)

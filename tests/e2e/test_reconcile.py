"""`paysync reconcile` against the real sandbox: what the ERP holds, what paysync exported.

Every connector whose ERP can list its payment records by date is reconciled through its own
read API; the others say why they cannot be read.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from interfaces.cli import main
from tests.e2e.api import Api
from tests.e2e.test_every_connector_story import configure, sandbox_connection
from tests.fixtures.erp_sandbox import ErpSandbox
from tests.stores import process_env

NOVEMBER = ["--from", "2026-11-01", "--to", "2026-11-30"]
READABLE = ["quickbooks_online", "sage_intacct", "acumatica", "cmic", "viewpoint_vista"]


@pytest.fixture
def cli(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI pointed at the store the API runs on."""
    settings = api.paysync.settings
    monkeypatch.setenv("PAYSYNC_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("PAYSYNC_DATABASE_URL", settings.database_url)
    for name, value in process_env(settings).items():
        monkeypatch.setenv(name, value)


@pytest.fixture(params=READABLE)
def connector(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def exported(api: Api, erp_sandbox: ErpSandbox, cli: None, connector: str) -> list[Any]:
    """Four records exported for acme (funded 2026-11-24) through the connector."""
    configure(api, connector, sandbox_connection(erp_sandbox, connector))
    account = api.open_account(next_check_number=5000)
    invoices = [api.approved_invoice(f"INV-{n}", "100.00") for n in range(4)]
    funded = api.funded_disbursement(account, *[(i, "100.00") for i in invoices])
    settled = api.settled(funded["id"])
    assert {p["export_status"] for p in settled["payments"]} == {"exported"}
    return sorted(erp_sandbox.payments(), key=lambda record: record["check_number"])


def reconcile(capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    status = main(["reconcile", "--company", "acme", *NOVEMBER, *options])
    return status, capsys.readouterr().out


def test_books_that_match_reconcile_with_nothing_to_report(
    exported: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = reconcile(capsys, "--json")

    report = json.loads(out)
    assert status == 0
    assert report["ok"] is True
    assert (report["exported_in_paysync"], report["records_in_erp"], report["matched"]) == (4, 4, 4)
    assert report["findings"] == []


def test_a_record_deleted_copied_or_edited_in_the_erp_is_reported_as_such(
    exported: list[Any], erp_sandbox: ErpSandbox, connector: str, capsys: pytest.CaptureFixture[str]
) -> None:
    deleted, copied, re_amounted, re_banked = exported
    erp_sandbox.add_bank_account("2002")
    erp_sandbox.delete_payment(deleted["erp_ref"], connector)
    erp_sandbox.copy_payment(copied["erp_ref"], connector)
    erp_sandbox.edit_payment(re_amounted["erp_ref"], connector, amount="90.00", check_number="7777")
    erp_sandbox.edit_payment(re_banked["erp_ref"], connector, bank_id="2002")

    status, out = reconcile(capsys, "--json")

    report = json.loads(out)
    assert status == 1
    assert report["counts"] == {
        "missing_in_erp": 1,
        "present_twice": 1,
        "changed_in_erp": 2,
        "not_exported_in_paysync": 0,
    }
    by_kind = {(f["kind"], f["check_number"]): f for f in report["findings"]}
    assert ("missing_in_erp", deleted["check_number"]) in by_kind
    assert len(by_kind[("present_twice", copied["check_number"])]["erp_refs"]) == 2
    changed = by_kind[("changed_in_erp", re_amounted["check_number"])]["differences"]
    assert changed == [
        {"field": "amount", "paysync": "100.00", "erp": "90.00"},
        {"field": "check_number", "paysync": re_amounted["check_number"], "erp": "7777"},
    ]
    rebanked = by_kind[("changed_in_erp", re_banked["check_number"])]["differences"]
    assert rebanked == [{"field": "bank_id", "paysync": "1001", "erp": "2002"}]


def test_a_record_keyed_into_the_erp_by_hand_is_counted_there_and_reported_as_nothing(
    exported: list[Any], erp_sandbox: ErpSandbox, connector: str, capsys: pytest.CaptureFixture[str]
) -> None:
    erp_sandbox.key_in_payment(connector, "1001", "9001", "55.00", "2026-11-25")

    status, out = reconcile(capsys, "--json")

    report = json.loads(out)
    assert status == 0
    assert (report["exported_in_paysync"], report["records_in_erp"], report["matched"]) == (4, 5, 4)
    assert report["findings"] == []


def test_the_table_names_each_finding_and_a_period_without_records_reconciles(
    exported: list[Any], erp_sandbox: ErpSandbox, connector: str, capsys: pytest.CaptureFixture[str]
) -> None:
    erp_sandbox.delete_payment(exported[0]["erp_ref"], connector)

    status, table = reconcile(capsys)
    assert status == 1
    assert "missing_in_erp 1" in table
    (row,) = [line for line in table.splitlines() if line.startswith("missing_in_erp  ")]
    assert exported[0]["check_number"] in row.split()
    assert "100.00" in row.split()

    october = main(["reconcile", "--company", "acme", "--from", "2026-10-01", "--to", "2026-10-31"])
    assert october == 0
    assert "0 exported in paysync, 0 in the ERP" in capsys.readouterr().out


def test_an_erp_that_cannot_be_read_is_said_so_and_reports_nothing(
    exported: list[Any], erp_sandbox: ErpSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    erp_sandbox.inject_fault("unavailable", count=1)

    status = main(["reconcile", "--company", "acme", *NOVEMBER])

    captured = capsys.readouterr()
    assert status == 2
    assert "the ERP could not be read" in captured.err
    assert captured.out == ""


@pytest.mark.parametrize(
    ("connector", "why"),
    [
        ("yardi", "its ERP's API cannot list payment records by date"),
        ("quickbooks_desktop", "reached only through the on-premises agent"),
    ],
)
def test_a_connector_whose_erp_cannot_be_read_says_why_and_reports_nothing(
    api: Api,
    erp_sandbox: ErpSandbox,
    cli: None,
    connector: str,
    why: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure(api, connector, sandbox_connection(erp_sandbox, connector))

    status = main(["reconcile", "--company", "acme", *NOVEMBER])

    captured = capsys.readouterr()
    assert status == 2
    assert f"the {connector} connector cannot read its ERP's payment records yet" in captured.err
    assert why in captured.err
    assert captured.out == ""

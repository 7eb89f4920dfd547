"""`paysync reconcile` against the real sandbox: what the ERP holds, what paysync exported."""

from __future__ import annotations

import json
from typing import Any

import pytest

from interfaces.cli import main
from tests.e2e.api import Api
from tests.fixtures.erp_sandbox import ErpSandbox
from tests.stores import process_env

NOVEMBER = ["--from", "2026-11-01", "--to", "2026-11-30"]


@pytest.fixture
def exported(api: Api, erp_sandbox: ErpSandbox, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Four records exported for acme (funded 2026-11-24), with the CLI pointed at its store."""
    settings = api.paysync.settings
    monkeypatch.setenv("PAYSYNC_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("PAYSYNC_DATABASE_URL", settings.database_url)
    for name, value in process_env(settings).items():
        monkeypatch.setenv(name, value)
    api.configure_erp(erp_sandbox.base_url)
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
    exported: list[Any], erp_sandbox: ErpSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    deleted, copied, re_amounted, re_banked = exported
    erp_sandbox.add_bank_account("2002")
    erp_sandbox.delete_payment(deleted["erp_ref"])
    erp_sandbox.copy_payment(copied["erp_ref"])
    erp_sandbox.edit_payment(re_amounted["erp_ref"], amount="90.00", check_number="7777")
    erp_sandbox.edit_payment(re_banked["erp_ref"], bank_id="2002")

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


def test_the_table_names_each_finding_and_a_period_without_records_reconciles(
    exported: list[Any], erp_sandbox: ErpSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    erp_sandbox.delete_payment(exported[0]["erp_ref"])

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

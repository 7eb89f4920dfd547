"""Fixing many failed records at once: one command, each record's change its own event."""

from __future__ import annotations

from typing import Any

import pytest

from interfaces.bootstrap import Paysync
from tests.e2e.api import Api
from tests.e2e.test_read_model_endpoints import until
from tests.fixtures.erp_sandbox import ErpSandbox

FAILED = "/erp-integrations/payment-records?filter=failed_to_export"


@pytest.fixture
def projections(paysync: Paysync) -> None:
    paysync.start_projections()


def failed_for_a_wrong_bank_id(api: Api, erp_sandbox: ErpSandbox, count: int) -> tuple[str, Any]:
    """`count` records that failed because the account's Bank ID 9999 is not in the ERP."""
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100, bank_id="9999")
    for n in range(count):
        funded = api.funded_disbursement(account, (api.approved_invoice(f"INV-{n}"), "10.00"))
        api.settled(funded["id"])
    failed = until(api, FAILED, lambda page: len(page["items"]) == count)
    assert {i["export_failure"]["reason"] for i in failed["items"]} == {"bank_id_not_found"}
    return account, failed["items"]


def test_one_command_gives_many_failed_records_a_bank_id_and_exports_them(
    api: Api, erp_sandbox: ErpSandbox, projections: None
) -> None:
    account, failed = failed_for_a_wrong_bank_id(api, erp_sandbox, 3)
    changed = api.call(
        "PATCH", f"/funding-accounts/{account}", "accounting_approver", {"bank_id": "1001"}
    )
    # The account's change offers the records still on the old Bank ID.
    assert sorted(changed["failed_records_with_old_bank_id"]) == sorted(
        i["payment_id"] for i in failed
    )
    records = [
        {"disbursement_id": i["disbursement_id"], "payment_id": i["payment_id"]} for i in failed
    ]
    api.call(
        "POST",
        "/erp-integrations/payment-records/fix",
        "accounting_approver",
        {"bank_id": "1001", "records": records},
    )
    for item in failed:
        payment = api.settled(item["disbursement_id"])["payments"][0]
        assert (payment["export_status"], payment["bank_id"]) == ("exported", "1001")
        events = api.call(
            "GET", f"/audit/events?aggregate_id={item['disbursement_id']}", "auditor"
        )["events"]
        edits = [e["data"] for e in events if e["type"] == "BankIdEdited"]
        assert [(e["previous_bank_id"], e["bank_id"]) for e in edits] == [("9999", "1001")]
    assert sorted(p["bank_id"] for p in erp_sandbox.payments()) == ["1001"] * 3


def test_a_bank_id_change_applied_to_the_failed_records_exports_them(
    api: Api, erp_sandbox: ErpSandbox, projections: None
) -> None:
    account, failed = failed_for_a_wrong_bank_id(api, erp_sandbox, 2)
    changed = api.call(
        "PATCH",
        f"/funding-accounts/{account}",
        "accounting_approver",
        {"bank_id": "1001", "apply_to_failed_records": True},
    )
    assert sorted(changed["records_given_new_bank_id"]) == sorted(i["payment_id"] for i in failed)
    assert changed["failed_records_with_old_bank_id"] == []
    for item in failed:
        assert api.settled(item["disbursement_id"])["payments"][0]["export_status"] == "exported"


def test_a_bulk_fix_with_one_refused_record_changes_none(
    api: Api, erp_sandbox: ErpSandbox, projections: None
) -> None:
    _, failed = failed_for_a_wrong_bank_id(api, erp_sandbox, 2)
    first, second = failed
    api.call("POST", "/erp-integrations/payment-records/fix", "accounting_approver", {
        "records": [{"disbursement_id": first["disbursement_id"], "payment_id": first["payment_id"],
                     "bank_id": "1001"}],
    })  # fmt: skip
    api.settled(first["disbursement_id"])
    before = api.call("GET", f"/audit/events?aggregate_id={second['disbursement_id']}", "auditor")
    refused = api.call(
        "POST",
        "/erp-integrations/payment-records/fix",
        "accounting_approver",
        {
            "records": [
                {**{k: second[k] for k in ("disbursement_id", "payment_id")}, "check_number": 700},
                {**{k: first[k] for k in ("disbursement_id", "payment_id")}, "check_number": 701},
            ]
        },
        expect=409,  # the first one is exported now
    )
    assert "failed to export" in refused["detail"]
    after = api.call("GET", f"/audit/events?aggregate_id={second['disbursement_id']}", "auditor")
    assert after == before
    # 700 was not claimed by the refused command: the record may take it now.
    path = f"/disbursements/{second['disbursement_id']}/payments/{second['payment_id']}"
    fixed = api.call("PATCH", path, "accounting_approver", {"check_number": 700})
    assert fixed["payments"][0]["check_number"] == 700

"""The support article's story on every connector, each set up with the sandbox's own
connection object (GET /sandbox/dialects), through the HTTP API and the running export."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.api import Api
from tests.fixtures.erp_sandbox import ErpSandbox

DIRECT = ["quickbooks_online", "sage_intacct", "acumatica", "cmic", "viewpoint_vista", "yardi"]


def sandbox_connection(erp_sandbox: ErpSandbox, connector: str) -> dict[str, Any]:
    listed = erp_sandbox.client.get("/sandbox/dialects").json()
    (connection,) = [d["connection"] for d in listed if d["connector"] == connector]
    return dict(connection)


def configure(api: Api, connector: str, connection: dict[str, Any]) -> Any:
    body = {"connector": connector, "payment_record_sync_enabled": True, "connection": connection}
    return api.call("PUT", "/erp-settings", "accounting_approver", body)


def test_the_sandbox_lists_a_working_connection_for_every_connector(
    erp_sandbox: ErpSandbox,
) -> None:
    listed = erp_sandbox.client.get("/sandbox/dialects").json()
    assert {d["connector"] for d in listed} >= {*DIRECT, "quickbooks_desktop"}


@pytest.mark.parametrize("connector", DIRECT)
def test_a_used_check_number_fails_as_in_use_and_the_fixed_record_exports_once(
    api: Api, erp_sandbox: ErpSandbox, connector: str
) -> None:
    erp_sandbox.add_check("1001", "100")
    configure(api, connector, sandbox_connection(erp_sandbox, connector))
    account = api.open_account(next_check_number=100)
    invoice = api.approved_invoice("INV-7")

    funded = api.funded_disbursement(account, (invoice, "1000.00"))
    payment = api.settled(funded["id"])["payments"][0]
    assert payment["export_status"] == "failed_to_export"
    assert payment["export_failure"]["reason"] == "check_number_in_use"
    assert payment["erp_connector"] == connector

    path = f"/disbursements/{funded['id']}/payments/{payment['id']}"
    api.call("PATCH", path, "accounting_approver", {"check_number": 10001})
    api.call("POST", f"{path}/export", "accounting_approver", expect=202)
    fixed = api.settled(funded["id"])["payments"][0]

    assert fixed["export_status"] == "exported"
    assert fixed["erp_connector"] == connector
    (held,) = erp_sandbox.payments()
    assert (held["connector"], held["erp_ref"], held["check_number"]) == (
        connector,
        fixed["erp_payment_ref"],
        "10001",
    )


# Yardi's Vendor Invoicing interface finds a paid invoice only by its reference (ADR 0022);
# the agent-reached ERPs answer no call at once.
CANNOT_LIST = ["yardi", "quickbooks_desktop", "sage_300_cre"]
LISTS_CHECKS = [c for c in DIRECT if c not in CANNOT_LIST]


@pytest.mark.parametrize("connector", LISTS_CHECKS)
def test_the_erps_highest_check_number_on_the_bank_account_proposes_the_next_one(
    api: Api, erp_sandbox: ErpSandbox, connector: str
) -> None:
    erp_sandbox.add_check("1001", "100")
    erp_sandbox.add_check("1001", "EFT-7")
    configure(api, connector, sandbox_connection(erp_sandbox, connector))
    account = api.open_account(next_check_number=100)

    seen = api.call("GET", f"/funding-accounts/{account}/erp-check-numbers", "auditor")

    assert seen["listed"] is True
    assert seen["highest_check_number_in_erp"] == 100
    assert seen["proposed_next_check_number"] == 10000


@pytest.mark.parametrize("connector", CANNOT_LIST)
def test_a_connector_that_cannot_list_checks_says_so(
    api: Api, erp_sandbox: ErpSandbox, connector: str
) -> None:
    configure(api, connector, sandbox_connection(erp_sandbox, connector))
    account = api.open_account(next_check_number=100)
    seen = api.call("GET", f"/funding-accounts/{account}/erp-check-numbers", "auditor")
    assert seen["listed"] is False
    assert seen["proposed_next_check_number"] is None
    assert "cannot list" in seen["why_not_listed"]

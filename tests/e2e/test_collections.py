"""Listing what a company has: funding accounts, invoices and disbursements, keyset-paged."""

from __future__ import annotations

from typing import Any

import pytest

from interfaces.bootstrap import Paysync
from tests.e2e.api import Api
from tests.e2e.test_read_model_endpoints import until
from tests.fixtures.erp_sandbox import ErpSandbox


@pytest.fixture
def projections(paysync: Paysync) -> None:
    paysync.start_projections()


def every_page(api: Api, path: str, limit: int) -> list[dict[str, Any]]:
    joiner = "&" if "?" in path else "?"
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        suffix = f"{joiner}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = api.call("GET", f"{path}{suffix}", "auditor")
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_the_funding_accounts_list_shows_what_each_account_shows(
    api: Api, projections: None
) -> None:
    opened = [
        api.open_account(100 * n, bank_id=f"10{n}", nickname=f"Account {n}") for n in (1, 2, 3)
    ]
    api.call("PATCH", f"/funding-accounts/{opened[1]}", "accounting_approver", {"bank_id": "2002"})

    listed = until(
        api,
        "/funding-accounts",
        lambda page: [a["bank_id"] for a in page["items"]] == ["101", "2002", "103"],
    )
    assert [a["id"] for a in listed["items"]] == opened
    for item in listed["items"]:
        assert item == api.call("GET", f"/funding-accounts/{item['id']}", "auditor")
    assert [a["id"] for a in every_page(api, "/funding-accounts", limit=2)] == opened


def test_invoices_are_listed_by_vendor_payment_status_and_erp_sync_status(
    api: Api, erp_sandbox: ErpSandbox, projections: None
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    paid = api.approved_invoice("INV-1", amount="500.00")
    api.settled(api.funded_disbursement(account, (paid, "500.00"))["id"])
    partly = api.approved_invoice("INV-2", amount="800.00")
    api.settled(api.funded_disbursement(account, (partly, "300.00"))["id"])
    unsynced = api.approved_invoice("INV-3", sync=False)

    def ids(query: str) -> list[str]:
        return [i["id"] for i in api.call("GET", f"/invoices{query}", "auditor")["items"]]

    until(api, "/invoices?payment_status=partially_paid", lambda page: len(page["items"]) == 1)
    # The unsynced invoice was received last: once it is listed, every earlier event is too.
    until(api, "/invoices?payment_status=unpaid", lambda page: len(page["items"]) == 1)
    assert ids("") == [paid, partly, unsynced]
    assert ids("?payment_status=paid") == [paid]
    assert ids("?payment_status=partially_paid") == [partly]
    assert ids("?payment_status=unpaid") == [unsynced]
    assert ids("?erp_sync_status=not_synced") == [unsynced]
    assert ids("?erp_sync_status=synced&vendor_id=v-42") == [paid, partly]
    assert ids("?vendor_id=v-99") == []
    for invoice in api.call("GET", "/invoices", "auditor")["items"]:
        assert invoice == api.call("GET", f"/invoices/{invoice['id']}", "auditor")
    assert [i["id"] for i in every_page(api, "/invoices", limit=1)] == [paid, partly, unsynced]
    bad = api.client.get(
        "/v1/companies/acme/invoices?payment_status=lost", headers=api.headers("auditor")
    )
    assert bad.status_code == 422


def test_disbursements_are_listed_by_status_funding_account_and_funding_day(
    api: Api, erp_sandbox: ErpSandbox, projections: None
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    first, second = api.open_account(100), api.open_account(500, "2002", "Payroll")
    funded = api.funded_disbursement(first, (api.approved_invoice("INV-1"), "10.00"))
    draft = api.call(
        "POST",
        "/disbursements",
        "payments_admin",
        {
            "name": "Dec run",
            "funding_account_id": second,
            "payments": [{"invoice_id": api.approved_invoice("INV-2"), "amount": "20.00"}],
        },
        201,
    )

    def ids(query: str) -> list[str]:
        return [d["id"] for d in api.call("GET", f"/disbursements{query}", "auditor")["items"]]

    until(api, "/disbursements", lambda page: len(page["items"]) == 2)
    assert ids("") == [funded["id"], draft["id"]]
    assert ids("?status=draft") == [draft["id"]]
    assert ids(f"?funding_account_id={first}") == [funded["id"]]
    assert ids("?from=2026-11-24&to=2026-11-24") == [funded["id"]]
    assert ids("?from=2026-11-25") == []
    assert [d["id"] for d in every_page(api, "/disbursements", 1)] == [funded["id"], draft["id"]]
    [listed] = api.call("GET", "/disbursements?status=draft", "auditor")["items"]
    assert (listed["name"], listed["total_amount"], listed["payment_count"]) == (
        "Dec run",
        "20.00",
        1,
    )


def test_another_companys_lists_answer_404(api: Api) -> None:
    for path in ("/funding-accounts", "/invoices", "/disbursements"):
        answer = api.client.get(f"/v1/companies/globex{path}", headers=api.headers("auditor"))
        assert answer.status_code == 404, path

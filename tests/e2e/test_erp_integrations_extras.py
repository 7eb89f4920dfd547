"""The ERP Integrations page beyond its list, in a real browser: search, counts on the tabs,
several failed records exported at once, and rows that change by themselves while the user
types elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.api import Api, wait_for
from tests.e2e.web import assert_accessible, open_as
from tests.fixtures.erp_sandbox import ErpSandbox

pytestmark = pytest.mark.browser


@pytest.fixture
def backend() -> str:
    # The pages only call the HTTP API, tested on both stores elsewhere: SQLite is enough here.
    return "sqlite"


def row_of(page: Page, invoice: str) -> Locator:
    return page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=invoice, exact=True)
    )


def tab(page: Page, name: str) -> Locator:
    return page.get_by_role("link", name=name, exact=True)


def test_records_are_searched_counted_updated_live_and_exported_together(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    # The ERP already holds checks 100-102, so all three records fail as check_number_in_use.
    for number in ("100", "101", "102"):
        erp_sandbox.add_check("1001", number)
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    invoices = [(api.approved_invoice(f"INV-{n}"), "1000.00") for n in (1, 2, 3)]
    disbursement = api.settled(api.funded_disbursement(account, *invoices)["id"])
    payment_of = {p["invoice_number"]: p["id"] for p in disbursement["payments"]}

    open_as(page, site, api, "accounting_approver", "ann")
    expect(row_of(page, "INV-3")).to_be_visible()
    expect(tab(page, "Failed to Export")).to_have_accessible_description("3")
    expect(tab(page, "Exported")).to_have_accessible_description("0")
    expect(page.get_by_text("Updates by itself as records change.")).to_be_visible()

    # Search by invoice number, then by check number; the address keeps the search.
    search = page.get_by_role("searchbox", name="Search")
    search.fill("INV-2")
    expect(row_of(page, "INV-2")).to_be_visible()
    expect(row_of(page, "INV-1")).to_be_hidden()
    expect(page.get_by_text("1 record matches “INV-2”.")).to_be_visible()
    search.fill("102")
    expect(row_of(page, "INV-3")).to_be_visible()
    expect(row_of(page, "INV-2")).to_be_hidden()
    assert "q=102" in page.url
    search.fill("")
    expect(row_of(page, "INV-1")).to_be_visible()

    # Ann types a new number on INV-3; meanwhile a colleague fixes and exports INV-1 by API.
    inv3 = row_of(page, "INV-3").get_by_label("Check Number")
    inv3.fill("9003")
    path = f"/disbursements/{disbursement['id']}/payments/{payment_of['INV-1']}"
    api.call("PATCH", path, "accounting_approver", {"check_number": 9001}, subject="bob")
    api.call("POST", f"{path}/export", "accounting_approver", expect=202, subject="bob")

    # The page drops INV-1 by itself; what Ann typed, and where, are untouched.
    expect(row_of(page, "INV-1")).to_have_count(0, timeout=15_000)
    expect(inv3).to_have_value("9003")
    expect(inv3).to_be_focused()
    expect(tab(page, "Exported")).to_have_accessible_description("1")

    # She selects both remaining records and exports them at once.
    row_of(page, "INV-2").get_by_label("Check Number").fill("9002")
    page.get_by_label("Select invoice INV-2").check()
    page.get_by_label("Select invoice INV-3").check()
    assert_accessible(page)
    page.get_by_role("button", name="Export selected (2)").click()
    expect(row_of(page, "INV-2")).to_have_count(0)
    expect(row_of(page, "INV-3")).to_have_count(0)
    expect(tab(page, "Failed to Export")).to_have_accessible_description("0")
    assert sorted(p["check_number"] for p in erp_sandbox.payments()) == ["9001", "9002", "9003"]


def test_without_the_event_stream_the_page_polls_and_still_updates_by_itself(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    erp_sandbox.add_check("1001", "100")
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    invoice = api.approved_invoice("INV-1")
    disbursement = api.settled(api.funded_disbursement(account, (invoice, "1000.00"))["id"])
    # A proxy that does not pass event streams: the page falls back to polling.
    page.route("**/payment-records/changes", lambda route: route.abort())

    open_as(page, site, api, "accounting_approver", "ann")
    expect(page.get_by_text("Checking for changes every few seconds.")).to_be_visible()
    path = f"/disbursements/{disbursement['id']}/payments/{disbursement['payments'][0]['id']}"
    api.call("POST", f"{path}/mark-exported", "accounting_approver", {}, subject="bob")

    expect(row_of(page, "INV-1")).to_have_count(0, timeout=15_000)
    expect(tab(page, "Exported")).to_have_accessible_description("1")


def records_of_vendors(api: Api, erp_sandbox: ErpSandbox, vendors: list[str]) -> None:
    """One funded payment record per vendor named, invoice INV-1, INV-2... in that order (ERP
    sync off: they are listed without being sent)."""
    api.configure_erp(erp_sandbox.base_url, sync=False)
    account = UUID(api.open_account(next_check_number=10000))
    payments, company = api.paysync.payments, api.company
    chosen = []
    for n, vendor in enumerate(vendors, start=1):
        invoice = payments.receive_invoice(
            company, actor="intake", invoice_number=f"INV-{n}", vendor_id=vendor,
            vendor_name=vendor, erp_vendor_id="V042", project="Tower A", amount_due="10.00",
        )  # fmt: skip
        payments.approve_invoice(company, invoice, "ann")
        payments.record_invoice_synced(
            company, invoice, erp_ref=f"B{n}", erp_invoice_number=f"INV-{n}", actor="erp"
        )
        chosen.append((invoice, "10.00"))
    disbursement = payments.draft_disbursement(
        company, name="Dec run", funding_account_id=account, payments=chosen, actor="pat"
    )
    payments.authorize(company, disbursement, "pat")
    payments.complete_funding(company, disbursement, datetime.now(UTC), "bank")
    # Left to the running read models (a catch-up of our own would race theirs).
    wait_for(
        lambda: api.call(
            "GET", "/erp-integrations/payment-records?filter=all&limit=500", "auditor"
        ),
        lambda listed: len(listed["items"]) == len(vendors),
        timeout=15,
    )


def test_a_search_finds_a_record_the_first_page_of_the_list_does_not_hold(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    # 60 records; the page shows the first 50, and Zinc Works' is the last of all.
    records_of_vendors(api, erp_sandbox, ["Rebar Co"] * 59 + ["Zinc Works"])

    open_as(page, site, api, "auditor", "audrey", "/payment-records?filter=all")
    expect(page.locator("tbody tr[data-payment-id]")).to_have_count(50)
    expect(row_of(page, "INV-60")).to_have_count(0)
    expect(page.get_by_role("button", name="Load more")).to_be_visible()

    search = page.get_by_role("searchbox", name="Search")
    # The server is asked (once typing pauses), not the rows already on the page.
    with page.expect_request(lambda request: "q=zinc" in request.url):
        search.press_sequentially("zinc")
    expect(row_of(page, "INV-60")).to_be_visible()
    expect(page.locator("tbody tr[data-payment-id]")).to_have_count(1)
    expect(page.get_by_text("1 record matches “zinc”.")).to_be_visible()
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)
    assert_accessible(page)

    search.fill("no such vendor")
    expect(page.get_by_text("No record on this tab matches “no such vendor”.")).to_be_visible()
    search.fill("")
    expect(page.locator("tbody tr[data-payment-id]")).to_have_count(50)

"""The web pages in a real browser, over a real server, against the ERP sandbox."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.api import Api
from tests.e2e.web import open_as
from tests.fixtures.erp_sandbox import ErpSandbox

pytestmark = pytest.mark.browser


@pytest.fixture
def backend() -> str:
    # The pages only call the HTTP API, whose behaviour on each store the other end-to-end
    # tests cover; what is tested here does not depend on the store, so SQLite is enough.
    return "sqlite"


def record_row(page: Page, invoice_number: str) -> Locator:
    return page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=invoice_number, exact=True)
    )


def failed_records(api: Api, erp_sandbox: ErpSandbox, *invoice_numbers: str) -> Any:
    """The support article's start: the ERP's latest check is 100, the account's next is 100,
    so the first payment's record fails with check_number_in_use."""
    erp_sandbox.add_check("1001", "100")
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    invoices = [(api.approved_invoice(number), "1000.00") for number in invoice_numbers]
    return api.settled(api.funded_disbursement(account, *invoices)["id"])


def test_the_approver_types_a_new_check_number_and_the_failed_record_exports(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    disbursement = failed_records(api, erp_sandbox, "INV-7")
    assert disbursement["payments"][0]["export_status"] == "failed_to_export"

    # The record is in the Failed to Export list, the reason in words with the ERP's own code.
    open_as(page, site, api, "accounting_approver", "ann")
    failed_tab = page.get_by_role("link", name="Failed to Export", exact=True)
    expect(failed_tab).to_have_attribute("aria-current", "page")
    row = record_row(page, "INV-7")
    expect(row).to_contain_text("The check number is already in use in the ERP.")
    expect(row).to_contain_text("QuickBooks Online error 6140")
    expect(row.get_by_label("Check Number")).to_have_value("100")

    # The approver types 10001 in Check Number and clicks Export.
    row.get_by_label("Check Number").fill("10001")
    row.get_by_role("button", name="Export invoice INV-7").click()

    # Once the ERP took it, the row leaves the failed list and is listed under Exported.
    expect(page.get_by_role("status")).to_contain_text(
        "Invoice INV-7 was exported with check number 10001"
    )
    expect(record_row(page, "INV-7")).to_have_count(0)
    page.get_by_role("link", name="Exported", exact=True).click()
    exported = record_row(page, "INV-7")
    expect(exported).to_contain_text("10001")
    expect(exported).to_contain_text("Exported")
    [in_erp] = erp_sandbox.payments()
    expect(page.get_by_role("columnheader", name="ERP reference")).to_be_visible()
    # The row names the ERP that holds the record, before its reference there.
    reference = api.disbursement(disbursement["id"])["payments"][0]["erp_payment_ref"]
    expect(exported).to_contain_text(f"QuickBooks Online: {reference}")
    expect(exported).not_to_contain_text("marked by hand")

    # The ERP holds exactly one record with check number 10001.
    assert in_erp["check_number"] == "10001"


def test_an_auditor_sees_why_a_record_failed_but_no_controls_to_change_it(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    failed_records(api, erp_sandbox, "INV-7")

    open_as(page, site, api, "auditor", "audrey")
    row = record_row(page, "INV-7")
    expect(row).to_contain_text("The check number is already in use in the ERP.")
    expect(row).to_contain_text("QuickBooks Online error 6140")
    expect(row.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("export|relink", re.I))).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Actions")).to_have_count(0)


def test_a_check_number_the_account_already_issued_is_refused_on_the_row_with_the_reason(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    disbursement = failed_records(api, erp_sandbox, "INV-1", "INV-2")
    outcomes = {p["invoice_number"]: (p["check_number"], p["export_status"])
                for p in disbursement["payments"]}  # fmt: skip
    assert outcomes == {"INV-1": (100, "failed_to_export"), "INV-2": (101, "exported")}

    open_as(page, site, api, "accounting_approver", "ann")
    row = record_row(page, "INV-1")
    row.get_by_label("Check Number").fill("101")
    row.get_by_role("button", name="Export invoice INV-1").click()

    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Not saved.")
    expect(refusal).to_contain_text("check number 101 is already used by funding account Operating")
    expect(row.get_by_label("Check Number")).to_have_value("101")
    expect(row.get_by_label("Check Number")).to_have_attribute("aria-describedby", re.compile("."))
    expect(row).to_contain_text("Failed to export")
    assert [p["check_number"] for p in erp_sandbox.payments()] == ["101"]  # INV-2's only


def test_a_record_leads_to_its_disbursement_and_the_disbursement_to_its_history(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    disbursement = failed_records(api, erp_sandbox, "INV-7")

    open_as(page, site, api, "auditor", "audrey")
    record_row(page, "INV-7").get_by_role("link", name="INV-7").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disbursement: Nov run")
    expect(page.get_by_text("Funding complete", exact=True)).to_be_visible()
    expect(page.get_by_text("Operating (Bank ID 1001)")).to_be_visible()
    expect(record_row(page, "INV-7")).to_contain_text("Failed to export")

    page.get_by_role("link", name=re.compile("^History")).click()
    expect(page).to_have_url(re.compile(f"/app/disbursements/{disbursement['id']}/history$"))
    # Sentences with names, not field dumps with ids.
    events = page.get_by_role("row")
    expect(events.filter(has_text="issued check 100 for invoice INV-7")).to_have_count(1)
    expect(events.filter(has_text="Funding requested from Operating (Bank ID 1001)")).to_have_count(
        1
    )
    refused = events.filter(has_text="QuickBooks Online refused check 100 of invoice INV-7")
    expect(refused).to_contain_text("on bank account 1001")
    expect(refused).to_contain_text("error 6140")
    expect(refused).to_contain_text("paysync (the export, by itself)")
    expect(events.filter(has_text="Funding completed")).to_have_count(1)
    table = page.get_by_role("table").inner_text()
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", table), table
    # Exact times with the time zone on hover.
    when = events.nth(1).locator("time")
    expect(when).to_have_attribute("title", re.compile(r"\d:\d\d:\d\d .*\(\d{4}-\d\d-\d\dT"))


def test_a_record_paid_before_its_invoice_was_synced_exports_once_the_page_syncs_the_invoice(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    invoice = api.approved_invoice("INV-9", sync=False)
    disbursement = api.settled(api.funded_disbursement(account, (invoice, "1000.00"))["id"])
    assert disbursement["payments"][0]["export_failure"]["reason"] == "invoice_not_synced"

    open_as(page, site, api, "accounting_approver", "ann")
    row = record_row(page, "INV-9")
    expect(row).to_contain_text(
        "The invoice was not synced to the ERP before the payment was made."
    )
    expect(row).to_contain_text("Click Sync invoice")
    expect(row).not_to_contain_text("QuickBooks Online")  # paysync's words, not the ERP's
    # No Relink, no second Export: syncing the invoice is all it takes.
    row.get_by_role("button", name="Sync invoice INV-9 to the ERP").click()

    expect(page.get_by_role("status").first).to_contain_text("Invoice INV-9 was exported")
    expect(record_row(page, "INV-9")).to_have_count(0)
    assert [p["check_number"] for p in erp_sandbox.payments()] == ["10000"]
    assert len(erp_sandbox.bills()) == 1
    events = api.call("GET", f"/audit/events?aggregate_id={disbursement['id']}", "auditor")
    assert [e["actor"] for e in events["events"] if e["type"] == "PaymentRelinked"] == [
        "paysync-export"
    ]


def test_a_record_keyed_into_the_erp_by_hand_is_marked_as_exported_with_its_reference(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    disbursement = failed_records(api, erp_sandbox, "INV-7")

    open_as(page, site, api, "accounting_approver", "ann")
    row = record_row(page, "INV-7")
    row.get_by_text("Mark as exported…").click()
    row.get_by_label("ERP reference (optional)").fill("QB-1234")
    row.get_by_role("button", name="Mark as exported", exact=True).click()

    # It asks first: marking stops paysync for good.
    expect(page.get_by_text("Mark invoice INV-7 as exported?")).to_be_visible()
    payment = api.disbursement(disbursement["id"])["payments"][0]
    assert payment["export_status"] == "failed_to_export"  # nothing happened yet
    page.get_by_role("button", name="Yes, mark as exported").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Invoice INV-7 was marked as exported by hand."
    )
    expect(record_row(page, "INV-7")).to_have_count(0)
    payment = api.disbursement(disbursement["id"])["payments"][0]
    assert (payment["export_status"], payment["erp_payment_ref"]) == ("exported", "QB-1234")
    assert payment["marked_by_hand"] is True
    assert erp_sandbox.payments() == []
    # In the Exported list it shows as marked by hand, with its reference.
    page.get_by_role("link", name="Exported", exact=True).click()
    expect(record_row(page, "INV-7")).to_contain_text("QB-1234 (marked by hand)")


def test_a_record_the_erp_refuses_again_is_announced_as_a_failure(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    failed_records(api, erp_sandbox, "INV-7")
    erp_sandbox.add_check("1001", "555")  # the number typed is taken in the ERP too

    open_as(page, site, api, "accounting_approver", "ann")
    row = record_row(page, "INV-7")
    row.get_by_label("Check Number").fill("555")
    row.get_by_role("button", name="Export invoice INV-7").click()

    banner = page.locator(".notice p")
    expect(banner).to_have_text("Invoice INV-7 failed to export again.")
    expect(banner).to_have_class(re.compile(r"\bfailure\b"))
    expect(banner).to_have_attribute("role", "alert")
    expect(record_row(page, "INV-7")).to_contain_text("QuickBooks Online error 6140")

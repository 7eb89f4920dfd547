"""One narrated story per role, in a real browser, each keeping its screenshots (the folder
is printed): what the payments admin, the accounting approver and the auditor do all week."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.api import Api
from tests.e2e.web import Screenshots, assert_accessible, open_as
from tests.fixtures.erp_sandbox import ErpSandbox

pytestmark = pytest.mark.browser


@pytest.fixture
def backend() -> str:
    # The pages only call the HTTP API, tested on both stores elsewhere: SQLite is enough here.
    return "sqlite"


def row_of(page: Page, name: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def test_the_accounting_approver_raises_next_check_number_fixes_a_failed_record_and_exports_it(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    shots = Screenshots("accounting-approver")
    # The support article's start: the ERP's latest check is 100 and the account's next is
    # 100, so INV-1's record fails (check number in use); INV-2 got 101 and was exported.
    erp_sandbox.add_check("1001", "100")
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    invoices = [(api.approved_invoice(n), "1000.00") for n in ("INV-1", "INV-2")]
    api.settled(api.funded_disbursement(account, *invoices)["id"])

    # Ann signs in and lands on Failed to Export, where INV-1 waits with its reason.
    open_as(page, site, api, "accounting_approver", "ann")
    expect(row_of(page, "INV-1")).to_contain_text("The check number is already in use in the ERP.")
    shots.take(page, "failed to export")

    # As the article says, she opens the funding account to raise Next Check Number.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Funding accounts").click()
    page.get_by_role("link", name="Operating").click()
    expect(h1(page)).to_have_text("Funding account: Operating")
    expect(page.get_by_role("complementary", name="How to choose it")).to_contain_text(
        "if the most recent check number in your ERP is 100, start at 10000"
    )
    register = page.get_by_role("table", name="Check register")
    expect(register.get_by_role("rowheader")).to_have_text(["100", "101"])
    assert_accessible(page)
    shots.take(page, "funding account with guidance")

    # A number the account already issued is refused, in words, and the field is marked.
    next_number = page.get_by_label("Next Check Number", exact=True)
    next_number.fill("101")
    next_number.press("Enter")
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Not done.")
    expect(refusal).to_contain_text("must be above 101, the highest check number")
    expect(next_number).to_have_attribute("aria-invalid", "true")
    expect(next_number).to_be_focused()
    shots.take(page, "a used number is refused")

    next_number.fill("10000")
    page.get_by_role("button", name="Save Next Check Number").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_contain_text(
        "The next check from Operating will be number 10000."
    )
    expect(page.locator("#next-check-number")).to_have_text("10000")
    assert api.call("GET", f"/funding-accounts/{account}", "auditor")["next_check_number"] == 10000

    # Back in ERP Integrations she gives INV-1 a number the ERP has not used, and exports it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="ERP Integrations").click()
    row = row_of(page, "INV-1")
    row.get_by_label("Check Number").fill("9000")
    row.get_by_role("button", name="Export invoice INV-1").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Invoice INV-1 was exported with check number 9000"
    )
    expect(row_of(page, "INV-1")).to_have_count(0)
    shots.take(page, "exported")
    assert sorted(p["check_number"] for p in erp_sandbox.payments()) == ["101", "9000"]


def test_the_auditor_opens_a_records_past_state_and_verifies_the_history(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox, tmp_path: Path
) -> None:
    shots = Screenshots("auditor")
    erp_sandbox.add_check("1001", "100")
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    invoice = api.approved_invoice("INV-7")
    disbursement = api.settled(api.funded_disbursement(account, (invoice, "1000.00"))["id"])
    assert disbursement["payments"][0]["export_status"] == "failed_to_export"

    # Audrey verifies the stored history and writes down the chain head.
    open_as(page, site, api, "auditor", "audrey", "/audit")
    expect(h1(page)).to_have_text("Audit")
    page.get_by_role("button", name="Verify history").click()
    expect(page.get_by_role("status").filter(has_text="History intact")).to_contain_text(
        re.compile(r"all \d+ stored events match the hash chain")
    )
    head = page.locator("#chain-head").inner_text()
    assert re.fullmatch(r"\d+:[0-9a-f]{64}", head)
    assert_accessible(page)
    shots.take(page, "history verified")

    # She downloads the whole history, streamed as JSON lines.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the history").click()
    saved = tmp_path / "history.ndjson"
    download_info.value.save_as(saved)
    lines = [json.loads(line) for line in saved.read_text("utf-8").splitlines()]
    assert len(lines) > 5
    expect(page.get_by_text(re.compile(r"Exported \d+ events"))).to_be_visible()

    # The disbursement's timeline: every event with who did it and when.
    page.get_by_role("link", name="Nov run").click()
    expect(h1(page)).to_have_text("Record history: Nov run")
    timeline = page.get_by_role("table", name="Events, oldest first")
    drafted = timeline.get_by_role("row").filter(has_text="Drafted")
    expect(drafted.first).to_contain_text("pat")
    expect(timeline.get_by_role("row").filter(has_text="Export failed")).to_have_count(1)

    # The record as it was when drafted, beside the record now, differences marked.
    page.get_by_label("At version", exact=True).select_option("1")
    page.get_by_role("button", name="Show past state").click()
    expect(page).to_have_url(re.compile(r"\?version=1$"))
    comparison = page.get_by_role("table", name="The record then and now")
    status = comparison.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=re.compile("^Status"))
    )
    expect(status).to_contain_text("draft")
    expect(status).to_contain_text("funding_complete")
    expect(status.locator("mark")).to_have_count(2)
    expect(page.get_by_role("status").filter(has_text="changed since")).to_contain_text("Status")
    assert_accessible(page)
    shots.take(page, "past state beside now")

    # Or as it was at a moment: just after funding completed, before the export failed.
    events = api.call("GET", f"/audit/events?aggregate_id={disbursement['id']}", "auditor")
    funded = next(e for e in events["events"] if e["type"].endswith("FundingCompleted"))
    moment = datetime.fromisoformat(funded["timestamp"]).astimezone(UTC) + timedelta(milliseconds=1)
    page.get_by_label("At version", exact=True).select_option(index=0)
    page.get_by_label("or at a time (your local time)").fill(
        moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:23]
    )
    page.get_by_role("button", name="Show past state").click()
    expect(page.get_by_role("heading", name=re.compile(r"^At version 3 and now"))).to_be_visible()


def test_the_payments_admin_drafts_authorizes_and_follows_a_disbursement_to_exported(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    shots = Screenshots("payments-admin")
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    for number in ("INV-1", "INV-2"):
        api.approved_invoice(number)  # approved by ann
    own = api.call("POST", "/invoices", "payments_admin", {
        "invoice_number": "INV-3", "vendor_id": "v-42", "vendor_name": "Rebar Co",
        "erp_vendor_id": "V042", "project": "Tower A", "amount_due": "250.00"}, 201)  # fmt: skip
    api.call("POST", f"/invoices/{own['id']}/approve", "payments_admin", subject="pat")

    # Pat drafts a disbursement paying the invoice he approved himself.
    open_as(page, site, api, "payments_admin", "pat", "/disbursements")
    page.get_by_role("link", name="New disbursement").click()
    expect(h1(page)).to_have_text("New disbursement")
    page.get_by_label("Name").fill("INV-3 alone")
    page.get_by_label("Pay invoice INV-3").check()
    page.get_by_role("button", name="Save draft").click()
    expect(h1(page)).to_have_text("Disbursement: INV-3 alone")

    # Authorizing is refused, and the page says why in words.
    page.get_by_role("button", name="Authorize and request funding").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Not authorized. Pat approved invoice INV-3")
    expect(refusal).to_contain_text("Separation of duties: whoever approved an invoice")
    assert_accessible(page)
    shots.take(page, "separation of duties refused")

    # He cancels that draft with a reason.
    page.get_by_text("Cancel this draft…").click()
    page.get_by_label("Reason for canceling").fill("I approved INV-3; Sam will pay it")
    page.get_by_role("button", name="Cancel disbursement").click()
    expect(page.get_by_text("Canceled", exact=True)).to_be_visible()
    expect(page.get_by_text("I approved INV-3; Sam will pay it")).to_be_visible()

    # The November run: INV-1 in full, INV-2 in part.
    page.goto(f"{site}/app/disbursements/new")
    page.get_by_label("Name").fill("Nov run")
    page.get_by_label("Funding account").select_option(account)
    page.get_by_label("Pay invoice INV-1").check()
    page.get_by_label("Pay invoice INV-2").check()
    page.get_by_label("Amount for invoice INV-2").fill("400.00")
    expect(page.get_by_text("2 of at most 100 payments chosen.")).to_be_visible()
    assert_accessible(page)
    shots.take(page, "draft from open invoices")
    page.get_by_role("button", name="Save draft").click()
    expect(h1(page)).to_have_text("Disbursement: Nov run")
    expect(row_of(page, "INV-2")).to_contain_text("$400.00")

    page.get_by_role("button", name="Authorize and request funding").click()
    expect(page.get_by_text("Funding requested", exact=True)).to_be_visible()
    expect(row_of(page, "INV-1")).to_contain_text("10000")
    expect(row_of(page, "INV-2")).to_contain_text("10001")
    shots.take(page, "authorized")

    # The bank reports the drawdown; the open page follows the records to Exported.
    disbursement_id = page.url.rsplit("/", 1)[-1]
    api.call("POST", f"/disbursements/{disbursement_id}/funding-complete", "service",
             {"funded_at": "2026-11-24T15:00:00Z"}, subject="bank")  # fmt: skip
    for invoice in ("INV-1", "INV-2"):
        expect(row_of(page, invoice)).to_contain_text("Exported", timeout=15_000)
    expect(page.get_by_text("Funding complete", exact=True)).to_be_visible()
    erp_refs = {p["check_number"]: p for p in erp_sandbox.payments()}
    assert sorted(erp_refs) == ["10000", "10001"]
    shots.take(page, "exported")

    # The list by status shows each where it belongs.
    page.goto(f"{site}/app/disbursements?status=canceled")
    expect(page.get_by_role("link", name="INV-3 alone")).to_be_visible()
    expect(page.get_by_role("link", name="Nov run")).to_have_count(0)
    page.get_by_role("navigation", name="Disbursements by status").get_by_role(
        "link", name="Funding complete"
    ).click()
    expect(page.get_by_role("link", name="Nov run")).to_be_visible()
    expect(page.get_by_text("1 disbursement, $1,400.00 in all.")).to_be_visible()
    shots.take(page, "disbursements by status")

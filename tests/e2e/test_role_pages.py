"""The pages of every role in a real browser: navigation by role, deep links, and the pages a
payments team lives in (funding accounts, invoices, disbursements, reports, the audit)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.api import Api
from tests.e2e.test_every_connector_story import configure, sandbox_connection
from tests.e2e.web import Screenshots, assert_accessible, open_as
from tests.fixtures.erp_sandbox import ErpSandbox

pytestmark = pytest.mark.browser


@pytest.fixture
def backend() -> str:
    # The pages only call the HTTP API, tested on both stores elsewhere: SQLite is enough here.
    return "sqlite"


def nav_link(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def test_a_bookmarked_page_opens_by_its_path_and_the_token_stays_out_of_the_address(
    page: Page, site: str, api: Api
) -> None:
    account = api.open_account(next_check_number=10000)

    open_as(page, site, api, "accounting_approver", "ann", f"/funding-accounts/{account}")

    expect(page.get_by_role("heading", level=1)).to_have_text("Funding account: Operating")
    expect(page).to_have_url(f"{site}/app/funding-accounts/{account}")
    assert "token" not in page.url
    expect(nav_link(page, "Funding accounts")).to_have_attribute("aria-current", "page")
    # Reloading the bookmarked address shows the same page from the tab's stored token.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding account: Operating")
    nav_link(page, "Reports").click()
    expect(page).to_have_url(f"{site}/app/reports")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding account: Operating")


def test_an_auditor_is_offered_no_action_and_an_approver_no_payments_admin_action(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    invoice = api.approved_invoice("INV-1")
    body = {"name": "Dec run", "funding_account_id": account,
            "payments": [{"invoice_id": invoice, "amount": "1000.00"}]}  # fmt: skip
    draft = api.call("POST", "/disbursements", "payments_admin", body, 201, "pat")

    open_as(page, site, api, "auditor", "audrey", f"/funding-accounts/{account}")
    expect(page.get_by_text("Bank ID")).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    page.goto(f"{site}/app/disbursements/{draft['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Disbursement: Dec run")
    expect(page.get_by_role("button")).to_have_text(["Sign out"])
    page.goto(f"{site}/app/disbursements")
    expect(page.get_by_role("link", name="Dec run")).to_be_visible()
    expect(page.get_by_role("link", name="New disbursement")).to_have_count(0)

    open_as(page, site, api, "accounting_approver", "ann", f"/disbursements/{draft['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Disbursement: Dec run")
    expect(page.get_by_role("button", name=re.compile("Authorize|Cancel"))).to_have_count(0)
    page.goto(f"{site}/app/funding-accounts/{account}")
    expect(page.get_by_label("Next Check Number", exact=True)).to_have_value("10000")


def test_every_page_has_no_serious_accessibility_violation(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    erp_sandbox.add_check("1001", "100")
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    disbursement = api.settled(
        api.funded_disbursement(account, (api.approved_invoice("INV-7"), "1000.00"))["id"]
    )
    pages = [
        ("payment-records", "ERP Integrations"),
        ("funding-accounts", "Funding accounts"),
        (f"funding-accounts/{account}", "Funding account: Operating"),
        ("invoices", "Invoices"),
        ("disbursements", "Disbursements"),
        ("disbursements/new", "New disbursement"),
        (f"disbursements/{disbursement['id']}", "Disbursement: Nov run"),
        ("reports", "Reports"),
        ("audit", "Audit"),
        (f"audit/records/{disbursement['id']}?version=2", "Record history: Nov run"),
    ]
    shots = Screenshots("every-page")
    open_as(page, site, api, "payments_admin", "pat")
    for path, heading in pages:
        page.goto(f"{site}/app/{path}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        expect(page.locator("[aria-busy=true]")).to_have_count(0)
        assert_accessible(page)
        shots.take(page, path.split("?")[0].replace("/", " ")[:40])


def test_reports_total_the_payments_chart_latency_against_the_sla_and_download_as_csv(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox, tmp_path: Path
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    invoices = [
        (api.approved_invoice(n), a) for n, a in (("INV-1", "1000.00"), ("INV-2", "250.50"))
    ]
    api.settled(api.funded_disbursement(account, *invoices)["id"])
    api.paysync.read_models.catch_up()

    open_as(page, site, api, "auditor", "audrey", "/reports")
    expect(page.get_by_text("2 payments, $1,250.50 in all.")).to_be_visible()
    latency = page.get_by_role("table", name="Export latency per connector")
    expect(latency.get_by_role("row").filter(has_text="QuickBooks Online")).to_contain_text("2")
    expect(page.get_by_role("img", name=re.compile("Export latency per connector"))).to_be_visible()
    expect(page.locator("figure.chart canvas")).to_have_count(1)
    assert_accessible(page)
    Screenshots("reports").take(page, "reports")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV: Payments").click()
    saved = tmp_path / "payments.csv"
    download_info.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text("utf-8"))))
    assert sorted((r["invoice_number"], r["amount"], r["export_status"]) for r in rows) == [
        ("INV-1", "1000.00", "exported"),
        ("INV-2", "250.50", "exported"),
    ]


def test_an_invoice_not_yet_in_the_erp_is_synced_from_its_row(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    invoice = api.approved_invoice("INV-5", sync=False)
    api.funded_disbursement(account, (invoice, "100.00"))

    open_as(page, site, api, "accounting_approver", "ann", "/invoices")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="INV-5"))
    expect(row).to_contain_text("Not synced")
    row.get_by_role("button", name="Sync to ERP: invoice INV-5").click()
    expect(page.get_by_role("status")).to_contain_text("Invoice INV-5 was synced to the ERP.")
    expect(row).to_contain_text("Synced")
    assert api.call("GET", f"/invoices/{invoice}", "auditor")["erp_sync_status"] == "synced"


def test_a_payments_admin_opens_a_funding_account_and_lands_on_its_page(
    page: Page, site: str, api: Api
) -> None:
    open_as(page, site, api, "payments_admin", "pat", "/funding-accounts")
    expect(page.get_by_text("No funding account yet.")).to_be_visible()
    page.get_by_text("Open a funding account…").click()
    page.get_by_label("Nickname").fill("Payroll")
    page.get_by_label("Bank ID").fill("2002")
    page.get_by_label("Next Check Number").fill("ten thousand")
    page.get_by_role("button", name="Open funding account").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Not done. Next Check Number must be a whole number, such as 10000."
    )
    page.get_by_label("Next Check Number").fill("20000")
    page.get_by_role("button", name="Open funding account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Funding account: Payroll")
    expect(page.locator("#next-check-number")).to_have_text("20000")
    expect(page).to_have_url(re.compile(r"/app/funding-accounts/[0-9a-f-]{36}$"))


def test_disbursements_are_filtered_by_vendor_and_funding_day_from_the_keyboard(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    erp_sandbox.add_vendor("V077")
    account = api.open_account(next_check_number=10000)
    api.funded_disbursement(account, (api.approved_invoice("INV-1"), "100.00"))  # Rebar Co
    other = api.call("POST", "/invoices", "payments_admin", {
        "invoice_number": "INV-2", "vendor_id": "v-77", "vendor_name": "Glass Ltd",
        "erp_vendor_id": "V077", "project": "Tower A", "amount_due": "300.00"}, 201)  # fmt: skip
    api.call("POST", f"/invoices/{other['id']}/approve", "accounting_approver", subject="ann")
    body = {"name": "Glass draft", "funding_account_id": account,
            "payments": [{"invoice_id": other["id"], "amount": "300.00"}]}  # fmt: skip
    api.call("POST", "/disbursements", "payments_admin", body, 201, "pat")
    api.paysync.read_models.catch_up()

    open_as(page, site, api, "auditor", "audrey", "/disbursements")
    expect(page.get_by_text("2 disbursements, $400.00 in all.")).to_be_visible()
    # Keyboard only: type the vendor, Enter submits the filter form.
    page.get_by_label("Vendor").focus()
    page.keyboard.type("Glass Ltd")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"vendor_name=Glass\+Ltd"))
    expect(page.get_by_role("link", name="Glass draft")).to_be_visible()
    expect(page.get_by_role("link", name="Nov run")).to_have_count(0)
    # The funding day: the November run was funded on 2026-11-24, the draft never.
    page.goto(f"{site}/app/disbursements?from=2026-11-24&to=2026-11-24")
    expect(page.get_by_role("link", name="Nov run")).to_be_visible()
    expect(page.get_by_role("link", name="Glass draft")).to_have_count(0)
    expect(page.get_by_label("Funded from")).to_have_value("2026-11-24")
    # A link is followed with Enter; the page's heading then has the focus.
    page.get_by_role("link", name="Nov run").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Disbursement: Nov run")
    expect(page.get_by_role("heading", level=1)).to_be_focused()


def test_a_long_check_register_paints_the_first_hundred_and_loads_the_rest_on_request(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url, sync=False)
    account = UUID(api.open_account(next_check_number=1))
    payments, company = api.paysync.payments, api.company
    for run in range(2):
        lines = []
        for n in range(60):
            invoice = payments.receive_invoice(
                company, actor="intake", invoice_number=f"INV-{run}{n:02d}", vendor_id="v-1",
                vendor_name="Rebar Co", erp_vendor_id="V042", project="Tower A",
                amount_due="10.00",
            )  # fmt: skip
            payments.approve_invoice(company, invoice, "ann")
            lines.append((invoice, Decimal("10.00")))
        disbursement = payments.draft_disbursement(
            company, name=f"Run {run}", funding_account_id=account, payments=lines, actor="pat"
        )
        payments.authorize(company, disbursement, "pat")
    api.paysync.read_models.catch_up()

    open_as(page, site, api, "auditor", "audrey", f"/funding-accounts/{account}")
    register = page.get_by_role("table", name="Check register").locator("tbody tr")
    expect(register).to_have_count(100)
    expect(page.get_by_text("More than 100 check numbers issued or typed.")).to_be_visible()
    page.get_by_role("button", name="Load more check numbers").click()
    expect(register).to_have_count(120)
    expect(register.last.get_by_role("rowheader")).to_have_text("120")
    expect(page.get_by_role("button", name="Load more check numbers")).to_be_hidden()


def fact(page: Page, term: str) -> Locator:
    """What a page's list of facts says for `term`."""
    term_of = page.locator("dt").get_by_text(term, exact=True)
    return page.locator("dl.facts > div").filter(has=term_of).locator("dd")


def test_the_erps_latest_check_number_proposes_a_next_check_number_the_user_still_saves(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    # Acumatica lists the bank account's checks: check 100 was written in the ERP by hand.
    erp_sandbox.add_check("1001", "100")
    configure(api, "acumatica", sandbox_connection(erp_sandbox, "acumatica"))
    account = api.open_account(next_check_number=100)

    open_as(page, site, api, "accounting_approver", "ann", f"/funding-accounts/{account}")
    expect(fact(page, "Latest check number in the ERP")).to_have_text("100")
    expect(fact(page, "Proposed Next Check Number")).to_have_text("10000")
    expect(page.get_by_text("Next Check Number 100 is not above 100, Acumatica's")).to_be_visible()
    guidance = page.get_by_role("complementary", name="How to choose it")
    expect(guidance).to_contain_text("if the most recent check number in your ERP is 100")
    field = page.get_by_label("Next Check Number", exact=True)
    expect(field).to_have_value("100")

    # The button fills the field beside it; nothing is saved until Save is pressed.
    guidance.get_by_role("button", name="Use 10000").click()
    expect(field).to_have_value("10000")
    expect(field).to_be_focused()
    expect(guidance).to_contain_text("10000 is in the field; Save Next Check Number to keep it.")
    assert api.call("GET", f"/funding-accounts/{account}", "auditor")["next_check_number"] == 100
    assert_accessible(page)
    Screenshots("erp-check-numbers").take(page, "proposal offered")

    page.get_by_role("button", name="Save Next Check Number").click()
    expect(page.get_by_role("status")).to_contain_text("will be number 10000")
    expect(fact(page, "Proposed Next Check Number")).to_have_text("none needed")
    expect(page.get_by_text("Next Check Number 10000 is already above 100")).to_be_visible()
    expect(guidance.get_by_role("button", name="Use 10000")).to_have_count(0)
    assert api.call("GET", f"/funding-accounts/{account}", "auditor")["next_check_number"] == 10000


def test_a_connector_that_cannot_list_the_erps_checks_says_why_and_offers_no_number(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    erp_sandbox.add_check("1001", "100")
    # Yardi's interface has no way to list a bank account's checks.
    configure(api, "yardi", sandbox_connection(erp_sandbox, "yardi"))
    account = api.open_account(next_check_number=100)

    open_as(page, site, api, "accounting_approver", "ann", f"/funding-accounts/{account}")
    expect(fact(page, "Latest check number in the ERP")).to_have_text("not known")
    expect(fact(page, "Proposed Next Check Number")).to_have_text("none")
    expect(
        page.get_by_text(
            "The Yardi connector cannot list the ERP's checks. Look up the latest check "
            "number on bank account 1001 in Yardi and set Next Check Number well above it."
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Use \d+"))).to_have_count(0)
    assert_accessible(page)

"""Each page's first paint with 1,000 records, measured in the browser and written down (to
var/benchmarks/first-paint.md, copied into docs/benchmarks.md), never asserted as a time;
what is asserted is that every page does show its records.

A measurement, not part of `make test` (its 1,000 records take a minute to set up): run it
with `make bench-pages` (the name does not match test_*.py, so only naming it runs it)."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from playwright.sync_api import Page

from tests.e2e.api import Api, wait_for
from tests.e2e.web import open_as
from tests.fixtures.erp_sandbox import ErpSandbox

pytestmark = pytest.mark.browser

RECORDS = 1000
PER_DISBURSEMENT = 100
RESULTS = Path(os.environ.get("PAYSYNC_BENCHMARKS", "var/benchmarks")) / "first-paint.md"


@pytest.fixture
def backend() -> str:
    return "sqlite"


def thousand_payments(api: Api, erp_sandbox: ErpSandbox) -> tuple[str, str]:
    """1,000 funded payments from one account, in 10 disbursements; ERP sync off, so they are
    listed without being sent (the pages, not the export, are measured here)."""
    api.configure_erp(erp_sandbox.base_url, sync=False)
    account = UUID(api.open_account(next_check_number=10000))
    payments = api.paysync.payments
    company = api.company
    first = ""
    for run in range(RECORDS // PER_DISBURSEMENT):
        invoices = []
        for n in range(PER_DISBURSEMENT):
            number = f"INV-{run:02d}{n:03d}"
            invoice = payments.receive_invoice(
                company, actor="intake", invoice_number=number, vendor_id=f"v-{n % 40}",
                vendor_name=f"Vendor {n % 40}", erp_vendor_id="V042", project="Tower A",
                amount_due="1000.00",
            )  # fmt: skip
            payments.approve_invoice(company, invoice, "ann")
            payments.record_invoice_synced(
                company, invoice, erp_ref=f"B{run}-{n}", erp_invoice_number=number, actor="erp"
            )
            invoices.append((invoice, Decimal("1000.00")))
        disbursement = payments.draft_disbursement(
            company, name=f"Run {run}", funding_account_id=account, payments=invoices,
            actor="pat",
        )  # fmt: skip
        payments.authorize(company, disbursement, "pat")
        payments.complete_funding(company, disbursement, datetime.now(UTC), "bank")
        first = first or str(disbursement)
    # Left to the site's own followers: a catch-up here would fold the same events beside
    # them, onto states they may already have moved past.
    followers = api.paysync.read_models.followers.values()
    wait_for(lambda: [f.behind(1) for f in followers], lambda behind: not any(behind), 120)
    return str(account), first


def test_each_page_paints_its_1000_records_and_the_time_is_written_down(
    page: Page, site: str, api: Api, erp_sandbox: ErpSandbox
) -> None:
    account, disbursement = thousand_payments(api, erp_sandbox)
    pages = [
        ("ERP Integrations, All", "payment-records?filter=all", "tbody tr[data-payment-id]", 50),
        ("Funding account, check register", f"funding-accounts/{account}", "tbody tr", 100),
        ("Invoices (first 100)", "invoices", "tbody tr", 100),
        ("Disbursements", "disbursements", "tbody tr", RECORDS // PER_DISBURSEMENT),
        ("Reports", "reports", "section[aria-labelledby=payments-heading] tbody tr", 200),
        ("Disbursement (100 payments)", f"disbursements/{disbursement}", "tbody tr", 100),
        ("Audit: a record's history", f"audit/records/{disbursement}", "tbody tr", 1),
    ]  # fmt: skip
    open_as(page, site, api, "auditor", "audrey")
    rows = []
    for name, path, selector, expected in pages:
        timings = []
        for _ in range(3):
            page.goto(f"{site}/app/{path}")
            # Read in the animation frame that first finds the rows, not by a second call
            # from the driver afterwards (its round trip is the driver's time, not the page's).
            painted = page.wait_for_function(
                "([selector, n]) => document.querySelectorAll(selector).length >= n"
                " && performance.now()",
                arg=[selector, expected],
                polling="raf",
                timeout=30_000,
            )
            timings.append(float(painted.json_value()))
        assert page.locator(selector).count() >= expected
        rows.append((name, expected, sorted(timings)[1], min(timings)))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.platform()}, "
        f"{os.cpu_count()} cores, headless Debian chromium, SQLite, {RECORDS} payment records; "
        "from navigation start to the first animation frame with the page's rows "
        "(median and best of 3). "
        "Target: 300 ms.",
        "",
        "| page | rows drawn | median | best |",
        "| --- | --- | --- | --- |",
        *(f"| {n} | {e} | {m:.0f} ms | {b:.0f} ms |" for n, e, m, b in rows),
    ]
    RESULTS.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"first paint: {RESULTS.resolve()}")

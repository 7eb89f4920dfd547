"""Read-model rebuild speed: events per second, from a store of 200,000+ events.

Fills a fresh store (SQLite file; PostgreSQL schema) through the domain and `Payments.save`,
a few hundred aggregates per transaction: companies' invoices received, approved and synced;
disbursements of one to three payments drafted, authorized and funded; their records
exported, a tenth failing first and fixed by a typed check number. Then rebuilds each read
model from scratch the way `paysync projections rebuild NAME` does (scratch view, swap) and
reports, per read model, the events it applied per second and the log positions it covered
per second (its topic filter skips the rest in the database).

    .venv/bin/python bench/rebuild_speed.py [--events 200000] [--backend sqlite|postgres]
                                            [--write]

Target (issue 4): at least 20,000 events/s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from application.following import LocalWakeup
from application.payments.payments import Payments
from domain import drawdown
from domain.company import Company
from domain.disbursement import Disbursement
from domain.export_failure import ExportFailureReason
from domain.funding_account import FundingAccount
from domain.invoice import Invoice
from infrastructure.read_models.catalog import READ_MODELS
from infrastructure.settings import Settings
from infrastructure.store.event_store import event_store_env
from interfaces.read_models import ReadModels
from tests.stores import fresh_settings

COMPANIES = 5
HEADING = "## Read-model rebuild"
WORKER = "paysync-export"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), action="append")
    parser.add_argument("--write", action="store_true", help="add to docs/benchmarks.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backend or ("sqlite", "postgres"):
            with fresh_settings(backend, Path(tmp) / backend) as settings:
                rows += measure(backend, settings, args.events)
    table = report(rows)
    print(table)
    if args.write:
        write(table, args.events)


def measure(backend: str, settings: Settings, events: int) -> list[tuple[str, ...]]:
    payments = Payments(event_store_env(settings))
    try:
        started = time.perf_counter()
        fill(payments, events)
        end = payments.recorder.max_notification_id() or 0
        print(f"{backend}: {end:,} events stored in {time.perf_counter() - started:.0f} s")
        read_models = ReadModels(settings, payments, lambda: LocalWakeup(payments.saved))
        rows = []
        try:
            total_applied, total_seconds = 0, 0.0
            for name in READ_MODELS:
                started = time.perf_counter()
                applied = read_models.rebuild(name)
                seconds = time.perf_counter() - started
                total_applied, total_seconds = total_applied + applied, total_seconds + seconds
                rows.append(row(backend, name, end, applied, seconds))
                print("  ".join(rows[-1]))
            rows.append(
                row(backend, "all four, one after another", end, total_applied, total_seconds)
            )
        finally:
            read_models.close()
        return rows
    finally:
        payments.close()


def row(backend: str, name: str, end: int, applied: int, seconds: float) -> tuple[str, ...]:
    return (
        backend,
        name,
        f"{end:,}",
        f"{applied:,}",
        f"{seconds:.1f} s",
        f"{applied / seconds:,.0f}",
        f"{end / seconds:,.0f}",
    )


def fill(payments: Payments, events: int) -> None:
    """At least `events` events, saved a few hundred aggregates per transaction."""
    companies = []
    for n in range(COMPANIES):
        company = Company.enroll(f"bench-{n}", "bench")
        company.configure_erp(
            connector=("quickbooks_online", "sage_intacct", "acumatica")[n % 3],
            payment_record_sync_enabled=True,
            override_subcontractor_invoice_number=False,
            erp_base_url=None,
            actor="bench",
        )
        account = FundingAccount.open(
            company_id=company.company_id, nickname="Operating", bank_id=f"{1001 + n}",
            next_check_number=100, actor="bench",
        )  # fmt: skip
        companies.append((company, account))
        payments.save(company, account)
    cycle = 0
    while (payments.recorder.max_notification_id() or 0) < events:
        batch: list[object] = []
        for _ in range(40):
            company, account = companies[cycle % COMPANIES]
            batch += one_disbursement(company.company_id, account, cycle)
            cycle += 1
        payments.save(*{id(a): a for a in [*batch, *(a for _, a in companies)]}.values())


def one_disbursement(company_id: str, account: FundingAccount, cycle: int) -> list[object]:
    """A disbursement's whole story, as the application would record it."""
    invoices = {}
    for i in range(1 + cycle % 3):
        invoice = Invoice.receive(
            company_id=company_id, invoice_number=f"INV-{cycle}-{i}", vendor_id=f"v{cycle % 7}",
            vendor_name=f"Vendor {cycle % 7}", erp_vendor_id=f"V{cycle % 7}", project="Tower",
            amount_due="1000.00", actor="intake",
        )  # fmt: skip
        invoice.approve("ann")
        invoice.record_synced(f"B-{cycle}-{i}", invoice.invoice_number, "ann")
        invoices[invoice.id] = invoice
    disbursement = drawdown.draft_disbursement(
        name=f"Run {cycle}", account=account,
        payments=[(invoice, "250.00") for invoice in invoices.values()], actor="pat",
    )  # fmt: skip
    drawdown.authorize(disbursement, account, invoices, "pat")
    drawdown.complete_funding(
        disbursement, invoices, funded_at=datetime(2026, 11, 24, tzinfo=UTC),
        payment_record_sync_enabled=True, actor="bank",
    )  # fmt: skip
    for n, payment in enumerate(list(disbursement.payments.values())):
        export(disbursement, account, payment.id, fails=(cycle + n) % 10 == 0)
    return [*invoices.values(), disbursement]


def export(
    disbursement: Disbursement, account: FundingAccount, payment_id: object, fails: bool
) -> None:
    if fails:
        disbursement.record_export_failed(
            payment_id, 1, ExportFailureReason.CHECK_NUMBER_IN_USE, "in use", "6140", WORKER
        )
        typed = account.claim_check_number(payment_id, account.next_check_number + 50_000, "ann")
        disbursement.edit_check_number(payment_id, typed, "ann")
        disbursement.request_export(payment_id, "ann")
        disbursement.record_export_succeeded(payment_id, 2, "P", False, WORKER)
    else:
        disbursement.record_export_succeeded(payment_id, 1, "P", False, WORKER)


HEADER = (
    "store", "read model", "events in store", "events applied", "rebuild time",
    "applied events/s", "log positions/s",
)  # fmt: skip


def report(rows: list[tuple[str, ...]]) -> str:
    lines = [HEADER, tuple("---" for _ in HEADER), *rows]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def machine() -> str:
    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    with open("/proc/meminfo") as meminfo:
        total_kib = int(meminfo.readline().split()[1])
    return (
        f"`{uname}`; {os.cpu_count()} cores (`nproc`); {total_kib / 1024 / 1024:.1f} GiB "
        f"memory; Python {platform.python_version()}"
    )


def write(table: str, events: int) -> None:
    path = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    section = (
        f"\n{HEADING}\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, with "
        f"`bench/rebuild_speed.py --events {events}`: each read model rebuilt from scratch "
        "into a scratch view and swapped in, as `paysync projections rebuild NAME` does. "
        "*Applied events/s* counts the events the read model follows (its topics); *log "
        "positions/s* the whole log it covered. Target: 20,000 events/s on PostgreSQL.\n\n"
        f"{table}\n"
    )
    # Replace this benchmark's own section if it is there; leave every other one alone.
    start = text.find(HEADING)
    if start == -1:
        text = text.rstrip("\n") + "\n" + section
    else:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start].rstrip("\n") + "\n" + section + ("" if end == -1 else text[end:])
    path.write_text(text)


if __name__ == "__main__":
    main()

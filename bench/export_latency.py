"""Export latency: from FundingCompleted to the payment record existing in the ERP.

Runs the real pieces: the ERP sandbox in its own process, paysync with its export worker in
this one, on SQLite and on PostgreSQL. Latency is the sandbox's creation time of the record
minus the FundingCompleted event's timestamp (one machine, one clock).

    .venv/bin/python bench/export_latency.py [--idle 50] [--load 20x10] [--write]

Targets (issue 3): p99 under 0.25 s idle, under 1 s under load.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import received_invoice
from domain.disbursement import Disbursement
from infrastructure.settings import Settings
from interfaces.bootstrap import Paysync, bootstrap
from interfaces.demo import start_sandbox, stop_child
from tests.stores import fresh_settings

COMPANY = "bench"
NUMBERS = itertools.count(1)  # each invoice its own: the ERP refuses a second bill's number


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle", type=int, default=50, help="disbursements, one at a time")
    parser.add_argument("--load", default="20x10", help="DISBURSEMENTSxPAYMENTS funded at once")
    parser.add_argument("--write", action="store_true", help="append to docs/benchmarks.md")
    args = parser.parse_args()
    count, size = (int(n) for n in args.load.split("x"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sandbox(Path(tmp) / "erp", 8799) as erp_url:
        for backend in ("sqlite", "postgres"):
            with fresh_settings(backend, Path(tmp) / backend) as settings:
                rows += measure(backend, settings, erp_url, args.idle, count, size)
    table = report(rows)
    print(table)
    if args.write:
        write(table, args)


@contextlib.contextmanager
def sandbox(data_dir: Path, port: int) -> Iterator[str]:
    """The ERP sandbox started as `paysync run` starts it, its output out of the report."""
    process = start_sandbox(port, data_dir, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_child(process)


def measure(
    backend: str, settings: Settings, erp_url: str, idle: int, count: int, size: int
) -> list[tuple[str, str, list[float]]]:
    httpx.post(f"{erp_url}/sandbox/reset")
    httpx.post(f"{erp_url}/sandbox/bank-accounts", json={"bank_id": "1001"})
    httpx.post(f"{erp_url}/sandbox/vendors", json={"erp_vendor_id": "V1"})
    paysync = bootstrap(settings)
    paysync.start_worker()
    try:
        p = paysync.payments
        p.configure_erp(
            COMPANY,
            connector="quickbooks_online",
            payment_record_sync_enabled=True,
            override_subcontractor_invoice_number=False,
            erp_base_url=erp_url,
            actor="bench",
        )
        account = p.open_funding_account(
            COMPANY, nickname="Op", bank_id="1001", next_check_number=1, actor="bench"
        )
        idle_runs = [authorized(paysync, account, 1) for _ in range(idle)]
        funded_idle = []
        for disbursement in idle_runs:
            funded_idle.append(fund(paysync, disbursement))
            wait_exported(erp_url, len(funded_idle))
        loaded = [authorized(paysync, account, size) for _ in range(count)]
        with ThreadPoolExecutor(4) as pool:
            funded_load = list(pool.map(lambda d: fund(paysync, d), loaded))
        wait_exported(erp_url, idle + count * size)
        created = created_at_by_check(erp_url)
        return [
            (backend, "idle, 1 payment at a time", latencies(paysync, funded_idle, created)),
            (
                backend,
                f"load, {count} disbursements x {size} payments funded by 4 threads",
                latencies(paysync, funded_load, created),
            ),
        ]
    finally:
        paysync.close()


def authorized(paysync: Paysync, account: UUID, size: int) -> UUID:
    p = paysync.payments
    invoices = []
    for _ in range(size):
        invoice = received_invoice(COMPANY, next(NUMBERS))
        p.save(invoice)
        p.approve_invoice(COMPANY, invoice.id, "approver")
        p.record_invoice_synced(
            COMPANY,
            invoice.id,
            erp_ref=bill(paysync, invoice.id),
            erp_invoice_number=invoice.invoice_number,
            actor="bench",
        )
        invoices.append(invoice)
    disbursement = p.draft_disbursement(
        COMPANY,
        name="d",
        funding_account_id=account,
        payments=[(invoice.id, str(invoice.amount_due)) for invoice in invoices],
        actor="admin",
    )
    p.authorize(COMPANY, disbursement, "admin")
    return disbursement


def bill(paysync: Paysync, invoice: UUID) -> str:
    view = paysync.invoice_sync.sync(COMPANY, invoice, "bench")
    assert view.erp_ref is not None
    return view.erp_ref


def fund(paysync: Paysync, disbursement: UUID) -> UUID:
    paysync.payments.complete_funding(COMPANY, disbursement, datetime.now(UTC), "bank")
    return disbursement


def wait_exported(erp_url: str, expected: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while len(httpx.get(f"{erp_url}/sandbox/payments").json()["items"]) < expected:
        if time.monotonic() > deadline:
            raise SystemExit(f"only some of {expected} records reached the ERP")
        time.sleep(0.005)


def created_at_by_check(erp_url: str) -> dict[str, datetime]:
    items = httpx.get(f"{erp_url}/sandbox/payments").json()["items"]
    return {i["check_number"]: datetime.fromisoformat(i["created_at"]) for i in items}


def latencies(
    paysync: Paysync, disbursements: list[UUID], created: dict[str, datetime]
) -> list[float]:
    result = []
    for disbursement_id in disbursements:
        events = paysync.payments.events.get(disbursement_id)
        funded = next(e for e in events if isinstance(e, Disbursement.FundingCompleted))
        view = paysync.payments.disbursement(COMPANY, disbursement_id)
        for payment in view.payments:
            erp_time = created[str(payment.check_number)]
            result.append((erp_time - funded.timestamp).total_seconds())
    return result


def report(rows: list[tuple[str, str, list[float]]]) -> str:
    lines = [
        "| store | run | records | median | p99 | max |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for backend, run, values in rows:
        ordered = sorted(values)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        lines.append(
            f"| {backend} | {run} | {len(values)} | {statistics.median(values) * 1000:.0f} ms "
            f"| {p99 * 1000:.0f} ms | {ordered[-1] * 1000:.0f} ms |"
        )
    return "\n".join(lines)


def write(table: str, args: argparse.Namespace) -> None:
    path = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
    machine = (
        f"{platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{_cores()} cores, Python {platform.python_version()}"
    )
    section = (
        f"\n## Export latency (FundingCompleted -> record in the ERP sandbox)\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine} with "
        f"`bench/export_latency.py --idle {args.idle} --load {args.load}`; the sandbox's "
        f"record time (ms resolution) minus the event's timestamp. Targets: p99 < 250 ms "
        f"idle, < 1 s under load.\n\n{table}\n"
    )
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    path.write_text(text + section)


def _cores() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main()

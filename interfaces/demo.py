"""`paysync run`: the API, the ERP sandbox and a demo company, in one command."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from application.errors import NotFound
from domain.check_numbers import check_number
from domain.text import bank_id
from infrastructure.settings import Settings
from infrastructure.tokens import Role
from interfaces.bootstrap import Paysync, bootstrap
from interfaces.process import CannotStart

PR_SET_PDEATHSIG = 1

DEMO_COMPANY = "demo"


def run_demo(host: str, port: int, sandbox_port: int) -> int:
    """Both ports are checked before anything starts; whatever ends it (SIGTERM, Ctrl-C, an
    error) stops the sandbox child too."""
    from interfaces.api.app import create_app
    from interfaces.process import bind, check_database, port_is_free, settings
    from interfaces.progress import progress
    from interfaces.serving import serve

    config = development_settings(settings(), f"127.0.0.1:{sandbox_port}")
    sock = bind(host, port)
    port_is_free("127.0.0.1", sandbox_port)
    check_database(config)
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    sandbox: subprocess.Popen[bytes] | None = None
    paysync: Paysync | None = None
    try:
        with progress("starting the ERP sandbox and the demo company", total=3) as bar:
            sandbox = start_sandbox(sandbox_port, config.data_dir / "erp-sandbox")
            bar.advance()
            paysync = bootstrap(config)
            bar.advance()
            seed_demo_company(paysync, sandbox_url)
            bar.advance()
        print_welcome(paysync, f"http://{host}:{port}", sandbox_url)
        app = create_app(config, paysync, worker=True, audit_chain=True, projections=True)
        serve(app, sock)
    finally:
        if paysync is not None:
            paysync.close()
        if sandbox is not None:
            stop_child(sandbox)
    return 0


def development_settings(settings: Settings, sandbox_host: str) -> Settings:
    """The embedded dev run: its own sandbox is an allowed ERP host, over plain http."""
    hosts = ",".join(filter(None, (settings.erp_allowed_hosts, sandbox_host)))
    return settings.model_copy(update={"development": True, "erp_allowed_hosts": hosts})


def stop_child(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if paysync itself is killed (even with SIGKILL)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_sandbox(port: int, data_dir: Path, *, quiet: bool = False) -> subprocess.Popen[bytes]:
    """The ERP sandbox as a child process, once it answers its health check (`quiet`: its
    output is dropped)."""
    command = [
        sys.executable,
        "-m",
        "infrastructure.erp_sandbox",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our module
        command,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.DEVNULL if quiet else None,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sandbox/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    stop_child(process)
    raise CannotStart(f"the ERP sandbox did not start on port {port}")


def seed_demo_company(paysync: Paysync, sandbox_url: str) -> None:
    """A company with QuickBooks Online (the sandbox), a funding account and ready invoices.

    Seeded once: a second `paysync run` on the same data folder keeps what is there.
    """
    payments = paysync.payments
    try:
        payments.erp_settings(DEMO_COMPANY)
        return
    except NotFound:
        pass  # not seeded yet
    with httpx.Client(base_url=sandbox_url) as erp:
        erp.post("/sandbox/bank-accounts", json={"bank_id": "1001"})
        erp.post("/sandbox/checks", json={"bank_id": "1001", "check_number": "100"})
        for vendor in ("V042", "V043"):
            erp.post("/sandbox/vendors", json={"erp_vendor_id": vendor})
    payments.configure_erp(
        DEMO_COMPANY,
        connector="quickbooks_online",
        payment_record_sync_enabled=True,
        override_subcontractor_invoice_number=False,
        erp_base_url=sandbox_url,
        actor="demo-setup",
    )
    account = payments.open_funding_account(
        DEMO_COMPANY,
        nickname="Operating",
        bank_id=bank_id("1001"),
        next_check_number=check_number(100, "the next check number"),
        actor="demo-setup",
    )
    invoices = []
    for number, vendor, name, amount in (
        ("INV-7", "V042", "Rebar Co", "1000.00"),
        ("INV-8", "V043", "Concrete Inc", "2500.00"),
    ):
        invoice = payments.receive_invoice(
            DEMO_COMPANY,
            invoice_number=number,
            vendor_id=vendor.lower(),
            vendor_name=name,
            erp_vendor_id=vendor,
            project="Tower A",
            amount_due=amount,
            actor="demo-setup",
        )
        payments.approve_invoice(DEMO_COMPANY, invoice, "ann-approver")
        paysync.invoice_sync.sync(DEMO_COMPANY, invoice, "ann-approver")
        invoices.append(invoice)
    # The support article's story, live: check 100 is already in the ERP, so this payment's
    # record fails to export and waits in the Failed to Export list.
    run = payments.draft_disbursement(
        DEMO_COMPANY,
        name="November run",
        funding_account_id=account,
        payments=[(invoices[0], "1000.00")],
        actor="pat-admin",
    )
    payments.authorize(DEMO_COMPANY, run, "pat-admin")
    payments.complete_funding(DEMO_COMPANY, run, datetime.now(UTC), "bank-webhook")
    print(f"demo funding account {account}: next check number 100 (the ERP's latest check is 100)")


def print_welcome(paysync: Paysync, url: str, sandbox_url: str) -> None:
    tokens = paysync.tokens
    approver = tokens.issue("ann-approver", Role.ACCOUNTING_APPROVER, DEMO_COMPANY)
    print(
        f"""
paysync is running at {url}  (API docs: {url}/docs)
Failed to Export list, as the accounting approver:
  {url}/app/#token={approver}
ERP sandbox (QuickBooks Online) at {sandbox_url}  (records: {sandbox_url}/sandbox/payments)
demo company: {DEMO_COMPANY}

payments admin token:
  {tokens.issue("pat-admin", Role.PAYMENTS_ADMIN, DEMO_COMPANY)}
accounting approver token:
  {approver}
auditor token:
  {tokens.issue("audrey-auditor", Role.AUDITOR, DEMO_COMPANY)}

try: curl -H "Authorization: Bearer <token>" {url}/v1/companies/{DEMO_COMPANY}/erp-settings
""",
        flush=True,
    )

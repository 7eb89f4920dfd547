"""ERPs on the contractor's own server: the sandbox runs their agent, which polls paysync.

paysync is served on a real port here, since the agent (QuickBooks Desktop's Web Connector,
played by the sandbox) calls it over HTTP about every second.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import httpx
import pytest
import uvicorn

from infrastructure.settings import Settings
from interfaces.api.app import create_app
from interfaces.bootstrap import bootstrap
from tests.e2e.api import Api, wait_for
from tests.fixtures.erp_sandbox import ErpSandbox

COMPANY = "acme"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(fast_retries: Settings, erp_sandbox: ErpSandbox) -> Iterator[tuple[Api, str]]:
    """paysync served with its export and read models running; its base URL."""
    system = bootstrap(fast_retries)
    app = create_app(fast_retries, system, worker=True, projections=True)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base_url, timeout=10.0) as client:
        wait_for(lambda: _up(client), bool, 10.0)
        yield Api(client, system, COMPANY), base_url  # type: ignore[arg-type]
        erp_sandbox.client.delete("/sandbox/web-connectors")
        erp_sandbox.client.delete("/sandbox/sage-300-cre-agents")
    server.should_exit = True
    thread.join(timeout=10)
    system.close()


def _up(client: httpx.Client) -> bool:
    try:
        return client.get("/health").status_code == 200
    except httpx.TransportError:
        return False


def connection_for(erp_sandbox: ErpSandbox, connector: str) -> dict[str, Any]:
    listed = erp_sandbox.client.get("/sandbox/dialects").json()
    (connection,) = [d["connection"] for d in listed if d["connector"] == connector]
    return dict(connection)


def bill_in_erp(erp_sandbox: ErpSandbox, connector: str, amount: str = "1000.00") -> str:
    body = {"connector": connector, "erp_vendor_id": "V042", "amount": amount}
    response = erp_sandbox.client.post("/sandbox/bills", json=body)
    response.raise_for_status()
    return str(response.json()["erp_ref"])


def synced_invoice(api: Api, number: str, erp_ref: str) -> str:
    """An approved invoice whose bill the ERP's own tool put there (the Web Connector's
    bill sync is not paysync's)."""
    invoice = api.approved_invoice(number, sync=False)
    api.paysync.payments.record_invoice_synced(
        COMPANY, UUID(invoice), erp_ref=erp_ref, erp_invoice_number=number, actor="qbwc"
    )
    return invoice


def settled_by_agent(api: Api, disbursement_id: str) -> Any:
    return wait_for(
        lambda: api.disbursement(disbursement_id),
        lambda d: all(
            p["export_status"] not in ("pending", "sent_to_agent") for p in d["payments"]
        ),
        20.0,
    )


def test_quickbooks_desktop_takes_a_used_check_number_and_the_record_carries_a_warning(
    served: tuple[Api, str], erp_sandbox: ErpSandbox
) -> None:
    api, base_url = served
    erp_sandbox.add_bank_account("1001")
    erp_sandbox.add_vendor("V042")
    erp_sandbox.add_check("1001", "100")
    connection = connection_for(erp_sandbox, "quickbooks_desktop")
    api.call(
        "PUT",
        "/erp-settings",
        "accounting_approver",
        {
            "connector": "quickbooks_desktop",
            "payment_record_sync_enabled": True,
            "connection": connection,
        },
    )
    account = api.open_account(next_check_number=100)
    first = synced_invoice(api, "INV-7", bill_in_erp(erp_sandbox, "quickbooks_desktop"))
    second = synced_invoice(api, "INV-8", bill_in_erp(erp_sandbox, "quickbooks_desktop"))
    funded = api.funded_disbursement(account, (first, "1000.00"), (second, "400.00"))
    waiting = api.disbursement(funded["id"])["payments"]
    assert {p["export_status"] for p in waiting} <= {"pending", "sent_to_agent"}

    erp_sandbox.client.post(
        "/sandbox/web-connectors",
        json={
            "app_url": f"{base_url}/v1/companies/{COMPANY}/quickbooks-desktop/web-connector",
            "poll_seconds": 0.2,
        },
    ).raise_for_status()
    payments = {p["check_number"]: p for p in settled_by_agent(api, funded["id"])["payments"]}

    assert {p["export_status"] for p in payments.values()} == {"exported"}
    assert "RefNumber 100" in (payments[100]["export_warning"] or "")
    assert payments[101]["export_warning"] is None
    held = {p["check_number"]: p for p in erp_sandbox.payments()}
    assert sorted(held) == ["100", "101"]
    assert {held[str(n)]["erp_ref"] for n in (100, 101)} == {
        payments[n]["erp_payment_ref"] for n in (100, 101)
    }
    assert {p["erp_connector"] for p in payments.values()} == {"quickbooks_desktop"}
    time.sleep(1.0)  # more polls find nothing to do: nothing is written twice
    assert len(erp_sandbox.payments()) == 2


def test_sage_300_cre_marks_invoices_for_its_check_run_and_refuses_a_partial_payment(
    served: tuple[Api, str], erp_sandbox: ErpSandbox
) -> None:
    api, base_url = served
    erp_sandbox.add_vendor("V042")
    api.call(
        "PUT",
        "/erp-settings",
        "accounting_approver",
        {
            "connector": "sage_300_cre",
            "payment_record_sync_enabled": True,
            "connection": connection_for(erp_sandbox, "sage_300_cre"),
        },
    )
    account = api.open_account(next_check_number=100)
    whole = synced_invoice(api, "INV-7", bill_in_erp(erp_sandbox, "sage_300_cre"))
    part = synced_invoice(api, "INV-8", bill_in_erp(erp_sandbox, "sage_300_cre"))
    funded = api.funded_disbursement(account, (whole, "1000.00"), (part, "400.00"))

    erp_sandbox.client.post(
        "/sandbox/sage-300-cre-agents",
        json={
            "app_url": f"{base_url}/v1/companies/{COMPANY}/sage-300-cre/agent",
            "poll_seconds": 0.2,
        },
    ).raise_for_status()
    payments = {p["check_number"]: p for p in settled_by_agent(api, funded["id"])["payments"]}

    assert payments[100]["export_status"] == "marked_for_check_run"
    assert payments[100]["erp_connector"] == "sage_300_cre"
    assert payments[101]["export_status"] == "failed_to_export"
    assert payments[101]["export_failure"]["reason"] == "partial_payment_not_supported"
    (mark,) = erp_sandbox.payments()
    assert (mark["connector"], mark["erp_ref"], mark["check_number"]) == (
        "sage_300_cre",
        payments[100]["erp_payment_ref"],
        None,
    )
    time.sleep(1.0)  # more polls find nothing to do: nothing is marked twice
    assert len(erp_sandbox.payments()) == 1

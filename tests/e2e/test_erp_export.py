"""The payment-record export through the HTTP API, the worker and the real ERP sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from infrastructure.settings import Settings
from interfaces.api.app import create_app
from interfaces.bootstrap import bootstrap
from tests.e2e.api import Api
from tests.fixtures.erp_sandbox import ErpSandbox


def test_every_invoice_payment_becomes_one_record_in_the_erp(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    invoices = [api.approved_invoice(f"INV-{n}", "250.00") for n in range(3)]
    funded = api.funded_disbursement(account, *[(i, "250.00") for i in invoices])

    settled = api.settled(funded["id"])

    assert [p["export_status"] for p in settled["payments"]] == ["exported"] * 3
    records = sorted(erp_sandbox.payments(), key=lambda r: r["check_number"])
    assert [r["check_number"] for r in records] == ["10000", "10001", "10002"]
    assert {r["bank_id"] for r in records} == {"1001"}
    assert {r["amount"] for r in records} == {"250.00"}
    bills = {b["doc_number"]: b["erp_ref"] for b in erp_sandbox.bills()}
    assert sorted(r["linked_bills"][0] for r in records) == sorted(bills.values())
    refs = {p["erp_payment_ref"] for p in settled["payments"]}
    assert refs == {r["erp_ref"] for r in records}


def test_a_wrong_bank_id_fails_and_is_fixed_by_editing_the_bank_id(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000, bank_id="9999")
    funded = api.funded_disbursement(account, (api.approved_invoice("INV-1"), "1000.00"))
    payment = api.settled(funded["id"])["payments"][0]
    assert payment["export_failure"]["reason"] == "bank_id_not_found"

    path = f"/disbursements/{funded['id']}/payments/{payment['id']}"
    api.call("PATCH", path, "accounting_approver", {"bank_id": "1001"})
    api.call("POST", f"{path}/export", "accounting_approver", expect=202)

    fixed = api.settled(funded["id"])["payments"][0]
    assert (fixed["export_status"], fixed["bank_id"]) == ("exported", "1001")
    assert [r["bank_id"] for r in erp_sandbox.payments()] == ["1001"]


def test_a_payment_toward_an_unsynced_invoice_exports_by_itself_once_the_invoice_is_synced(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    invoice = api.approved_invoice("INV-1", sync=False)
    funded = api.funded_disbursement(account, (invoice, "1000.00"))
    payment = api.settled(funded["id"])["payments"][0]
    assert payment["export_failure"]["reason"] == "invoice_not_synced"
    assert bill_payment_calls(erp_sandbox) == 0

    path = f"/disbursements/{funded['id']}/payments/{payment['id']}"
    api.call("POST", f"{path}/relink", "accounting_approver", expect=409)  # still not synced
    refused = api.call("POST", f"{path}/export", "accounting_approver", expect=409)
    assert "sync the invoice" in refused["detail"]  # Export alone would fail the same way
    api.call("POST", f"/invoices/{invoice}/erp-sync", "accounting_approver")

    exported = api.settled(funded["id"])["payments"][0]
    assert (exported["export_status"], exported["export_failure"]) == ("exported", None)
    assert len(erp_sandbox.payments()) == 1
    events = api.call("GET", f"/audit/events?aggregate_id={funded['id']}", "auditor")["events"]
    healing = [(e["type"], e["actor"]) for e in events if e["version"] > 4]
    assert healing[-3:] == [
        ("PaymentRelinked", "paysync-export"),
        ("ExportRequested", "paysync-export"),
        ("ExportSucceeded", "paysync-export"),
    ]


def test_syncing_an_invoice_again_heals_what_a_crash_left_waiting(
    api: Api, erp_sandbox: ErpSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    invoice = api.approved_invoice("INV-1", sync=False)
    funded = api.funded_disbursement(account, (invoice, "1000.00"))
    assert api.settled(funded["id"])["payments"][0]["export_status"] == "failed_to_export"

    # The process dies between saving InvoiceSynced and healing the records.
    payments = api.paysync.payments
    with monkeypatch.context() as crash:
        crash.setattr(payments, "heal_records_waiting_for", lambda company, invoice: 0)
        api.call("POST", f"/invoices/{invoice}/erp-sync", "accounting_approver")
    assert api.disbursement(funded["id"])["payments"][0]["export_status"] == "failed_to_export"

    # Sync invoice clicked again: nothing is sent for the invoice, the record heals.
    api.call("POST", f"/invoices/{invoice}/erp-sync", "accounting_approver")
    assert api.settled(funded["id"])["payments"][0]["export_status"] == "exported"
    assert len(erp_sandbox.bills()) == 1


def test_an_erp_unavailable_for_three_calls_is_retried_until_it_answers(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    invoice = api.approved_invoice("INV-1")
    erp_sandbox.inject_fault("unavailable", count=3)

    funded = api.funded_disbursement(account, (invoice, "1000.00"))

    exported = api.settled(funded["id"])["payments"][0]
    assert (exported["export_status"], exported["export_retry"]) == ("exported", None)
    assert len(erp_sandbox.payments()) == 1
    # The retries show in the history, after the 1st and 2nd call (not the 3rd: ADR 0070).
    events = api.call("GET", f"/audit/events?aggregate_id={funded['id']}", "auditor")["events"]
    retries = [e["data"] for e in events if e["type"] == "ExportRetryScheduled"]
    assert [(r["attempt"], r["tries"]) for r in retries] == [(1, 1), (1, 2)]
    assert all(r["message"] and r["next_try_at"] for r in retries)
    while_retrying = api.call(
        "GET", f"/disbursements/{funded['id']}?version={events[-2]['version']}", "auditor"
    )["payments"][0]
    assert while_retrying["export_status"] == "pending"
    assert while_retrying["export_retry"]["tries"] == 2


def test_an_erp_down_past_the_window_fails_as_unavailable_and_export_then_succeeds(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    invoice = api.approved_invoice("INV-1")
    erp_sandbox.inject_fault("unavailable", count=1000)
    funded = api.funded_disbursement(account, (invoice, "1000.00"))
    payment = api.settled(funded["id"])["payments"][0]
    assert payment["export_failure"]["reason"] == "erp_unavailable"

    erp_sandbox.client.delete("/sandbox/faults").raise_for_status()
    path = f"/disbursements/{funded['id']}/payments/{payment['id']}"
    pending = api.call("POST", f"{path}/export", "accounting_approver", expect=202)
    assert pending["payments"][0]["export_failure"] is None  # no stale failure while pending

    again = api.settled(funded["id"])["payments"][0]
    assert again["export_status"] == "exported"
    assert again["export_attempt"] == 1  # the same attempt, so the same idempotency key
    assert len(erp_sandbox.payments()) == 1


def test_records_are_not_exported_when_payment_record_syncing_is_off(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url, sync=False)
    account = api.open_account(next_check_number=10000)
    funded = api.funded_disbursement(account, (api.approved_invoice("INV-1"), "1000.00"))
    assert funded["payments"][0]["export_status"] == "sync_disabled"
    path = f"/disbursements/{funded['id']}/payments/{funded['payments'][0]['id']}"
    api.call("PATCH", path, "accounting_approver", {"check_number": 7}, expect=409)
    assert erp_sandbox.payments() == []


def test_a_record_keyed_in_by_hand_can_be_marked_as_exported(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    erp_sandbox.add_check("1001", "100")
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    funded = api.funded_disbursement(account, (api.approved_invoice("INV-1"), "1000.00"))
    payment = api.settled(funded["id"])["payments"][0]
    path = f"/disbursements/{funded['id']}/payments/{payment['id']}"

    marked = api.call(
        "POST",
        f"{path}/mark-exported",
        "accounting_approver",
        {"erp_payment_ref": "QB-77", "note": "keyed by hand"},
    )

    assert marked["payments"][0]["export_status"] == "exported"
    assert marked["payments"][0]["erp_payment_ref"] == "QB-77"
    api.call("POST", f"{path}/export", "accounting_approver", expect=409)


def test_override_subcontractor_invoice_number_sends_a_generated_number(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url, override=True)
    invoice = api.approved_invoice("INV-1")
    synced = api.call("GET", f"/invoices/{invoice}", "auditor")
    assert synced["erp_invoice_number"].startswith("PS-")
    assert [b["doc_number"] for b in erp_sandbox.bills()] == [synced["erp_invoice_number"]]


@pytest.fixture
def impatient_api(fast_retries: Settings, erp_sandbox: ErpSandbox) -> Iterator[Api]:
    """An ERP timeout shorter than the sandbox's held-back answer."""
    paysync = bootstrap(fast_retries.model_copy(update={"erp_timeout_seconds": 0.3}))
    paysync.start_worker()
    erp_sandbox.add_bank_account("1001")
    erp_sandbox.add_vendor("V042")
    with TestClient(create_app(paysync.settings, paysync)) as client:
        yield Api(client, paysync)
    paysync.close()


def test_a_timeout_after_the_erp_did_the_work_never_makes_a_second_record(
    impatient_api: Api, erp_sandbox: ErpSandbox
) -> None:
    api = impatient_api
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    invoice = api.approved_invoice("INV-1")
    erp_sandbox.inject_fault("timeout", count=1, delay_seconds=1.0)

    funded = api.funded_disbursement(account, (invoice, "1000.00"))

    assert api.settled(funded["id"])["payments"][0]["export_status"] == "exported"
    assert bill_payment_calls(erp_sandbox) >= 2
    assert len(erp_sandbox.payments()) == 1


def bill_payment_calls(erp_sandbox: ErpSandbox) -> int:
    return sum(n for path, n in erp_sandbox.requests().items() if path.endswith("/billpayment"))


def test_a_returned_payout_reopens_the_invoice_and_leaves_the_erp_record(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=10000)
    invoice = api.approved_invoice("INV-1")
    funded = api.funded_disbursement(account, (invoice, "1000.00"))
    payment = api.settled(funded["id"])["payments"][0]
    path = f"/disbursements/{funded['id']}/payments/{payment['id']}/payout-returned"

    returned = api.call("POST", path, "service", {"reason": "R03 no account"}, subject="bank")

    assert returned["payments"][0]["payout_status"] == "failed"
    assert returned["payments"][0]["export_status"] == "exported"
    assert api.call("GET", f"/invoices/{invoice}", "auditor")["payment_status"] == "unpaid"
    assert len(erp_sandbox.payments()) == 1
    api.call("POST", path, "service", {"reason": "again"}, expect=409, subject="bank")

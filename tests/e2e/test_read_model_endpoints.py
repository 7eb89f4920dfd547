"""The read models over HTTP, with the export worker and the projections running in-process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from infrastructure.settings import Settings
from interfaces.api.app import create_app
from interfaces.bootstrap import Paysync
from tests.e2e.api import Api, wait_for
from tests.fixtures.erp_sandbox import ErpSandbox

RECORDS = "/erp-integrations/payment-records"


@pytest.fixture
def projections(paysync: Paysync) -> None:
    paysync.start_projections()  # stopped when the paysync fixture closes it


def until(api: Api, path: str, done: Callable[[Any], bool], role: str = "auditor") -> Any:
    """GET `path` until `done` holds (the projections follow the log in the background)."""
    answer = wait_for(lambda: api.call("GET", path, role), done, timeout=15.0)
    assert done(answer), answer
    return answer


def agrees_with_the_disbursement(item: dict[str, Any], disbursement: dict[str, Any]) -> None:
    payment = next(p for p in disbursement["payments"] if p["id"] == item["payment_id"])
    for field in ("check_number", "bank_id", "export_status", "export_failure", "amount"):
        assert item[field] == payment[field], field
    assert item["attempts"] == payment["export_attempt"]
    assert item["vendor_name"] == payment["vendor_name"]
    assert item["invoice_number"] == payment["invoice_number"]
    assert moment(item["exported_at"]) == moment(payment["exported_at"])
    assert moment(item["funded_at"]) == moment(disbursement["funded_at"])


def moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def test_the_failed_to_export_list_of_the_support_story_agrees_with_the_disbursements(
    api: Api, erp_sandbox: ErpSandbox, projections: None
) -> None:
    erp_sandbox.add_check("1001", "100")  # the ERP's latest check is 100
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    funded = api.funded_disbursement(account, (api.approved_invoice("INV-7"), "1000.00"))
    failed_payment = api.settled(funded["id"])["payments"][0]

    failed = until(api, f"{RECORDS}?filter=failed_to_export", lambda page: len(page["items"]) == 1)
    item = failed["items"][0]
    assert item["export_failure"]["reason"] == "check_number_in_use"
    assert item["export_failure"]["erp_code"] == "6140"
    agrees_with_the_disbursement(item, api.disbursement(funded["id"]))

    # The support article's fix: raise Next Check Number, edit the failed record, export it.
    api.call(
        "PATCH", f"/funding-accounts/{account}", "accounting_approver", {"next_check_number": 10000}
    )
    later = api.settled(
        api.funded_disbursement(account, (api.approved_invoice("INV-8"), "1000.00"))["id"]
    )
    path = f"/disbursements/{funded['id']}/payments/{failed_payment['id']}"
    api.call("PATCH", path, "accounting_approver", {"check_number": 10001})
    api.call("POST", f"{path}/export", "accounting_approver", expect=202)
    api.settled(funded["id"])

    exported = until(api, f"{RECORDS}?filter=exported", lambda page: len(page["items"]) == 2)
    assert until(api, f"{RECORDS}?filter=failed_to_export", lambda page: page["items"] == [])
    by_disbursement = {d["id"]: d for d in (api.disbursement(funded["id"]), later)}
    for item in exported["items"]:
        agrees_with_the_disbursement(item, by_disbursement[item["disbursement_id"]])
    assert [i["check_number"] for i in exported["items"]] == [10001, 10000]  # funding order


def test_another_companys_records_never_appear_and_its_paths_answer_404(
    api: Api, erp_sandbox: ErpSandbox, projections: None
) -> None:
    globex = Api(api.client, api.paysync, company="globex")
    for company in (api, globex):
        company.configure_erp(erp_sandbox.base_url)
        account = company.open_account(next_check_number=500)
        company.settled(
            company.funded_disbursement(account, (company.approved_invoice("INV-1"), "10.00"))["id"]
        )

    ours = until(api, RECORDS, lambda page: len(page["items"]) == 1)
    theirs = until(globex, RECORDS, lambda page: len(page["items"]) == 1)
    assert ours["items"][0]["payment_id"] != theirs["items"][0]["payment_id"]
    for path in (RECORDS, "/reports/payments", "/reports/disbursements", "/reports/export-latency"):
        answer = api.client.get(f"/v1/companies/globex{path}", headers=api.headers("auditor"))
        assert answer.status_code == 404, path
    their_account = theirs["items"][0]["funding_account_id"]
    api.call("GET", f"/funding-accounts/{their_account}/check-register", "auditor", expect=404)


def test_an_auditor_reads_the_payments_report_the_check_register_and_export_latency(
    api: Api, erp_sandbox: ErpSandbox, projections: None
) -> None:
    erp_sandbox.add_check("1001", "100")
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    failed = api.settled(
        api.funded_disbursement(account, (api.approved_invoice("INV-1"), "700.00"))["id"]
    )
    api.call(
        "PATCH", f"/funding-accounts/{account}", "accounting_approver", {"next_check_number": 200}
    )
    exported = api.settled(
        api.funded_disbursement(account, (api.approved_invoice("INV-2"), "300.00"))["id"]
    )
    path = f"/disbursements/{failed['id']}/payments/{failed['payments'][0]['id']}"
    api.call("PATCH", path, "accounting_approver", {"check_number": 150})

    report = until(
        api,
        f"/reports/payments?funding_account_id={account}&vendor_name=Rebar%20Co&from=2026-11-24&to=2026-11-24",
        lambda page: len(page["items"]) == 2,
    )
    assert [p["amount"] for p in report["items"]] == ["700.00", "300.00"]
    assert api.call("GET", "/reports/payments?from=2026-11-25", "auditor")["items"] == []
    disbursements = api.call("GET", "/reports/disbursements?status=funding_complete", "auditor")
    assert [d["total_amount"] for d in disbursements["items"]] == ["700.00", "300.00"]

    register = until(
        api, f"/funding-accounts/{account}/check-register", lambda r: len(r["items"]) == 3
    )
    assert [(c["check_number"], c["source"], c["replaced_by"]) for c in register["items"]] == [
        (100, "issued", 150), (150, "typed", None), (200, "issued", None),
    ]  # fmt: skip
    assert register["items"][0]["export_failure"]["reason"] == "check_number_in_use"
    # 101-199 were skipped on purpose (Next Check Number raised to 200), not lost.
    assert register["gaps"] == []
    assert [(s["first"], s["last"], s["skipped_by"]) for s in register["skipped"]] == [
        (101, 149, "accounting_approver"), (151, 199, "accounting_approver"),
    ]  # fmt: skip
    assert register["duplicates"] == []

    # The failed record is exported after its fix; both measures agree with the history.
    api.call("POST", f"{path}/export", "accounting_approver", expect=202)
    api.settled(failed["id"])
    report = until(api, "/reports/export-latency", lambda r: r["time_to_fix"] != [])
    [automatic] = report["connectors"]
    [fixing] = report["time_to_fix"]
    assert (automatic["connector"], automatic["count"]) == ("quickbooks_online", 2)
    assert (fixing["connector"], fixing["count"]) == ("quickbooks_online", 1)
    first_answers = sorted(
        recorded(api, d["id"], "FundingCompleted", ("ExportSucceeded", "ExportFailed"))
        for d in (failed, exported)
    )
    fix = recorded(api, failed["id"], "ExportFailed", ("ExportSucceeded",))
    assert automatic["median_seconds"] == pytest.approx(sum(first_answers) / 2)
    for figure in ("p95_seconds", "p99_seconds", "max_seconds"):
        assert automatic[figure] == first_answers[-1]
        assert fixing[figure] == fix
    assert fixing["median_seconds"] == fix
    sla = report["sla_seconds"]
    assert sla == timedelta(minutes=10).total_seconds()  # the incumbent's promise
    assert automatic["over_sla"] == sum(1 for s in first_answers if s > sla)
    assert fixing["over_sla"] == int(fix > sla)
    slow = [(i["measure"], i["payment_id"]) for i in report["items"]]
    assert len(slow) == automatic["over_sla"] + fixing["over_sla"]
    assert exported["payments"][0]["export_status"] == "exported"


def recorded(api: Api, disbursement_id: str, start: str, ends: tuple[str, ...]) -> float:
    """From the audit history: the first `start` event to the first of `ends` after it, in
    whole milliseconds, as the report counts."""
    events = api.call("GET", f"/audit/events?aggregate_id={disbursement_id}", "auditor")
    stamps = [(e["type"], datetime.fromisoformat(e["timestamp"])) for e in events["events"]]
    began = next(at for kind, at in stamps if kind == start)
    ended = next(at for kind, at in stamps if kind in ends and at >= began)
    return ((ended - began) // timedelta(milliseconds=1)) / 1000


def test_a_cursor_the_api_did_not_hand_out_is_a_bad_request(api: Api) -> None:
    answer = api.client.get(
        f"/v1/companies/acme{RECORDS}?cursor=%21%21", headers=api.headers("auditor")
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"


def test_the_served_api_keeps_its_read_models_current_by_itself(settings: Settings) -> None:
    # `paysync serve` without --no-projections: create_app's lifespan starts the followers.
    fast = settings.model_copy(update={"follower_poll_seconds": 0.1})
    with TestClient(create_app(fast, projections=True)) as client:
        api = Api(client, client.app.state.paysync)  # type: ignore[attr-defined]
        api.call("PUT", "/erp-settings", "accounting_approver", {
            "connector": "sage_intacct", "payment_record_sync_enabled": False,
            "override_subcontractor_invoice_number": False, "erp_base_url": None,
        })  # fmt: skip
        account = api.open_account(next_check_number=7)
        api.funded_disbursement(account, (api.approved_invoice("INV-1", sync=False), "5.00"))

        records = until(api, f"{RECORDS}?filter=sync_disabled", lambda page: page["items"] != [])
        assert records["items"][0]["check_number"] == 7

"""The support article's story, through the HTTP API, against the ERP sandbox."""

from __future__ import annotations

from tests.e2e.api import Api, wait_for
from tests.fixtures.erp_sandbox import ErpSandbox


def test_a_used_check_number_fails_then_a_raised_next_number_and_an_edit_export_it(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    # The ERP's latest check is 100, and the funding account's next check number is 100.
    erp_sandbox.add_check("1001", "100")
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    first = api.approved_invoice("INV-7")

    funded = api.funded_disbursement(account, (first, "1000.00"))
    settled = api.settled(funded["id"])
    payment = settled["payments"][0]
    assert payment["check_number"] == 100
    assert payment["export_status"] == "failed_to_export"
    assert payment["export_failure"]["reason"] == "check_number_in_use"
    assert payment["export_failure"]["erp_code"] == "6140"

    # Raising Next Check Number to 10000 makes new payments export.
    api.call(
        "PATCH", f"/funding-accounts/{account}", "accounting_approver", {"next_check_number": 10000}
    )
    second = api.approved_invoice("INV-8")
    later = api.settled(api.funded_disbursement(account, (second, "1000.00"))["id"])
    assert later["payments"][0]["check_number"] == 10000
    assert later["payments"][0]["export_status"] == "exported"

    # The failed one is fixed by editing its check number and exporting.
    path = f"/disbursements/{funded['id']}/payments/{payment['id']}"
    api.call("PATCH", path, "accounting_approver", {"check_number": 10001})
    api.call("POST", f"{path}/export", "accounting_approver", expect=202)
    fixed = api.settled(funded["id"])["payments"][0]
    assert fixed["export_status"] == "exported"

    in_erp = sorted(p["check_number"] for p in erp_sandbox.payments())
    assert in_erp == ["10000", "10001"]


def test_a_typed_check_number_is_never_issued_again_by_the_funding_account(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    erp_sandbox.add_check("1001", "500")
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=500)
    funded = api.funded_disbursement(account, (api.approved_invoice("INV-1"), "1000.00"))
    payment = api.settled(funded["id"])["payments"][0]
    path = f"/disbursements/{funded['id']}/payments/{payment['id']}"
    api.call("PATCH", path, "accounting_approver", {"check_number": 501})

    later = api.funded_disbursement(account, (api.approved_invoice("INV-2"), "1000.00"))
    assert later["payments"][0]["check_number"] == 502


def test_after_the_articles_fix_the_account_and_its_register_tell_the_truth(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    erp_sandbox.add_check("1001", "100")
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    funded = api.funded_disbursement(account, (api.approved_invoice("INV-7"), "1000.00"))
    payment = api.settled(funded["id"])["payments"][0]
    api.call(
        "PATCH", f"/funding-accounts/{account}", "accounting_approver", {"next_check_number": 10000}
    )
    path = f"/disbursements/{funded['id']}/payments/{payment['id']}"
    api.call("PATCH", path, "accounting_approver", {"check_number": 10000})

    # 10000 is taken by the typed record, so the account issues 10001 next, and says so.
    shown = api.call("GET", f"/funding-accounts/{account}", "auditor")
    assert shown["next_check_number"] == 10001
    later = api.funded_disbursement(account, (api.approved_invoice("INV-8"), "10.00"))
    assert later["payments"][0]["check_number"] == shown["next_check_number"]

    api.paysync.start_projections()
    register = wait_for(
        lambda: api.client.get(
            f"/v1/companies/acme/funding-accounts/{account}/check-register",
            headers=api.headers("auditor"),
        ).json(),
        lambda answer: len(answer.get("items", [])) == 3,
        timeout=15.0,
    )
    assert [c["check_number"] for c in register["items"]] == [100, 10000, 10001]
    assert register["funding_account"]["next_check_number"] == 10002
    # 101-9999 were skipped on purpose, as the article advises: not a gap.
    assert register["gaps"] == []
    assert [(s["first"], s["last"]) for s in register["skipped"]] == [(101, 9999)]

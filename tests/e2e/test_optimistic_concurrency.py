"""ETag and If-Match: a change made on a stale read is refused, and of racing changes one wins."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.e2e.api import Api
from tests.fixtures.erp_sandbox import ErpSandbox


def request(api: Api, method: str, path: str, role: str, body: Any = None, **headers: str) -> Any:
    return api.client.request(
        method,
        f"/v1/companies/acme{path}",
        json=body,
        headers={**api.headers(role, subject="ann"), **headers},
    )


def test_every_read_of_a_record_carries_its_version_as_etag(api: Api) -> None:
    account = api.open_account(next_check_number=100)
    invoice = api.approved_invoice("INV-1", sync=False)
    for path in (f"/funding-accounts/{account}", f"/invoices/{invoice}"):
        read = request(api, "GET", path, "auditor")
        assert read.headers["etag"] == f'"{read.json()["version"]}"'


def test_a_change_on_a_stale_etag_is_412_and_changes_nothing(api: Api) -> None:
    account = api.open_account(next_check_number=100)
    path = f"/funding-accounts/{account}"
    seen = request(api, "GET", path, "auditor").headers["etag"]
    renamed = request(api, "PATCH", path, "payments_admin", {"nickname": "Payroll"}, **{
        "If-Match": seen})  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    assert renamed.headers["etag"] != seen
    stale = request(api, "PATCH", path, "payments_admin", {"nickname": "Other"}, **{
        "If-Match": seen})  # fmt: skip
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert request(api, "GET", path, "auditor").json()["nickname"] == "Payroll"
    for bad in ('"stale"', "5", 'W/"x"'):
        answer = request(api, "PATCH", path, "payments_admin", {"nickname": "X"}, **{
            "If-Match": bad})  # fmt: skip
        assert answer.status_code == 412, (bad, answer.text)
    anything = request(api, "PATCH", path, "payments_admin", {"nickname": "Any"}, **{
        "If-Match": "*"})  # fmt: skip
    assert anything.status_code == 200


def test_of_ten_concurrent_fixes_of_one_failed_record_exactly_one_wins(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    erp_sandbox.add_check("1001", "100")  # the ERP's latest check is 100: the export fails
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    funded = api.funded_disbursement(account, (api.approved_invoice("INV-7"), "1000.00"))
    failed = api.settled(funded["id"])
    payment = failed["payments"][0]
    assert payment["export_status"] == "failed_to_export"
    path = f"/disbursements/{funded['id']}"
    seen = request(api, "GET", path, "auditor").headers["etag"]

    def fix(number: int) -> Any:
        return request(api, "PATCH", f"{path}/payments/{payment['id']}", "accounting_approver",
                       {"check_number": number}, **{"If-Match": seen})  # fmt: skip

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(fix, range(200, 210)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [412] * 9, [a.text for a in answers]
    winner = next(answer for answer in answers if answer.status_code == 200)
    number = next(p for p in winner.json()["payments"] if p["id"] == payment["id"])["check_number"]
    now = request(api, "GET", path, "auditor").json()
    assert next(p for p in now["payments"] if p["id"] == payment["id"])["check_number"] == number

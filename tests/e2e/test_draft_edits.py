"""A draft's payments can be added, removed and changed; after authorization, none of it."""

from __future__ import annotations

from tests.e2e.api import Api
from tests.fixtures.erp_sandbox import ErpSandbox


def test_a_draft_gains_loses_and_changes_payments_until_it_is_authorized(
    api: Api, erp_sandbox: ErpSandbox
) -> None:
    api.configure_erp(erp_sandbox.base_url)
    account = api.open_account(next_check_number=100)
    first, second = api.approved_invoice("INV-1"), api.approved_invoice("INV-2")
    body = {
        "name": "Nov",
        "funding_account_id": account,
        "payments": [{"invoice_id": first, "amount": "100.00"}],
    }
    draft = api.call("POST", "/disbursements", "payments_admin", body, 201)
    path = f"/disbursements/{draft['id']}"
    one = draft["payments"][0]["id"]

    grown = api.call(
        "POST",
        f"{path}/payments",
        "payments_admin",
        {"invoice_id": second, "amount": "250.00"},
        201,
    )
    two = grown["payments"][1]["id"]
    api.call("PATCH", f"{path}/payments/{one}", "payments_admin", {"amount": "1000.00"})
    api.call("PATCH", f"{path}/payments/{one}", "payments_admin", {"amount": "1000.01"}, 409)
    api.call("PATCH", f"{path}/payments/{one}", "accounting_approver", {"amount": "5.00"}, 403)
    api.call(
        "POST", f"{path}/payments", "payments_admin", {"invoice_id": second, "amount": "1.00"}, 409
    )  # each invoice once
    api.call("DELETE", f"{path}/payments/{two}", "payments_admin")
    api.call("DELETE", f"{path}/payments/{one}", "payments_admin", expect=409)  # keeps one

    authorized = api.call("POST", f"{path}/authorize", "payments_admin")
    assert [(p["amount"], p["check_number"]) for p in authorized["payments"]] == [("1000.00", 100)]
    api.call("PATCH", f"{path}/payments/{one}", "payments_admin", {"amount": "9.00"}, 409)
    api.call(
        "POST", f"{path}/payments", "payments_admin", {"invoice_id": second, "amount": "1.00"}, 409
    )
    api.call("DELETE", f"{path}/payments/{one}", "payments_admin", expect=409)
    history = api.call("GET", f"{path}?version=3", "auditor")  # before the removal
    assert [p["amount"] for p in history["payments"]] == ["1000.00", "250.00"]

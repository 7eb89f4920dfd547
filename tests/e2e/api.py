"""A small client for the HTTP API, for narrated end-to-end tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from interfaces.bootstrap import Paysync


class Api:
    """Calls paysync's HTTP API as a given role of one company, and asserts success."""

    def __init__(self, client: TestClient, paysync: Paysync, company: str = "acme") -> None:
        self.client = client
        self.paysync = paysync
        self.company = company

    def headers(self, role: str, subject: str | None = None) -> dict[str, str]:
        token = self.paysync.tokens.issue(subject or role, role, self.company)
        return {"Authorization": f"Bearer {token}"}

    def call(
        self,
        method: str,
        path: str,
        role: str,
        body: Any = None,
        expect: int = 200,
        subject: str | None = None,
    ) -> Any:
        response = self.client.request(
            method,
            f"/v1/companies/{self.company}{path}",
            json=body,
            headers=self.headers(role, subject),
        )
        assert response.status_code == expect, response.text
        return response.json()

    # --- the steps of the story ----------------------------------------------------------------
    def configure_erp(self, erp_base_url: str, sync: bool = True, override: bool = False) -> Any:
        return self.call(
            "PUT",
            "/erp-settings",
            "accounting_approver",
            {
                "connector": "quickbooks_online",
                "payment_record_sync_enabled": sync,
                "override_subcontractor_invoice_number": override,
                "erp_base_url": erp_base_url,
            },
        )

    def open_account(
        self, next_check_number: int, bank_id: str = "1001", nickname: str = "Operating"
    ) -> str:
        body = {"nickname": nickname, "bank_id": bank_id, "next_check_number": next_check_number}
        return str(self.call("POST", "/funding-accounts", "payments_admin", body, 201)["id"])

    def approved_invoice(
        self, number: str, amount: str = "1000.00", erp_vendor_id: str = "V042", sync: bool = True
    ) -> str:
        invoice = self.call(
            "POST",
            "/invoices",
            "payments_admin",
            {
                "invoice_number": number,
                "vendor_id": "v-42",
                "vendor_name": "Rebar Co",
                "erp_vendor_id": erp_vendor_id,
                "project": "Tower A",
                "amount_due": amount,
            },
            201,
        )
        self.call(
            "POST", f"/invoices/{invoice['id']}/approve", "accounting_approver", subject="ann"
        )
        if sync:
            self.call(
                "POST", f"/invoices/{invoice['id']}/erp-sync", "accounting_approver", subject="ann"
            )
        return str(invoice["id"])

    def funded_disbursement(self, account_id: str, *invoices: tuple[str, str]) -> Any:
        body = {
            "name": "Nov run",
            "funding_account_id": account_id,
            "payments": [{"invoice_id": i, "amount": a} for i, a in invoices],
        }
        disbursement = self.call("POST", "/disbursements", "payments_admin", body, 201, "pat")
        path = f"/disbursements/{disbursement['id']}"
        self.call("POST", f"{path}/authorize", "payments_admin", subject="pat")
        return self.call(
            "POST",
            f"{path}/funding-complete",
            "service",
            {"funded_at": "2026-11-24T15:00:00Z"},
            subject="bank",
        )

    def disbursement(self, disbursement_id: str) -> Any:
        return self.call("GET", f"/disbursements/{disbursement_id}", "auditor")

    def settled(self, disbursement_id: str, timeout: float = 15.0) -> Any:
        """The disbursement once no payment record is pending any more (bounded wait)."""
        return wait_for(
            lambda: self.disbursement(disbursement_id),
            lambda d: all(p["export_status"] != "pending" for p in d["payments"]),
            timeout,
        )


def wait_for(read: Callable[[], Any], done: Callable[[Any], bool], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.02)

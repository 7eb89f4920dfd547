"""Sage 300 CRE, with the agent that reaches paysync from the contractor's server.

`POST /sandbox/sage-300-cre-agents` registers the agent (paysync's agent URL, its login, how
often to poll, about every second); a thread then polls paysync, marks each requested
invoice for the AP check run in the sandbox's books (Invoice Code 1 and 2 on the invoice, the
whole open amount, nothing posted), and reports back. Refusals are Sage 300 CRE's words with
a code the agent reports: vendor_not_found, invoice_not_found, over_open_balance,
partial_payment.

The same ERP as paysync's connector speaks to it: infrastructure/erp/sage_300_cre.py.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter

from infrastructure.erp_sandbox import ledger
from infrastructure.erp_sandbox.dialect import Dialect, money, required
from infrastructure.erp_sandbox.ledger import Refusal, Rule
from infrastructure.erp_sandbox.pollers import Poller, poller_router
from infrastructure.erp_sandbox.records import PaymentLine
from infrastructure.erp_sandbox.storage import SandboxStore

CONNECTOR = "sage_300_cre"
CODES = {
    Rule.UNKNOWN_VENDOR: "vendor_not_found",
    Rule.UNKNOWN_BILL: "invoice_not_found",
    Rule.BILL_OF_ANOTHER_VENDOR: "invoice_not_found",
    Rule.OVER_OPEN_BALANCE: "over_open_balance",
    Rule.PARTIAL_PAYMENT: "partial_payment",
    Rule.MALFORMED: "invalid_request",
}


CONNECTION_FIELDS = {
    "agent_username": "paysync-sandbox",
    "agent_password_ref": "sandbox",
    "check_run_code": "PAYSYNC",
}


def router(store: SandboxStore) -> APIRouter:
    return poller_router(
        store, "/sage-300-cre-agents", "Sage 300 CRE agent", "sage-300-cre-agent", poll_once
    )


def poll_once(client: httpx.Client, store: SandboxStore, agent: Poller) -> None:
    auth = (agent.username, agent.password)
    polled = client.post(f"{agent.app_url}/poll", auth=auth)
    polled.raise_for_status()
    answers = [mark(store, request) for request in polled.json().get("requests", [])]
    if answers:
        client.post(f"{agent.app_url}/answers", auth=auth, json={"answers": answers})


def mark(store: SandboxStore, request: dict[str, Any]) -> dict[str, Any]:
    answer = {key: request.get(key) for key in ("request_id", "payment_id", "attempt")}
    try:
        held = ledger.mark_for_check_run(
            store,
            CONNECTOR,
            required(request.get("request_id"), "request_id"),
            required(request.get("vendor"), "vendor"),
            PaymentLine(required(request.get("invoice"), "invoice"), money(request.get("amount"))),
            {
                "InvoiceCode1": required(request.get("invoice_code_1"), "invoice_code_1"),
                "InvoiceCode2": required(request.get("invoice_code_2"), "invoice_code_2"),
            },
        )
    except Refusal as refusal:
        return {
            **answer,
            "status": "refused",
            "code": CODES[refusal.rule],
            "message": refusal.detail,
        }
    return {**answer, "status": "marked", "erp_ref": held.erp_ref}


DIALECT = Dialect(CONNECTOR, "/sage-300-cre/", router, CONNECTION_FIELDS, called_at_base_url=False)
